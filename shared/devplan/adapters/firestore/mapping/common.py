"""Shared by the mapping modules: the collections, the paths, and how values are written."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from devplan.domain.calendar import Quarter

Document = dict[str, Any]
EMPLOYEES, CYCLES, OUTBOX, LEDGER, TICKS = "employees", "cycles", "outbox", "processedEvents", "ticks"
HELD = "heldEvents"  # platform events that named an employee not onboarded yet
# Ledger entries carry expireAt; a Firestore TTL policy (infra/main.tf) deletes them later.
LEDGER_RETENTION = timedelta(days=30)


def employee_path(employee_id: str) -> str:
    return f"{EMPLOYEES}/{employee_id}"


def reflection_path(employee_id: str, entry_id: str) -> str:
    return f"{EMPLOYEES}/{employee_id}/reflections/{entry_id}"


def cycle_path(employee_id: str, quarter: Quarter) -> str:
    return f"{CYCLES}/{employee_id}:{quarter.key}"


def outbox_path(message_id: str) -> str:
    return f"{OUTBOX}/{message_id}"


def ledger_path(key: str) -> str:
    return f"{LEDGER}/{key.replace('/', '_')}"


def held_path(event_id: str) -> str:
    return f"{HELD}/{event_id.replace('/', '_')}"


def tick_path(day: date) -> str:
    return f"{TICKS}/{day.isoformat()}"


def chunk_path(day: date, index: int) -> str:
    return f"{tick_path(day)}/chunks/{index}"


def day(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


def iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def compact(doc: Document) -> Document:
    return {k: v for k, v in doc.items() if v is not None}
