"""Slack messages rendered from the catalog: pure functions from domain values to (text, blocks)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from devplan.adapters.catalog import entry, format_date, format_sek, role_name, text
from devplan.domain.budget import ANNUAL_TRAINING_BUDGET_SEK
from devplan.domain.calendar import Quarter
from devplan.domain.employees import MENTORING_CHANNELS

Blocks = tuple[dict[str, Any], ...]
SECTION_LIMIT = 3000   # Slack's limit on one section's text


@dataclass(frozen=True)
class Rendered:
    text: str
    blocks: Blocks


def section(markdown: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": markdown[:SECTION_LIMIT]}}


def header(plain: str) -> dict[str, Any]:
    return {"type": "header", "text": {"type": "plain_text", "text": plain[:150], "emoji": True}}


def context(markdown: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": markdown[:SECTION_LIMIT]}]}


def channel_list(role: str) -> str:
    return ", ".join(f"#{c}" for c in MENTORING_CHANNELS[role])


def welcome(*, lang: str, name: str, role: str, lead_name: str | None, deadline: date,
            team: list[str] = ()) -> Rendered:
    first_name = name.split()[0]
    when = format_date(lang, deadline)
    quarter = Quarter.of(deadline)
    fields = {"quarter": quarter.label_sv, "deadline_quarter_end": format_date(lang, quarter.end)}
    examples = "\n".join(f"• {e.format(**fields)}" for e in entry(lang, f"examples.{role}"))
    blocks = [
        header(text(lang, "welcome.title", first_name=first_name)),
        section(text(lang, "welcome.intro")),
        section("\n".join([
            text(lang, "welcome.plan_heading"),
            text(lang, "welcome.plan_goals", lead_name=lead_name, deadline=when) if lead_name
            else text(lang, "welcome.plan_goals_self", deadline=when),
            text(lang, "welcome.plan_review_lead" if role == "project_lead" else "welcome.plan_review"),
            text(lang, "welcome.plan_rest", budget=format_sek(lang, ANNUAL_TRAINING_BUDGET_SEK),
                 channels=channel_list(role))])),
        section(text(lang, "welcome.examples_heading", role=role_name(lang, role)) + "\n" + examples),
        section(text(lang, "welcome.resources_heading") + "\n" + text(lang, f"resources.{role}")),
    ]
    if team:
        blocks.append(section(text(lang, "welcome.team_heading") + "\n" + "\n".join(f"• {n}" for n in team)))
    blocks.append(context(text(lang, "welcome.closing")))
    return Rendered(text(lang, "welcome.text", first_name=first_name, deadline=when), tuple(blocks))


def lead_notice(*, lang: str, key: str, name: str, role: str, email: str, start_date: date,
                deadline: date) -> Rendered:
    line = text(lang, f"lead_notice.{key}", name=name, role=role_name(lang, role), email=email,
                start_date=format_date(lang, start_date), deadline=format_date(lang, deadline),
                channels=channel_list(role))
    return Rendered(line.replace("*", ""), (section(line),))


def plan_status(*, lang: str, employee: dict[str, Any] | None, lead_name: str | None) -> Rendered:
    if employee is None:
        line = text(lang, "status.unknown")
        return Rendered(line, (section(line),))
    goals = employee.get("goals") or {}
    deadline = format_date(lang, date.fromisoformat(goals["deadline"])) if goals.get("deadline") else "–"
    items = goals.get("items") or []
    lines = [
        text(lang, "status.heading", name=employee["name"]),
        text(lang, "status.role", role=role_name(lang, employee["role"])),
        text(lang, "status.goals_some", count=len(items), deadline=deadline) if items
        else text(lang, "status.goals_none", deadline=deadline),
        *(f"  • {g.get('title', '')}" for g in items),
        text(lang, "status.lead", lead_name=lead_name) if lead_name else "",
        text(lang, "status.channels", channels=channel_list(employee["role"])),
    ]
    body = "\n".join(line for line in lines if line)
    return Rendered(body.replace("*", ""), (section(body),))
