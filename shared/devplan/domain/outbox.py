"""A message (or channel invite) to Slack, decided by a service and delivered later by the sender.

The id is deterministic (e.g. "welcome:e2", "review-invite:e2:2025-Q2"): the same decision
reached by two events lands on the same document, so it is delivered at most once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from devplan.domain.employees import Employee

PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"
CANCELLED = "cancelled"  # never to be sent: its recipient was offboarded (services/lifecycle.py)
HOME = "home"  # the kind of a Home tab's publication (views.publish; services/home_refresh.py)
REPLY_PREFIX = "reply:"  # an answer to a click (services/slack_replies.tell)


def user_key(slack_user_id: str) -> str:
    """A Slack user in an outbox id, where nobody's Slack id is written (ids show in logs and
    outlive an erasure): one person, one key, the Slack id not readable from it."""
    return "u" + hashlib.sha256(slack_user_id.encode()).hexdigest()[:16]


def named(*people: Employee | None) -> tuple[str, ...]:
    """A message's `about`: the employee ids of the people it names, once each, in order."""
    return tuple(dict.fromkeys(p.employee_id for p in people if p is not None))


@dataclass(frozen=True)
class OutboxMessage:
    id: str
    kind: str = "message"  # "message" | "invite"
    users: tuple[str, ...] = ()  # Slack user ids: one → DM, several → group DM
    channel: str | None = None  # a public channel by name ("general", "dev")
    text: str = ""  # notification / fallback text
    blocks: tuple[dict[str, Any], ...] = ()
    topic: str = ""  # what it is about, for logs and the demo timeline
    # A quarterly digest (domain/digest.TeamDigest.as_data()): sent as a chart file with `text` as
    # its comment; the figures are kept here and the PNG drawn only when it is sent.
    chart: dict[str, Any] | None = None
    # The employee ids of whom it speaks (a notice to the lead about a member, a post in #general,
    # a digest's team, the lead named in a message to their member): how erasure finds a message
    # naming someone it was not sent to.
    about: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if "/" in self.id or not self.id:
            raise ValueError(f"outbox id must be non-empty without '/': {self.id!r}")
        if bool(self.users) == bool(self.channel) and self.kind == "message":
            raise ValueError("a message goes either to users or to a channel")
        if self.chart is not None and not (self.kind == "message" and len(self.users) == 1):
            raise ValueError("a chart goes to one person")
        if self.kind == "invite" and not (self.channel and len(self.users) == 1):
            raise ValueError("an invite names one channel and one user")


@dataclass(frozen=True)
class Claim:
    """Who is sending a message now, and until when nobody else may touch it."""

    event_id: str
    attempt: str
    at: datetime  # the first try: where a search of Slack's history starts
    until: datetime


@dataclass(frozen=True)
class OutboxEntry:
    """An outbox message with its delivery state (pending → sending → sent | failed)."""

    message: OutboxMessage
    state: str = PENDING
    claim: Claim | None = None
    attempts: int = 0
    created_at: datetime | None = None

    @property
    def finished(self) -> bool:
        return self.state in (SENT, FAILED, CANCELLED)
