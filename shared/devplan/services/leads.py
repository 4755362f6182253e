"""Who a person's lead is, for telling them things and letting them act: an offboarded lead is none.

Someone offboarded keeps their record (history is kept), and the people they led keep its id
as their `leadId` until the platform names a new lead. Everything that messages a lead or lets
them decide asks here, so a lead who left gets no DM, no 1:1 invite, no approval and no Home,
and the person takes the same path as someone whose lead is not onboarded yet (it waits, logged,
and moves to the new lead with `employee.updated`).
"""

from __future__ import annotations

from typing import Protocol

from devplan.domain.employees import Employee
from devplan.domain.lifecycle import is_offboarded


class Reads(Protocol):
    """A unit of work, the store, or a loaded batch: anything that reads an employee by id."""

    def employee(self, employee_id: str) -> Employee | None: ...


def active(reader: Reads, employee_id: str | None) -> Employee | None:
    """The employee with this id if they are still in the plan (None: no id, unknown, offboarded)."""
    found = reader.employee(employee_id) if employee_id else None
    return None if found is None or is_offboarded(found) else found


def active_lead(reader: Reads, employee: Employee) -> Employee | None:
    """`employee`'s lead, None when they have none, theirs is unknown or has been offboarded."""
    return active(reader, employee.lead_id)
