"""An employee's lifecycle ↔ employees/{id} (their platform facts, status and `lifecycle.at`)
and the outbox messages cancelled when they leave."""

from __future__ import annotations

from datetime import datetime

from devplan.adapters.firestore.mapping.common import Document
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
        "lifecycle": {"at": employee.lifecycle_at},
    }


def cancelled_update(at: datetime, why: str) -> Document:
    return {"state": CANCELLED, "cancelledAt": at, "cancelledWhy": why}
