"""Employees of the plan: who they are, their role, their lead, where they get mentoring."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from devplan.domain.goals import GoalPlan
from devplan.domain.ids import is_valid_id
from devplan.errors import InvalidEvent

ROLES = ("developer", "coach", "funding_manager", "project_lead")
# The seed's mentoring channels by role. The project lead mentors in all of them.
MENTORING_CHANNELS: dict[str, tuple[str, ...]] = {
    "developer": ("dev",),
    "coach": ("coaching",),
    "funding_manager": ("finance",),
    "project_lead": ("dev", "coaching", "finance"),
}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
ACTIVE = "active"
DEFAULT_LANGUAGE = "sv"  # Swedish first; English when the person asks for it


@dataclass(frozen=True)
class NewEmployee:
    """An employee as the platform hands them over (employee.onboarded)."""

    employee_id: str
    name: str
    email: str
    role: str
    lead_id: str | None
    start_date: date

    @property
    def first_name(self) -> str:
        return self.name.split()[0]


def parse_new_employee(data: dict[str, Any]) -> NewEmployee:
    """Validate the data of `employee.onboarded`; every problem is named in one InvalidEvent."""
    problems = []
    employee_id, name, email, role = (data.get(k) for k in ("employeeId", "name", "email", "role"))
    lead_id, start = data.get("leadId"), data.get("startDate")
    if not is_valid_id(employee_id):
        problems.append("employeeId must be 1–128 letters, digits, '_', '-' or '.'")
    if not isinstance(name, str) or not name.strip():
        problems.append("name is required")
    if not isinstance(email, str) or not _EMAIL.match(email):
        problems.append("email must be an e-mail address")
    if role not in ROLES:
        problems.append(f"role must be one of {', '.join(ROLES)}")
    if lead_id is not None and not is_valid_id(lead_id):
        problems.append("leadId must be an employee id or null")
    if role != "project_lead" and not lead_id:
        problems.append("leadId is required for everyone but a project lead")
    if lead_id is not None and lead_id == employee_id:
        problems.append("leadId cannot be the employee themself")
    try:
        start_date = date.fromisoformat(start) if isinstance(start, str) else None
    except ValueError:
        start_date = None
    if start_date is None:
        problems.append("startDate must be a date YYYY-MM-DD")
    if problems or not (
        isinstance(employee_id, str)
        and isinstance(name, str)
        and isinstance(email, str)
        and isinstance(role, str)
        and start_date is not None
    ):
        raise InvalidEvent("employee.onboarded: " + "; ".join(problems), code="invalid_data")
    return NewEmployee(employee_id, name.strip(), email.strip().lower(), role, lead_id or None, start_date)


# Onboarding states of an employee record (services/onboarding.py moves them on).
PENDING, WAITING_FOR_SLACK, WELCOMED = "pending", "waiting_for_slack", "welcomed"


@dataclass(frozen=True)
class Employee(NewEmployee):
    """An employee as the plan knows them: the platform's facts and what the plan added."""

    status: str = ACTIVE
    language: str = DEFAULT_LANGUAGE
    slack_user_id: str | None = None
    onboarding: str = PENDING
    welcomed_at: datetime | None = None
    goals: GoalPlan = field(default_factory=GoalPlan)

    @property
    def active(self) -> bool:
        return self.status == ACTIVE

    @classmethod
    def joining(cls, new: NewEmployee) -> Employee:
        return cls(new.employee_id, new.name, new.email, new.role, new.lead_id, new.start_date)
