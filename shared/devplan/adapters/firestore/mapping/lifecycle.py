"""An employee's lifecycle ↔ employees/{id} (their platform facts, status, `lifecycle.at`, each
fact's time in `lifecycle.fieldAt`, each fact from before any update in `lifecycle.was`: a role
and lead by id, a name and e-mail by digest, as their audit entries say them)
and the outbox messages cancelled when they leave."""

from __future__ import annotations

from datetime import datetime

from devplan.adapters.firestore.mapping.common import Document, compact
from devplan.domain.employees import Employee
from devplan.domain.outbox import CANCELLED

USERS = "users"  # outbox/{id}: the Slack user ids a message goes to (a DM, a group DM, an invite)


def lifecycle_update(employee: Employee) -> Document:
    """The platform's facts as they are now (a merge: the plan's own fields stay)."""
    return {
        "name": employee.name,
        "email": employee.email,
        "role": employee.role,
        "leadId": employee.lead_id,
        "status": employee.status,
        "lifecycle": compact(
            {
                "at": employee.lifecycle_at,
                "fieldAt": lifecycle_field_at_document(employee),
                "was": dict(employee.lifecycle_was) if employee.lifecycle_was else None,
            }
        ),
    }


def cancelled_update(at: datetime, why: str) -> Document:
    return {"state": CANCELLED, "cancelledAt": at, "cancelledWhy": why}


def lifecycle_field_at_document(employee: Employee) -> Document | None:
    """`lifecycle.fieldAt`: each fact's time by the platform's field name (absent on a record from
    before facts had their own times: domain/lifecycle.py reads `lifecycle.at` for each)."""
    times = employee.lifecycle_field_at
    return dict(times) if times is not None else None


def lifecycle_field_at_from(lifecycle: Document) -> dict[str, datetime] | None:
    times = lifecycle.get("fieldAt")
    if times is not None and not all(isinstance(at, datetime) for at in times.values()):
        raise ValueError("lifecycle.fieldAt must map facts to times")
    return dict(times) if times is not None else None


def lifecycle_was_from(lifecycle: Document) -> dict[str, str] | None:
    was = lifecycle.get("was")
    if was is not None and not all(isinstance(v, str) for v in was.values()):
        raise ValueError("lifecycle.was must map facts to text")
    return dict(was) if was is not None else None
