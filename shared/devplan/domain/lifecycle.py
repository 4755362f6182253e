"""An employee's life after onboarding: updated (name, e-mail, role, lead) and offboarded.

The platform sends each change as the person's new facts at `occurredAt`, often only some of
them (a new name, a new lead). Changes race each other and may come twice, so each fact keeps
the time it was last set and the newest wins fact by fact: an update sets the facts it is newer
for and leaves the others; one older than (or as old as) every fact it names changes nothing
("stale"). So a newer name change arriving first cannot swallow an older lead change, and the
record ends the same whatever the order. Someone offboarded stays offboarded: what comes after
about them is acknowledged and ignored, their history is kept as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from devplan.domain.employees import (
    MENTORING_CHANNELS,
    ROLES,
    Employee,
    employee_problems,
    is_email,
)
from devplan.domain.ids import is_valid_id
from devplan.domain.limits import MAX_NAME_LENGTH, is_text
from devplan.errors import InvalidEvent

OFFBOARDED = "offboarded"
# What an update may change, by the platform's field names; the rest of the record is the plan's.
FIELDS = ("name", "email", "role", "leadId")


@dataclass(frozen=True)
class EmployeeUpdate:
    """`employee.updated`: the fields given are the person's facts from `occurred_at` on."""

    employee_id: str
    occurred_at: datetime
    changes: dict[str, Any]  # a subset of FIELDS; leadId may be None (a project lead)


@dataclass(frozen=True)
class Change:
    """What an update did: the record before and after, and which facts moved."""

    before: Employee
    after: Employee
    fields: tuple[str, ...]  # of FIELDS, in that order

    @property
    def lead_moved(self) -> bool:
        return "leadId" in self.fields

    @property
    def role_moved(self) -> bool:
        return "role" in self.fields

    @property
    def new_channels(self) -> tuple[str, ...]:
        """Mentoring channels of the new role the person was not invited to for the old one.
        (Slack keeps them in the old channels: leaving one is theirs to do, and its history stays.)"""
        old = MENTORING_CHANNELS.get(self.before.role, ())
        return tuple(c for c in MENTORING_CHANNELS.get(self.after.role, ()) if c not in old)


def is_offboarded(employee: Employee) -> bool:
    """Offboarded: no reminders, no approvals, no App Home (what the views and ticks ask)."""
    return employee.status == OFFBOARDED


def parse_update(data: dict[str, Any], occurred_at: datetime) -> EmployeeUpdate:
    """Validate the data of `employee.updated`; every problem is named in one InvalidEvent."""
    employee_id = data.get("employeeId")
    problems = [] if is_valid_id(employee_id) else ["employeeId must be 1–128 letters, digits, '_', '-' or '.'"]
    changes = {k: data[k] for k in FIELDS if k in data}
    if not changes:
        problems.append(f"at least one of {', '.join(FIELDS)} is required")
    if "name" in changes and not is_text(changes["name"], MAX_NAME_LENGTH):
        problems.append(f"name must be text of 1–{MAX_NAME_LENGTH} characters on one line")
    if "email" in changes and not is_email(changes["email"]):
        problems.append("email must be an e-mail address")
    if "role" in changes and changes["role"] not in ROLES:
        problems.append(f"role must be one of {', '.join(ROLES)}")
    if "leadId" in changes and changes["leadId"] is not None and not is_valid_id(changes["leadId"]):
        problems.append("leadId must be an employee id or null")
    if problems or not isinstance(employee_id, str):
        raise InvalidEvent("employee.updated: " + "; ".join(problems), code="invalid_data")
    if isinstance(changes.get("name"), str):
        changes["name"] = changes["name"].strip()
    if isinstance(changes.get("email"), str):
        changes["email"] = changes["email"].lower()
    return EmployeeUpdate(employee_id, occurred_at, changes)


def parse_offboarding(data: dict[str, Any]) -> str:
    employee_id = data.get("employeeId")
    if not is_valid_id(employee_id) or not isinstance(employee_id, str):
        raise InvalidEvent("employee.offboarded: employeeId must be an employee id", code="invalid_data")
    return employee_id


def fact_at(employee: Employee, fact: str) -> datetime | None:
    """When `fact` (of FIELDS) was last set by an update; None if never since onboarding. A record
    from before facts had their own times knows only the newest update: it stands for each fact."""
    if employee.lifecycle_field_at is None:
        return employee.lifecycle_at
    return employee.lifecycle_field_at.get(fact)


def newer_changes(employee: Employee, update: EmployeeUpdate) -> dict[str, Any]:
    """The update's facts that are newer than the ones kept (a tie keeps what is there: the same
    event again, or another one as old, changes nothing)."""
    return {k: v for k, v in update.changes.items() if (at := fact_at(employee, k)) is None or update.occurred_at > at}


def is_stale(employee: Employee, update: EmployeeUpdate) -> bool:
    """Every fact the update names was set by an update as new or newer."""
    return not newer_changes(employee, update)


def apply_update(employee: Employee, update: EmployeeUpdate) -> Change:
    """The record with the update's newer facts and their time (the caller checked it is not
    stale or offboarded). The combination must still be a usable employee (a developer needs a
    lead, nobody leads themself): otherwise InvalidEvent, nothing changes."""
    c = newer_changes(employee, update)
    at = update.occurred_at
    after = replace(
        employee,
        name=c.get("name", employee.name),
        email=c.get("email", employee.email),
        role=c.get("role", employee.role),
        lead_id=c.get("leadId", employee.lead_id),
        lifecycle_at=max(at, employee.lifecycle_at or at),  # the newest event applied (offboarding's floor)
        lifecycle_field_at={**_field_times(employee), **dict.fromkeys(c, at)},
    )
    problems = employee_problems(after)
    if problems:
        raise InvalidEvent("employee.updated leaves an unusable employee: " + "; ".join(problems), code="invalid_data")
    before_facts = {"name": employee.name, "email": employee.email, "role": employee.role, "leadId": employee.lead_id}
    after_facts = {"name": after.name, "email": after.email, "role": after.role, "leadId": after.lead_id}
    moved = tuple(k for k in FIELDS if before_facts[k] != after_facts[k])
    return Change(employee, after, moved)


def _field_times(employee: Employee) -> dict[str, datetime]:
    """Each fact's time as written from now on (an old record's one time, given to each fact)."""
    return {k: at for k in FIELDS if (at := fact_at(employee, k)) is not None}


def offboard(employee: Employee, occurred_at: datetime) -> Employee:
    return replace(employee, status=OFFBOARDED, lifecycle_at=occurred_at)
