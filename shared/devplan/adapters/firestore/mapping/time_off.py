"""A person's time off ↔ the employee document's `timeOff` map: `periods` (a list, replaced
whole on a merge) and `cancelled` (the ids cancelled, kept so a late booking never counts)."""

from __future__ import annotations

from datetime import date

from devplan.adapters.firestore.mapping.common import Document
from devplan.domain.time_off import TimeOff, TimeOffBook


def time_off_from(doc: Document) -> TimeOffBook:
    return TimeOffBook(
        tuple(
            TimeOff(
                str(p["id"]),
                date.fromisoformat(p["from"]),
                date.fromisoformat(p["to"]),
                str(p["kind"]),
                p["occurredAt"],
            )
            for p in doc.get("periods") or ()
        ),
        frozenset(str(i) for i in doc.get("cancelled") or ()),
    )


def time_off_document(book: TimeOffBook) -> Document | None:
    if not book.periods and not book.cancelled:
        return None
    return {
        "periods": [
            {
                "id": p.time_off_id,
                "from": p.start.isoformat(),
                "to": p.end.isoformat(),
                "kind": p.kind,
                "occurredAt": p.occurred_at,
            }
            for p in book.periods
        ],
        "cancelled": sorted(book.cancelled),
    }
