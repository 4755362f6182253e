"""A person's time off ↔ the employee document's `timeOff` map: `periods` (a list, replaced
whole on a merge) and `cancelled` (the ids cancelled and when it was said, kept so a late
booking never counts)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from devplan.adapters.firestore.mapping.common import Document
from devplan.domain.time_off import Cancellation, TimeOff, TimeOffBook


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
        tuple(_cancellation(c) for c in doc.get("cancelled") or ()),
    )


def _cancellation(c: str | Document) -> Cancellation:
    """{id, occurredAt}; a document from before kept the ids alone: the first to be forgotten."""
    if isinstance(c, str):
        return Cancellation(c, datetime.min.replace(tzinfo=UTC))
    return Cancellation(str(c["id"]), c["occurredAt"])


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
        "cancelled": [{"id": c.time_off_id, "occurredAt": c.occurred_at} for c in book.cancellations],
    }
