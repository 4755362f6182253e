"""How the audit trail tells a person's facts over time (`/utveckling historik`).

services/lifecycle.py writes one entry for each fact an `employee.updated` states, won or not,
keyed by the event: the same entries whatever the arrival order. What each says (`said`) is enough
to read them in time order, each against the one before it: a role's or lead's id, a name's or
e-mail's short digest (whether it moved, never the value). `lifecycle.was` holds each fact from
before any update, said the same way, where the reading starts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from devplan.domain.audit import LIFECYCLE, AuditEntry
from devplan.domain.employees import Employee

# Each fact's audit entry by its action, and the detail saying what the fact became: a role or a
# lead by value (ids), a name or an e-mail by its digest (never the value: nothing for an erasure to find).
TRAILED = {
    "role_changed": ("role", "to"),
    "lead_changed": ("leadId", "to"),
    "name_changed": ("name", "digest"),
    "email_changed": ("email", "digest"),
}
ACTIONS = {fact: action for action, (fact, _) in TRAILED.items()}


def facts(employee: Employee) -> dict[str, Any]:
    """The person's platform facts by the platform's field names."""
    return {"name": employee.name, "email": employee.email, "role": employee.role, "leadId": employee.lead_id}


def rank(value: Any) -> str:
    """A fact's value as two of the same moment are ordered (the greater wins)."""
    return "" if value is None else str(value)


def said(employee_id: str, fact: str, value: Any) -> dict[str, str]:
    """An audit entry's detail for a fact the platform said: a role or lead as its id, a name or
    e-mail as a short digest of the person's value, enough to tell whether it moved."""
    if TRAILED[ACTIONS[fact]][1] == "to":
        return {"to": value or ""}
    return {"digest": hashlib.sha256(f"{employee_id}\n{fact}\n{value}".encode()).hexdigest()[:16]}


def was_before(employee: Employee) -> dict[str, str]:
    """What each fact was before any update set it, as its entries say it (`said`), kept by the
    first change of the record that sees it unset: the record before any update is the same
    whatever the order, and `trail` starts from it. A record from before facts had their own
    times is seeded from what it holds at its first change now: its older entries name their own
    "from" (or say nothing of a name), so the history goes on from there."""
    was = dict(employee.lifecycle_was or {})
    times, kept = employee.lifecycle_field_at or {}, facts(employee)
    for k in ACTIONS:
        if k not in was and k not in times:
            was[k] = next(iter(said(employee.employee_id, k, kept[k]).values()))
    return was


def trail(entries: Sequence[AuditEntry], employee: Employee) -> list[AuditEntry]:
    """The audit trail as read: a role or lead entry with what it was before (the entry before it
    in time, ties by what it said, or the value from before the first update), a fact's entry that
    moved nothing left out, a name's or e-mail's digest not shown. Entries are written for each
    fact the platform said, in whatever order they came (services/lifecycle.py); read in time
    order they tell the same history. `entries` must hold all of the person's lifecycle entries:
    each is read against the one before it, however old."""
    was: dict[str, Any] = dict(employee.lifecycle_was or {})
    read: dict[str, AuditEntry | None] = {}
    trailed = [e for e in entries if e.kind == LIFECYCLE and e.action in TRAILED]
    for e in sorted(trailed, key=lambda e: (e.at, rank(e.detail.get(TRAILED[e.action][1])), e.key)):
        fact, field = TRAILED[e.action]
        now = e.detail.get(field)
        if now is None:  # a name or e-mail written without its digest (or erased): it cannot tell
            continue
        before = e.detail.get("from", was.get(fact))
        detail = {k: v for k, v in e.detail.items() if k != "digest"}
        if field == "to" and before is not None:
            detail["from"] = before
        read[e.key] = None if "from" not in e.detail and before == now else replace(e, detail=detail)
        was[fact] = now
    return [shown for e in entries if (shown := read.get(e.key, e)) is not None]
