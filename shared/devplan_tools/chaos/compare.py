"""The final Firestore state of a run as plain data, and the differences between two runs.

Compared: employees (and their reflections), cycles, outbox (ids, state, message content),
ticks (the day's state); and what is left over: held events (type, employee, data) and dead
letters (function, reason, event type, record, state), each as a count under what it is, since
their ids and times are how a delivery went: a dead letter or a held event left only after
chaos is a difference. Left out, as bookkeeping of how a delivery went rather than what the
system decided: processedEvents (event ids), the ticks' chunks (per-delivery counts), what
follows the due index (DUE_INDEX: how many a tick looked at, the next day to look), and the
fields in BOOKKEEPING wherever they appear: when things were claimed, sent or written
(wall-clock times), attempt counters, claim and event ids, Slack's own `ts`.
"""

from __future__ import annotations

import json
from typing import Any

COLLECTIONS = ("employees", "cycles", "outbox", "ticks", "metricItems")
SUBCOLLECTIONS = {"employees": ("reflections", "tallies")}
BOOKKEEPING = frozenset(
    {
        "claim",
        "attempts",
        "eventId",
        "sourceEventId",
        "createdAt",
        "sentAt",
        "failedAt",
        "processedAt",
        "expireAt",
        "welcomedAt",
        "ts",
        "runId",
        "messageId",
    }
)


# Per collection, top-level fields that follow the due index (domain/next_check.py): how many
# people a day's tick looked at, and the day it next looks at someone. Both move with the day an
# outside write (a delayed or reordered event) landed, which is what chaos changes; what the rules
# decided on those days is compared in cycles and the outbox.
DUE_INDEX = {"ticks": ("employees", "chunks"), "employees": ("nextCheckOn",)}


def _clean(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in sorted(value.items()) if k not in BOOKKEEPING}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


# Residue, compared by what it is: collection -> the fields that say so.
RESIDUE = {
    "heldEvents": ("type", "employeeId", "data"),
    "deadLetters": ("function", "reason", "eventType", "record", "state"),
}


def snapshot(db: Any) -> dict[str, Any]:
    """{"employees/anna": {...}, "employees/anna/reflections/anna-q1": {...}, ...,
    'deadLetters/{"function": ...}': {"count": 1}}"""
    state: dict[str, Any] = {}
    for name, fields in RESIDUE.items():
        for doc in db.collection(name).stream():
            data = doc.to_dict() or {}
            what = {f: _clean(data.get(f)) for f in fields}
            key = f"{name}/{json.dumps(what, ensure_ascii=False, sort_keys=True, default=str)}"
            state.setdefault(key, {"count": 0})["count"] += 1
    for name in COLLECTIONS:
        for doc in db.collection(name).stream():
            data = {k: v for k, v in (doc.to_dict() or {}).items() if k not in DUE_INDEX.get(name, ())}
            state[f"{name}/{doc.id}"] = _clean(data)
            for sub in SUBCOLLECTIONS.get(name, ()):
                for child in doc.reference.collection(sub).stream():
                    state[f"{name}/{doc.id}/{sub}/{child.id}"] = _clean(child.to_dict())
    return state


def differences(clean: dict[str, Any], chaos: dict[str, Any]) -> list[str]:
    """One line per differing field: `path field: clean → chaos`."""
    lines: list[str] = []
    for path in sorted(set(clean) | set(chaos)):
        if path not in chaos:
            lines.append(f"{path}: missing after chaos")
        elif path not in clean:
            lines.append(f"{path}: only after chaos")
        else:
            lines.extend(f"{path} {f}" for f in _fields(clean[path], chaos[path], ""))
    return lines


def _fields(a: Any, b: Any, prefix: str) -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        out: list[str] = []
        for key in sorted(set(a) | set(b)):
            out.extend(_fields(a.get(key), b.get(key), f"{prefix}.{key}" if prefix else key))
        return out
    return [] if a == b else [f"{prefix}: {a!r} → {b!r}"]
