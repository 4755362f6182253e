"""`/utveckling`: the asker's plan as it stands (pure rendering)."""

from __future__ import annotations

from devplan.domain.employees import Employee
from devplan.messages.blocks import Rendered, one_section
from devplan.messages.catalog import role_name, text
from devplan.messages.dates import format_date
from devplan.messages.onboarding import channel_list


def plan_status(*, lang: str, employee: Employee | None, lead_name: str | None) -> Rendered:
    if employee is None:
        line = text(lang, "status.unknown")
        return Rendered(line, one_section(line).blocks)
    goals = employee.goals
    deadline = format_date(lang, goals.deadline) if goals.deadline else "–"
    items = goals.items
    lines = [
        text(lang, "status.heading", name=employee.name),
        text(lang, "status.role", role=role_name(lang, employee.role)),
        text(lang, "status.goals_some", count=len(items), deadline=deadline)
        if items
        else text(lang, "status.goals_none", deadline=deadline),
        *(f"  • {g.title}" for g in items),
        text(lang, "status.lead", lead_name=lead_name) if lead_name else "",
        text(lang, "status.channels", channels=channel_list(employee.role)),
    ]
    return one_section("\n".join(line for line in lines if line))
