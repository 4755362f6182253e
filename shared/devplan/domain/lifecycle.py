"""An employee's life after onboarding: updated (name, e-mail, role, lead) and offboarded.

The platform sends each change as the person's new facts at `occurredAt`, often only some of
them (a new name, a new lead). Changes race each other and may come twice, so each fact keeps
the time it was last set and the newest wins fact by fact; two of the same moment: the greater
value (as time off's tiebreak), so the record ends the same whatever the order. An update sets
the facts it wins and leaves the others; one that wins none changes nothing ("stale").

A role and the lead it needs may come as two events, in either order, so the record holds the
facts as the platform said them, even when they do not fit together yet: a developer without a
lead is then as one whose lead is not onboarded yet (services/leads.py: what needs the lead
waits, logged, and moves when the lead comes). Holding such an update instead would make the
end depend on the order (the fact that completes it may never come, or be older). Only what no
other fact can mend is the event's fault: someone named as their own lead.

Someone offboarded stays offboarded, and an update about them is still a fact (one older than
the offboarding may arrive after it): it is recorded, and wakes nothing. Their `lifecycle_at`
is when they left. Someone erased takes no fact any more (`is_erased`): it would bring back what
the erasure removed.
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
    is_lead_missing,
)
from devplan.domain.ids import is_valid_id
from devplan.domain.lifecycle_trail import facts, rank, was_before
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


def is_erased(employee: Employee) -> bool:
    """Their personal data was erased: an update would bring back a name or an e-mail, so none is
    taken any more (offboarded as well, so nothing else of theirs wakes either)."""
    return employee.erased_at is not None


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
    if "leadId" in changes and changes["leadId"] == employee_id:
        problems.append("leadId cannot be the employee themself")
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
    """The update's facts that win over the ones kept: newer, or as new with the greater value
    (the same event again, or another as old with the same value, changes nothing)."""
    kept = facts(employee)
    return {
        k: v
        for k, v in update.changes.items()
        if (at := fact_at(employee, k)) is None or (update.occurred_at, rank(v)) > (at, rank(kept[k]))
    }


def is_stale(employee: Employee, update: EmployeeUpdate) -> bool:
    """Every fact the update names was set by an update that wins over it."""
    return not newer_changes(employee, update)


def stored_problems(employee: Employee) -> list[str]:
    """What in the stored record itself the plan cannot work with (ours to mend, not the event's);
    a lead still to come is not one of them."""
    return employee_problems(employee, lead_required=False)


def waits_for_lead(employee: Employee) -> bool:
    """Their role needs a lead the platform has not named yet: what needs the lead waits."""
    return is_lead_missing(employee.role, employee.lead_id)


def apply_update(employee: Employee, update: EmployeeUpdate) -> Change:
    """The record with the update's winning facts and their time (the caller checked it is not
    stale and the stored record is usable). For someone offboarded `lifecycle_at` stays when
    they left."""
    c = newer_changes(employee, update)
    at = update.occurred_at
    after = replace(
        employee,
        name=c.get("name", employee.name),
        email=c.get("email", employee.email),
        role=c.get("role", employee.role),
        lead_id=c.get("leadId", employee.lead_id),
        lifecycle_at=employee.lifecycle_at if is_offboarded(employee) else max(at, employee.lifecycle_at or at),
        lifecycle_field_at={**_field_times(employee), **dict.fromkeys(c, at)},
        lifecycle_was=was_before(employee),
    )
    before_facts, after_facts = facts(employee), facts(after)
    moved = tuple(k for k in FIELDS if before_facts[k] != after_facts[k])
    return Change(employee, after, moved)


def _field_times(employee: Employee) -> dict[str, datetime]:
    """Each fact's time as written from now on (an old record's one time, given to each fact)."""
    return {k: at for k in FIELDS if (at := fact_at(employee, k)) is not None}


def offboard(employee: Employee, occurred_at: datetime) -> Employee:
    """Offboarded at `occurred_at` (when they left, whatever came before). Each fact keeps its own
    time from now on, so `lifecycle_at` no longer stands for them."""
    return replace(
        employee,
        status=OFFBOARDED,
        lifecycle_at=occurred_at,
        lifecycle_field_at=_field_times(employee),
        lifecycle_was=was_before(employee),  # before its times stand for each fact (an old record's)
    )
