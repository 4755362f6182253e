"""Shared by the mapping modules: the collections, the paths, and how values are written."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from devplan.domain.calendar import Quarter

Document = dict[str, Any]
EMPLOYEES, CYCLES, OUTBOX, LEDGER, TICKS = "employees", "cycles", "outbox", "processedEvents", "ticks"
HELD = "heldEvents"  # platform events that named an employee not onboarded yet
# Ledger entries carry expireAt; a Firestore TTL policy (infra/main.tf) deletes them later.
LEDGER_RETENTION = timedelta(days=30)
MAX_ID_BYTES = 1500  # Firestore's limit for a document id
IN_LIMIT = 30  # values in one `in` filter (Firestore's limit): longer lists are asked in groups


def in_groups(values: Sequence[str]) -> list[list[str]]:
    """`values` (each once, in order) in groups one `in` filter takes."""
    if isinstance(values, str):  # a str is a sequence of letters: one id passed where several go
        raise TypeError(f"ids expected, not one string: {values!r}")
    unique = list(dict.fromkeys(values))
    return [unique[i : i + IN_LIMIT] for i in range(0, len(unique), IN_LIMIT)]


def employee_path(employee_id: str) -> str:
    return f"{EMPLOYEES}/{employee_id}"


def reflection_path(employee_id: str, entry_id: str) -> str:
    return f"{reflections_collection(employee_id)}/{entry_id}"


def reflections_collection(employee_id: str) -> str:
    return f"{EMPLOYEES}/{employee_id}/reflections"


def cycle_path(employee_id: str, quarter: Quarter) -> str:
    return f"{CYCLES}/{employee_id}:{quarter.key}"


def outbox_path(message_id: str) -> str:
    return f"{OUTBOX}/{message_id}"


def ledger_path(key: str) -> str:
    return f"{LEDGER}/{document_id(key)}"


def held_path(event_id: str) -> str:
    return f"{HELD}/{document_id(event_id)}"


def document_id(text: str) -> str:
    """Any id from outside (an event id, a ledger key, a dead letter's) as a document id Firestore
    takes, one-to-one: two different ids never share a document, so a new event is never taken
    for a duplicate of another. Firestore refuses "/" in an id, the ids "." and "..", ids of the
    reserved form "__…__" and ids over 1,500 bytes. "%" and "/" are percent-escaped ("%" first,
    so every "%" in the result starts an escape and the result reads back one way); "." and ".."
    become "%2E" and "%2E%2E"; "__x__" becomes "%5F_x__". Ids the escaping leaves over the limit
    (only a dead letter's can be: it carries anything it was given) keep their first 200
    characters and a SHA-256 of the whole."""
    doc_id = text.replace("%", "%25").replace("/", "%2F")
    if doc_id in (".", ".."):
        doc_id = doc_id.replace(".", "%2E")
    elif doc_id.startswith("__") and doc_id.endswith("__"):
        doc_id = "%5F" + doc_id[1:]
    if len(doc_id.encode()) > MAX_ID_BYTES:
        doc_id = doc_id[:200] + "~" + hashlib.sha256(doc_id.encode()).hexdigest()
    return doc_id


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
