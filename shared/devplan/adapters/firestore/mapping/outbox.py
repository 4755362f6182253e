"""The outbox, the idempotency ledger and tick progress ↔ outbox/{id}, processedEvents/{key}, ticks/{day}."""

from __future__ import annotations

from datetime import datetime

from devplan.adapters.firestore.mapping.common import LEDGER_RETENTION, Document, compact, outbox_path
from devplan.domain.outbox import PENDING as OUTBOX_PENDING
from devplan.domain.outbox import Claim, OutboxEntry, OutboxMessage
from devplan.errors import UnusableRecord

ABOUT = "about"  # outbox/{id}: the employee ids a message speaks of (queried by erasure: array-contains)


def outbox_document(message: OutboxMessage, created_at: datetime) -> Document:
    return {
        "kind": message.kind,
        "users": list(message.users),
        "channel": message.channel,
        "text": message.text,
        "blocks": [dict(b) for b in message.blocks],
        "topic": message.topic,
        **({"chart": dict(message.chart)} if message.chart is not None else {}),
        **({ABOUT: sorted(set(message.about))} if message.about else {}),
        "state": OUTBOX_PENDING,
        "attempts": 0,
        "createdAt": created_at,
    }


def outbox_entry_from(message_id: str, doc: Document) -> OutboxEntry:
    try:
        message = OutboxMessage(
            id=message_id,
            kind=doc.get("kind", "message"),
            users=tuple(doc.get("users") or ()),
            channel=doc.get("channel"),
            text=doc.get("text", ""),
            blocks=tuple(doc.get("blocks") or ()),
            topic=doc.get("topic", ""),
            chart=doc.get("chart"),
            about=tuple(doc.get(ABOUT) or ()),
        )
        claim = doc.get("claim")
        return OutboxEntry(
            message,
            doc["state"],
            Claim(claim["eventId"], claim["attempt"], claim["at"], claim["until"]) if claim else None,
            int(doc.get("attempts") or 0),
            doc.get("createdAt"),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise UnusableRecord(f"{outbox_path(message_id)} is not a usable outbox message: {exc!r}") from None


def claim_update(state: str, claim: Claim, attempts: int) -> Document:
    return {
        "state": state,
        "attempts": attempts,
        "claim": {"eventId": claim.event_id, "attempt": claim.attempt, "at": claim.at, "until": claim.until},
    }


def release_update(claim: Claim, until: datetime) -> Document:
    """The claim with its lease ended at `until`; the state stays `sending`, so whoever comes next
    searches Slack's history for the post before posting (it may have arrived after all)."""
    return {"claim": {"eventId": claim.event_id, "attempt": claim.attempt, "at": claim.at, "until": until}}


def sent_update(
    state: str, at: datetime, channel: str | None, ts: str | None, *, forget_users: bool = False
) -> Document:
    """`forget_users`: the recipients dropped once sent (a Home publication needs them no more)."""
    return {
        "state": state,
        "sentAt": at,
        **({"slack": {"channel": channel, "ts": ts}} if channel else {}),
        **({"users": []} if forget_users else {}),
    }


def failed_update(state: str, at: datetime, error: str, *, forget_users: bool = False) -> Document:
    """`forget_users`: as for sent_update (a Home that failed for good keeps no Slack id either)."""
    return {"state": state, "error": error, "failedAt": at, **({"users": []} if forget_users else {})}


# An operator's answer to a `failed` message (`devplan outbox retry|dismiss`).
DISMISSED_AT = "dismissedAt"


def retry_update(at: datetime) -> Document:
    """Pending again, its error cleared: the daily sweep sends it (its claim is ignored while pending)."""
    return {"state": OUTBOX_PENDING, "error": None, "failedAt": None, DISMISSED_AT: None, "retriedAt": at}


def dismiss_update(at: datetime) -> Document:
    """Left failed, on purpose: no longer stuck."""
    return {DISMISSED_AT: at}


def is_dismissed(doc: Document) -> bool:
    return doc.get(DISMISSED_AT) is not None


def ledger_document(now: datetime) -> Document:
    return {"processedAt": now, "expireAt": now + LEDGER_RETENTION}


def tick_document(state: str, event_id: str, employees: int | None, chunks: int | None) -> Document:
    return compact({"state": state, "employees": employees, "chunks": chunks, "eventId": event_id})


def chunk_document(employees: int, outcome: dict[str, int]) -> Document:
    return {"employees": employees, "outcome": dict(outcome)}
