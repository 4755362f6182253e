"""Slack messages of funding applications (pure rendering): deadline reminders, the grant's
recognition in #general and #finance, and the lead's question about larger programmes with
Godkänn / Inte än (the buttons' value is the employee id and the number of grants)."""

from __future__ import annotations

from devplan.domain.employees import Employee
from devplan.domain.funding import Application
from devplan.messages.blocks import Rendered, buttons, one_section, section
from devplan.messages.catalog import format_sek, text
from devplan.messages.dates import format_date

FUNDING_LARGER_APPROVE, FUNDING_LARGER_NOT_YET = "funding_larger_approve", "funding_larger_not_yet"


def larger_ref(employee_id: str, grants: int) -> str:
    return f"{employee_id}|{grants}"


def parse_larger_ref(value: str) -> tuple[str, int]:
    employee_id, grants = value.split("|")
    return employee_id, int(grants)


def _figures(lang: str, application: Application) -> dict[str, str]:
    return {
        "funder": application.funder,
        "programme": application.programme,
        "amount": format_sek(lang, application.amount_sek),
        "granted": format_sek(lang, application.granted_amount),
        "deadline": format_date(lang, application.deadline),
    }


def reminder(lang: str, *, first_name: str, application: Application, days: int) -> Rendered:
    return one_section(text(lang, "funding.reminder", first_name=first_name, days=days, **_figures(lang, application)))


def grant(lang: str, *, person: Employee, application: Application) -> Rendered:
    """The recognition: who, which funder and programme, how much (no empty praise)."""
    mention = f"<@{person.slack_user_id}>" if person.slack_user_id else f"*{person.name}*"
    return one_section(text(lang, "funding.granted", person=mention, **_figures(lang, application)))


def larger_question(lang: str, *, employee: str, employee_id: str, grants: int, granted_sek: int) -> Rendered:
    ref = larger_ref(employee_id, grants)
    line = text(lang, "funding.larger_question", employee=employee, grants=grants, total=format_sek(lang, granted_sek))
    blocks = (
        section(line),
        buttons(
            f"funding-larger:{ref}",
            (FUNDING_LARGER_APPROVE, text(lang, "funding.approve"), ref, "primary"),
            (FUNDING_LARGER_NOT_YET, text(lang, "funding.not_yet"), ref, None),
        ),
    )
    return Rendered(line.replace("*", ""), blocks)


def line(lang: str, key: str, **fields: str) -> Rendered:
    return one_section(text(lang, f"funding.{key}", **fields))
