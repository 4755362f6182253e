"""The outbox sender: the only code that posts to Slack, at most once per outbox message.

State machine of outbox/{id}:  pending ─claim→ sending ─post→ sent
                                                  └─ permanent Slack error → failed
A claim records the triggering event id, an attempt id and a lease. While the lease runs
nobody else touches the message (a retry of the same event raises, to come back later). An
attempt whose own send failed shortens its lease before it raises: to now when nothing can
have been posted (it failed before the post, or Slack answered the post with an error code),
so its retry goes at once; to SETTLE from now when the post itself failed without an answer
(a time-out, a lost connection, a 5xx), as Slack may have taken it after all. A crash after
Slack accepted the post but before `sent` was recorded leaves `sending`; once the lease ran
out, the retry (or the daily sweep) first looks for the post in the channel's history by its
metadata (outbox id) and only posts when it is not there. So nothing is posted twice.

Time: the sender's function times out after TIMEOUT (infra/functions.yaml, outbox-created:
timeout_seconds; tests/unit/test_manifest.py keeps them equal). Its Slack work runs within
SEND_BUDGET, well inside it: the Slack adapter never starts a wait (pace, Retry-After) or a
call that could end past the budget, it gives the message back (SlackRefused: nothing posted), the
claim is released and the platform's retry brings it again later. LEASE is longer than
TIMEOUT: a timed-out instance is not stopped at once, but the platform cuts its request at
TIMEOUT, so when a lease runs out its attempt is over, and two senders never post the same
message at once.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from devplan.domain.outbox import FAILED, HOME, PENDING, SENDING, SENT, Claim, OutboxEntry, OutboxMessage
from devplan.errors import PermanentError, TransientError
from devplan.messages.cycle import HUDDLE_URL_TOKEN
from devplan.services import deadline, digest, home, home_refresh
from devplan.services.inputs import OutboxWritten
from devplan.services.ports import ConversationGone, Slack, SlackRefused, Store, Version

log = logging.getLogger(__name__)
TIMEOUT = timedelta(seconds=60)  # the sender function's timeout_seconds (infra/functions.yaml)
SEND_BUDGET = timedelta(seconds=30)  # Slack work of one attempt, Firestore's writes after it fit in the rest
LEASE = timedelta(seconds=120)  # > TIMEOUT: an attempt whose lease ran out was cut off
HISTORY_MARGIN = timedelta(seconds=60)  # clock skew between us and Slack when searching history
# After a post that failed without an answer: how long before the retry may search the history
# (and post if it finds nothing). A post Slack took in the last moment of a time-out shows in
# conversations.history within seconds; a search right away could miss it and post again.
SETTLE = timedelta(seconds=15)


def deliver_change(written: OutboxWritten, store: Store, slack: Slack, now: datetime) -> str:
    """Entry from the outbox trigger. Writes that are not pending/sending (our own `sent`) end here."""
    if written.entry is None or written.entry.state not in (PENDING, SENDING):
        return "nothing_to_do"
    known = (written.entry, written.version) if written.version is not None else None
    return deliver(written.message_id, written.event_id, store, slack, now, known=known)


def deliver(
    message_id: str,
    event_id: str,
    store: Store,
    slack: Slack,
    now: datetime,
    known: tuple[OutboxEntry, Version] | None = None,
) -> str:
    """`known`: the message and its version as the event carried them; saves a read when the
    document is unchanged since (the claim's precondition checks that), else we read."""
    entry, version = known or store.outbox_entry(message_id)
    if entry is None or entry.finished:
        return "nothing_to_do"
    resumed = entry.state == SENDING and entry.claim is not None
    if resumed and entry.claim and entry.claim.until > now:
        # Another attempt may still be running (even one of this same event: a timed-out
        # instance is not stopped). Only after its lease may anyone look and post.
        if entry.claim.event_id == event_id:
            raise TransientError(f"outbox {message_id}: an earlier attempt holds the lease until {entry.claim.until}")
        return "claimed_elsewhere"
    first_try_at = entry.claim.at if resumed and entry.claim else now
    started = time.monotonic()
    claim = Claim(event_id, uuid.uuid4().hex, first_try_at, now + LEASE)
    if not store.claim_outbox(message_id, claim, attempts=entry.attempts + 1, version=version):
        if known is not None:  # the event's copy was stale: decide again on a fresh read
            return deliver(message_id, event_id, store, slack, now)
        return "claimed_elsewhere"  # changed under us: whoever changed it carries on
    attempt = _Attempt()
    try:
        # A digest's chart is drawn before the send budget starts: matplotlib's import and the
        # drawing take seconds of CPU that the budget keeps for Slack.
        chart = _drawn(entry.message)
        with deadline.within(SEND_BUDGET.total_seconds()):
            channel, ts = _send(
                entry.message,
                slack,
                store,
                attempt,
                search_since=(first_try_at - HISTORY_MARGIN) if resumed else None,
                chart=chart,
            )
    except PermanentError as exc:
        # A Home failing for good (a deactivated account) forgets its recipient as one sent does.
        store.mark_failed(message_id, at=now, error=str(exc), forget_users=entry.message.kind == HOME)
        log.error("outbox %s failed for good: %s", message_id, exc, extra={"eventId": event_id, "outboxId": message_id})
        return FAILED
    except Exception as exc:
        maybe_posted = attempt.posting and not isinstance(exc, SlackRefused)
        # From the failure, not from `now` (the invocation's start): look-ups, a rate-limit wait
        # and the client's time-out may have used up most of SETTLE before the post failed.
        # (Whole seconds: the lease is a coarse bound, and the stored times stay exact to read.)
        failed_at = now + timedelta(seconds=int(time.monotonic() - started))
        _release(store, message_id, claim, failed_at + SETTLE if maybe_posted else now, event_id)
        raise
    # A Home, once published, keeps no recipient: it holds no text, and its Slack id would outlive an erasure.
    store.mark_sent(message_id, at=now, channel=channel, ts=ts, forget_users=entry.message.kind == HOME)
    log.info(
        "outbox %s sent (%s)", message_id, entry.message.topic, extra={"eventId": event_id, "outboxId": message_id}
    )
    return SENT


@dataclass
class _Attempt:
    posting: bool = False  # the post call was made: from here on a failure may hide a post


@dataclass(frozen=True)
class _Chart:
    file: digest.ChartFile
    png: bytes


def _drawn(message: OutboxMessage) -> _Chart | None:
    if message.chart is None:
        return None
    chart = digest.chart_file(message)
    return _Chart(chart, chart.render())


def _release(store: Store, message_id: str, claim: Claim, until: datetime, event_id: str) -> None:
    """Our own attempt failed: nobody else is sending, so end our lease at `until` (now, or
    SETTLE from now) and the retry goes then. The state stays `sending`, so the retry takes the
    resumed path and searches the history before posting."""
    try:
        released = store.release_outbox(message_id, claim, at=until)
    except Exception:  # the error being raised matters more; the lease then runs out by itself
        log.warning("outbox %s: could not release the claim", message_id, exc_info=True)
        return
    log.info(
        "outbox %s: send failed, claim %s",
        message_id,
        f"released for the retry from {until:%H:%M:%S}" if released else "already taken over",
        extra={"eventId": event_id, "outboxId": message_id},
    )


def _with_conversation_links(message: OutboxMessage, channel: str, slack: Slack) -> tuple[str, list[dict[str, Any]]]:
    """Fill in links that need the conversation's id, known only now (the 1:1 huddle link)."""
    blocks = json.dumps(list(message.blocks))
    if HUDDLE_URL_TOKEN not in blocks and HUDDLE_URL_TOKEN not in message.text:
        return message.text, list(message.blocks)
    url = f"https://app.slack.com/huddle/{slack.team_id()}/{channel}"
    return message.text.replace(HUDDLE_URL_TOKEN, url), json.loads(blocks.replace(HUDDLE_URL_TOKEN, url))


def _conversation(users: tuple[str, ...], slack: Slack, store: Store) -> tuple[str, bool]:
    """Where a message to `users` goes, and whether it is a kept id. A group DM (a pair's 1:1
    invite: employee, lead) is the same conversation every quarter: opened once
    (conversations.open is Tier 3, about 50 a minute), then kept in the store for every
    instance and quarter after."""
    if len(users) < 2:
        return slack.conversation_for(users), False  # a DM: the user id, no call
    kept = store.group_conversation(users)
    if kept:
        return kept, True
    channel = slack.conversation_for(users)
    try:
        store.keep_group_conversation(users, channel)
    except Exception:  # keeping it saves a call next time; the message matters more
        log.warning("could not keep the group DM %s", channel, exc_info=True)
    return channel, False


def _send(
    message: OutboxMessage,
    slack: Slack,
    store: Store,
    attempt: _Attempt,
    *,
    search_since: datetime | None,
    chart: _Chart | None,
) -> tuple[str | None, str | None]:
    """(channel, ts) of the post; (None, None) for a channel invite or a Home tab (repeating either is harmless)."""
    if message.kind == HOME and not message.users:  # a failed Home retried: its recipient was forgotten
        return None, None
    if message.kind == HOME:  # App Home: rendered now, from the newest state (services/home.py)
        home.publish(store, slack, message.users[0], home_refresh.home_day(message), next(iter(message.about), None))
        return None, None
    if message.kind == "invite" and message.channel:
        slack.invite(slack.channel_id(message.channel), message.users[0])
        return None, None
    if message.channel:
        return _send_to(slack.channel_id(message.channel), message, slack, attempt, search_since, chart)
    channel, kept = _conversation(message.users, slack, store)
    try:
        return _send_to(channel, message, slack, attempt, search_since, chart)
    except ConversationGone as exc:
        if not kept:
            raise
        # Kept from an earlier quarter, now archived or unknown to Slack: opened again on the
        # retry (nothing was posted: Slack answered with an error).
        store.forget_group_conversation(message.users, channel)
        raise SlackRefused(f"the kept group DM {channel} is gone ({exc}): opened again on the retry") from exc


def _send_to(
    channel: str,
    message: OutboxMessage,
    slack: Slack,
    attempt: _Attempt,
    search_since: datetime | None,
    chart: _Chart | None,
) -> tuple[str, str]:
    if chart is not None:  # a quarterly digest: a chart file, found again by its name
        name = chart.file.filename
        ts = slack.find_uploaded(channel, name, oldest=search_since.timestamp()) if search_since else None
        if not ts:
            attempt.posting = True
            ts = slack.upload_file(channel, name, chart.png, chart.file.title, message.text)
        return channel, ts  # for a file, its id
    ts = slack.find_posted(channel, message.id, oldest=search_since.timestamp()) if search_since else None
    if ts:
        log.warning("outbox %s was already posted before a crash; recording it", message.id)
    else:
        text, blocks = _with_conversation_links(message, channel, slack)
        attempt.posting = True
        ts = slack.post(channel, text, blocks, message.id)
    return channel, ts
