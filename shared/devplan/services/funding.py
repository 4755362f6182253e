"""Funding applications: the platform's `funding.application_updated`, a grant's recognition and
count, the deadline reminders of the daily tick, and the lead's answer about larger programmes.

An update is one transaction (domain/funding.py decides: the newest `updatedAt` wins). When the
newest state is granted, the grant is counted on the person's `funding_sek` tally keyed by the
application id (a `funding.granted` about the same application counts once with it), posted
once in #general and once in #finance (ids are the application's), written to the audit trail,
and, after `grants_for_larger` grants, the lead is asked with Godkänn / Inte än whether the
person takes on larger programmes (e.g. Horizon Europe). Only the lead answers; the person
cannot approve themself.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from devplan.domain.audit import RECOGNITION, AuditEntry
from devplan.domain.calendar import stockholm_date
from devplan.domain.employees import Employee
from devplan.domain.funding import GRANTED, GRANTS_FOR_LARGER, STATUSES, Application, FundingBook
from devplan.domain.limits import MAX_TITLE_LENGTH, is_text, parse_day
from devplan.domain.metrics import FUNDING_SEK, MetricItem
from devplan.domain.wallet import MAX_COST_SEK
from devplan.errors import InvalidEvent
from devplan.messages import funding as render
from devplan.services.goals import lead_of, required_id
from devplan.services.inputs import PlatformEvent, parse_supported_time
from devplan.services.metrics import set_item
from devplan.services.money_notices import dm, post
from devplan.services.ports import Store, UnitOfWork

log = logging.getLogger(__name__)
CHANNELS = ("general", "finance")  # the seed: a grant is recognised in both, once each
MAX_GRANT_SEK = MAX_COST_SEK * 1000  # 1 000 000 000 kr: larger than any programme the team applies to


def _kronor(event: PlatformEvent, name: str, *, required: bool) -> int | None:
    value = event.data.get(name)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_GRANT_SEK:
        raise InvalidEvent(f"{event.type}: {name} must be whole kronor 1–{MAX_GRANT_SEK} (SEK)", code="invalid_data")
    return value


def read_application(event: PlatformEvent) -> tuple[str, Application]:
    data = event.data
    employee_id, application_id = required_id(event, "employeeId"), required_id(event, "applicationId")
    if data.get("currency") not in (None, "SEK"):
        raise InvalidEvent(f"{event.type}: currency must be SEK (amounts are whole kronor)", code="invalid_data")
    for name in ("funder", "programme"):
        if not is_text(data.get(name), MAX_TITLE_LENGTH):
            raise InvalidEvent(
                f"{event.type}: {name} must be text of 1–{MAX_TITLE_LENGTH} characters", code="invalid_data"
            )
    if data.get("status") not in STATUSES:
        raise InvalidEvent(f"{event.type}: status must be one of {', '.join(STATUSES)}", code="invalid_data")
    deadline = parse_day(data.get("deadline"))
    if deadline is None:
        raise InvalidEvent(f"{event.type}: deadline must be a date YYYY-MM-DD", code="invalid_data")
    amount = _kronor(event, "amountSek", required=True) or 0
    granted = _kronor(event, "grantedSek", required=False)
    at = parse_supported_time(data.get("updatedAt"), "updatedAt", code="invalid_data", context=event.type)
    funder, programme = str(data["funder"]).strip(), str(data["programme"]).strip()
    return employee_id, Application(application_id, funder, programme, amount, deadline, data["status"], at, granted)


def update_application(event: PlatformEvent, store: Store, *, grants_for_larger: int = GRANTS_FOR_LARGER) -> str:
    employee_id, application = read_application(event)

    def work(uow: UnitOfWork) -> str:
        employee = uow.employee(employee_id)
        if employee is None:
            return "unknown_employee"
        if not uow.claim(f"platform:{event.id}"):
            return "duplicate"
        book, outcome = employee.funding.updated(application)
        if outcome != "updated":
            return outcome
        newest = book.applications[application.application_id]
        before = employee.funding.applications.get(application.application_id)
        if newest.status != GRANTED and before is not None and before.status == GRANTED:
            # no longer granted (a newer state says so): it no longer counts toward the funding goal
            on = stockholm_date(newest.updated_at)
            set_item(uow, employee_id, FUNDING_SEK, MetricItem(newest.application_id, 0, on))
        if newest.status == GRANTED:
            _granted(uow, employee, newest)
            if book.larger_question_due(grants_for_larger, employee.responsibilities):
                book = _ask_lead(uow, employee, book.grants, book) or book
        uow.save_funding(employee_id, book)  # after the tally moved their goals: keeps those
        return "granted" if newest.status == GRANTED else "updated"

    return event.logged(log, employee_id, store.atomically(work), application.application_id)


def _granted(uow: UnitOfWork, employee: Employee, application: Application) -> None:
    on = stockholm_date(application.updated_at)
    # the newest state's amount, whatever an earlier grant said (a corrected grantedSek)
    set_item(
        uow, employee.employee_id, FUNDING_SEK, MetricItem(application.application_id, application.granted_amount, on)
    )
    key = f"funding-granted:{employee.employee_id}:{application.application_id}"
    for channel in CHANNELS:
        rendered = render.grant("sv", person=employee, application=application)  # the channels speak Swedish
        post(uow, f"{key}:{channel}", channel, rendered, f"grant → #{channel}", about=(employee,))
    detail = {
        "applicationId": application.application_id,
        "funder": application.funder,
        "grantedSek": application.granted_amount,
    }
    uow.record(
        AuditEntry(
            key, employee.employee_id, RECOGNITION, "funding_granted", None, application.updated_at, None, detail
        )
    )


def _ask_lead(uow: UnitOfWork, employee: Employee, grants: int, book: FundingBook) -> FundingBook | None:
    lead = lead_of(uow, employee)
    if lead is None:  # nobody may approve their own responsibility: logged, asked when a lead exists
        log.warning(
            "larger programmes for %s: no lead to ask", employee.employee_id, extra={"employeeId": employee.employee_id}
        )
        return None
    total = sum(a.granted_amount for a in book.applications.values() if a.status == GRANTED)
    asked = render.larger_question(
        lead.language, employee=employee.name, employee_id=employee.employee_id, grants=grants, granted_sek=total
    )
    if not dm(
        uow,
        f"funding-larger:{employee.employee_id}:{grants}",
        lead,
        asked,
        "larger programmes → lead",
        about=(employee,),
    ):
        return None
    return replace(book, larger_asked_at=grants)
