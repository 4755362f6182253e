"""The due index (domain/next_check.py) ↔ `employees/{id}.nextCheckOn` and its migration marker.

`nextCheckOn` is an ISO date, so "due by today" is one range query on one field: Firestore
keeps a single-field index of every field by itself (no composite index, nothing in Terraform).
Employees written before the index carry no such field, and a range query never finds a
document without the field: until the marker `ticks/due-index` exists, the daily tick takes every
active employee as due and writes DUE_NOW on each (adapters/firestore/store.py), once.
"""

from __future__ import annotations

from datetime import date

from devplan.adapters.firestore.mapping.common import EMPLOYEES, TICKS, Document

NEXT_CHECK = "nextCheckOn"
DUE_INDEX = f"{TICKS}/due-index"


def next_check_update(day: date) -> Document:
    return {NEXT_CHECK: day.isoformat()}


def next_check_from(doc: Document | None) -> date | None:
    value = (doc or {}).get(NEXT_CHECK)
    return date.fromisoformat(value) if isinstance(value, str) else None


def due_filter(today: date) -> tuple[str, str, str]:
    """Due by `today`: ISO dates order as text; `<` the next day rather than `<=` (the two
    adapters share `<` and `>=`)."""
    return (NEXT_CHECK, "<", date.fromordinal(today.toordinal() + 1).isoformat())


def has_next_check() -> tuple[str, str, str]:
    """Any day at all (every ISO date sorts at or after the empty text): who is in the index already."""
    return (NEXT_CHECK, ">=", "")


def is_employee_path(path: str) -> bool:
    """employees/{id} itself, not a document under it (reflections, tallies, wallets)."""
    collection, _, rest = path.partition("/")
    return collection == EMPLOYEES and bool(rest) and "/" not in rest


def due_index_document(day: date, employees: int) -> Document:
    """The tick's day it started on (business time: the same on a re-run), not the wall clock."""
    return {"since": day.isoformat(), "employeesStamped": employees}
