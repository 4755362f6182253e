"""Employees of the plan: who they are, their role, their lead, where they get mentoring."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

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
_ID = re.compile(r"^[A-Za-z0-9_.-]{1,128}$")


def is_valid_id(value: Any) -> bool:
    """An id the platform may use that is also a legal Firestore document id
    (no '/', not '.' or '..', not the reserved __name__ form)."""
    return isinstance(value, str) and bool(_ID.match(value)) and value not in (".", "..") \
        and not (value.startswith("__") and value.endswith("__"))


@dataclass(frozen=True)
class NewEmployee:
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
    if problems:
        raise InvalidEvent("employee.onboarded: " + "; ".join(problems), code="invalid_data")
    return NewEmployee(employee_id, name.strip(), email.strip().lower(), role, lead_id or None, start_date)


def employee_document(new: NewEmployee, *, event_id: str, occurred_at: Any) -> dict[str, Any]:
    """The employees/{id} document as the platform hands it over; reactions add the rest."""
    return {
        "name": new.name, "email": new.email, "role": new.role, "leadId": new.lead_id,
        "startDate": new.start_date.isoformat(), "status": "active", "language": "sv",
        "onboardedAt": occurred_at, "sourceEventId": event_id,
        "onboarding": {"status": "pending"},
    }
