"""Dead letters ↔ deadLetters/{id}, and the fields `devplan stuck` reads from the outbox and employees.

A dead letter is what a function could never handle, kept once per function and event (or
function and record, for a batch item): the event itself, so it can be delivered again, the
error, when it was first and last seen, how often, and where an operator left it.
  id              "{function}:{event id}" or "{function}:{record path}"; the document id is
                  this with "%" and "/" escaped (a document id holds no "/")
  function, eventId, eventType, source, subject, record (a batch item's path, else absent)
  reason          malformed | permanent | expired
  event           the delivery as JSON text: a structured CloudEvent (data, or data_base64 for
                  bytes) or {"http": {"contentType", "body" | "body_base64"}}; absent when too big
  error           {class, message}
  firstSeenAt, lastSeenAt, attempts, state (open | replayed | dismissed), stateChangedAt
  note            why the last replay did not settle it though nothing failed (a batch item the
                  replaying run did not get to); cleared when it fails again
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from devplan.adapters.firestore.mapping.common import Document, compact, document_id

DEAD_LETTERS = "deadLetters"
OPEN, REPLAYED, DISMISSED = "open", "replayed", "dismissed"
STATES = (OPEN, REPLAYED, DISMISSED)
MAX_EVENT_BYTES = 512 * 1024  # well inside Firestore's 1 MiB per document
MAX_MESSAGE_CHARS = 2000


@dataclass(frozen=True)
class DeadLetter:
    id: str
    function: str
    event_id: str
    event_type: str | None
    source: str | None
    subject: str | None
    record: str | None
    reason: str
    event: str | None  # JSON text, None when it was too big to keep
    error_class: str
    error_message: str
    first_seen_at: datetime | None
    last_seen_at: datetime | None
    attempts: int
    state: str
    note: str | None = None


def letter_id(function: str, key: str) -> str:
    return f"{function}:{key}"


def dead_letter_path(letter: str) -> str:
    return f"{DEAD_LETTERS}/{document_id(readable(letter))}"


def readable(text: str) -> str:
    """Text Firestore can store: a lone surrogate (which UTF-8 cannot hold) becomes an escape."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def new_letter_document(letter: DeadLetter, now: datetime) -> Document:
    return compact(
        {
            "id": readable(letter.id),
            "function": letter.function,
            "eventId": readable(letter.event_id),
            "eventType": _text(letter.event_type),
            "source": _text(letter.source),
            "subject": _text(letter.subject),
            "record": _text(letter.record),
            "reason": letter.reason,
            **_event_fields(letter.event),
            "error": _error(letter),
            "firstSeenAt": now,
            "lastSeenAt": now,
            "attempts": 1,
            "state": OPEN,
            "stateChangedAt": now,
        }
    )


def seen_again_update(previous: Document, letter: DeadLetter, now: datetime) -> Document:
    """The same event (or record) failed again: count it, keep the latest event and error. A letter
    an operator replayed is open again (the replay did not help); a dismissed one stays dismissed."""
    reopened = previous.get("state") == REPLAYED
    return {
        **_event_fields(letter.event),
        "reason": letter.reason,
        "error": _error(letter),
        "lastSeenAt": now,
        "attempts": int(previous.get("attempts") or 0) + 1,
        "note": None,
        **({"state": OPEN, "stateChangedAt": now} if reopened else {}),
    }


def not_retried_update(previous: Document, note: str, now: datetime) -> Document:
    """A replay ran but never got to the letter's record (not a business day, not in the sample,
    past the batch's budget): one more attempt, still open, and why."""
    return {"attempts": int(previous.get("attempts") or 0) + 1, "note": note, "lastSeenAt": now}


def newest_first(letters: list[DeadLetter]) -> list[DeadLetter]:
    """The listing order: last seen first; letters never seen (malformed documents) last."""
    return sorted(letters, key=lambda letter: (letter.last_seen_at is not None, letter.last_seen_at), reverse=True)


def state_update(state: str, now: datetime) -> Document:
    return {"state": state, "stateChangedAt": now}


def letter_from(doc: Document) -> DeadLetter:
    error = doc.get("error")
    error = error if isinstance(error, dict) else {}
    return DeadLetter(
        id=str(doc.get("id", "")),
        function=str(doc.get("function", "")),
        event_id=str(doc.get("eventId", "")),
        event_type=doc.get("eventType"),
        source=doc.get("source"),
        subject=doc.get("subject"),
        record=doc.get("record"),
        reason=str(doc.get("reason", "")),
        event=doc.get("event"),
        error_class=str(error.get("class", "")),
        error_message=str(error.get("message", "")),
        first_seen_at=doc.get("firstSeenAt"),
        last_seen_at=doc.get("lastSeenAt"),
        attempts=int(doc.get("attempts") or 0),
        state=str(doc.get("state", OPEN)),
        note=doc.get("note"),
    )


def _text(value: str | None) -> str | None:
    return readable(value)[:MAX_MESSAGE_CHARS] if value is not None else None


def _error(letter: DeadLetter) -> Document:
    return {"class": letter.error_class, "message": readable(letter.error_message)[:MAX_MESSAGE_CHARS]}


def _event_fields(event: str | None) -> Document:
    if event is not None and len(event.encode("utf-8", "backslashreplace")) <= MAX_EVENT_BYTES:
        return {"event": readable(event), "eventTooBig": False}
    return {"event": None, "eventTooBig": event is not None}


# What `devplan stuck` reads besides the dead letters (the outbox and employees' layout is in
# outbox.py and employees.py; these are the fields it filters and sorts by).
OUTBOX_STATE, OUTBOX_ERROR = "state", "error"
ONBOARDING_STATUS, ONBOARDED_AT = "onboarding.status", "onboardedAt"


def onboarded_at(doc: Document) -> Any:
    return doc.get(ONBOARDED_AT)


def outbox_error(doc: Document) -> str | None:
    error = doc.get(OUTBOX_ERROR)
    return str(error) if error else None
