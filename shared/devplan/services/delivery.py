"""The outbox sender: the only code that posts to Slack, at most once per outbox message.

State machine of outbox/{id}:  pending ─claim→ sending ─post→ sent
                                                  └─ permanent Slack error → failed
A claim records the triggering event id, an attempt id and a lease. While the lease runs
nobody else touches the message (a retry of the same event raises, to come back later). A
crash after Slack accepted the post but before `sent` was recorded leaves `sending`; once the
lease ran out, the retry (or the daily sweep) first looks for the post in the channel's
history by its metadata (outbox id) and only posts when it is not there. So nothing is
posted twice.
"""
from __future__ import annotations

import json
import logging
import uuid
from datetime import datetime, timedelta
from typing import Any

from devplan.adapters.cycle_messages import HUDDLE_URL_TOKEN
from devplan.adapters.events import DocumentChange
from devplan.domain.outbox import FAILED, PENDING, SENDING, SENT, OutboxMessage
from devplan.errors import PermanentError, TransientError

log = logging.getLogger(__name__)
LEASE = timedelta(seconds=120)            # longer than one send with Slack's retries
HISTORY_MARGIN = timedelta(seconds=60)    # clock skew between us and Slack when searching history


def deliver_change(change: DocumentChange, store: Any, slack: Any, now: datetime) -> str:
    """Entry from the outbox trigger. Writes that are not pending/sending (our own `sent`) end here."""
    if change.after is None or change.after.get("state") not in (PENDING, SENDING):
        return "nothing_to_do"
    known = (change.after, change.after_update_time) if change.after_update_time else None
    return deliver(change.document_id, change.event_id, store, slack, now, known=known)


def deliver(message_id: str, event_id: str, store: Any, slack: Any, now: datetime,
            known: tuple[dict[str, Any], Any] | None = None) -> str:
    """`known`: the document and its version as the event carried them; saves a read when the
    document is unchanged since (the claim's precondition checks that), else we read."""
    path = f"outbox/{message_id}"
    doc, version = known or store.snapshot(path)
    if doc is None or doc.get("state") in (SENT, FAILED):
        return "nothing_to_do"
    claim = doc.get("claim") or {}
    resumed = doc["state"] == SENDING
    if resumed and claim["until"] > now:
        # Another attempt may still be running (even one of this same event: a timed-out
        # instance is not stopped). Only after its lease may anyone look and post.
        if claim.get("eventId") == event_id:
            raise TransientError(f"outbox {message_id}: an earlier attempt holds the lease until {claim['until']}")
        return "claimed_elsewhere"
    first_try_at = claim["at"] if resumed else now
    new_claim = {"eventId": event_id, "attempt": uuid.uuid4().hex, "at": first_try_at, "until": now + LEASE}
    if not store.update_if_unchanged(path, {"state": SENDING, "claim": new_claim,
                                            "attempts": doc.get("attempts", 0) + 1}, version):
        if known is not None:             # the event's copy was stale: decide again on a fresh read
            return deliver(message_id, event_id, store, slack, now)
        return "claimed_elsewhere"        # changed under us: whoever changed it carries on
    message = OutboxMessage.from_document(message_id, doc)
    try:
        result = _send(message, slack, search_since=(first_try_at - HISTORY_MARGIN) if resumed else None)
    except PermanentError as exc:
        store.set(path, {"state": FAILED, "error": str(exc), "failedAt": now})
        log.error("outbox %s failed for good: %s", message_id, exc, extra={"eventId": event_id, "outboxId": message_id})
        return FAILED
    store.set(path, {"state": SENT, "sentAt": now, **result})
    log.info("outbox %s sent (%s)", message_id, message.topic, extra={"eventId": event_id, "outboxId": message_id})
    return SENT


def _with_conversation_links(message: OutboxMessage, channel: str, slack: Any) -> tuple[str, list[dict[str, Any]]]:
    """Fill in links that need the conversation's id, known only now (the 1:1 huddle link)."""
    blocks = json.dumps(list(message.blocks))
    if HUDDLE_URL_TOKEN not in blocks and HUDDLE_URL_TOKEN not in message.text:
        return message.text, list(message.blocks)
    url = f"https://app.slack.com/huddle/{slack.team_id()}/{channel}"
    return message.text.replace(HUDDLE_URL_TOKEN, url), json.loads(blocks.replace(HUDDLE_URL_TOKEN, url))


def _send(message: OutboxMessage, slack: Any, *, search_since: datetime | None) -> dict[str, Any]:
    if message.kind == "invite":
        slack.invite(slack.channel_id(message.channel), message.users[0])
        return {}
    channel = slack.channel_id(message.channel) if message.channel else slack.conversation_for(message.users)
    ts = slack.find_posted(channel, message.id, oldest=search_since.timestamp()) if search_since else None
    if ts:
        log.warning("outbox %s was already posted before a crash; recording it", message.id)
    else:
        text, blocks = _with_conversation_links(message, channel, slack)
        ts = slack.post(channel, text, blocks, message.id)
    return {"slack": {"channel": channel, "ts": ts}}
