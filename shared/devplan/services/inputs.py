"""What arrives at a service: typed, frozen values, decoded by adapters/decoding/*.

They live below the services so that a service never imports an adapter; every decoder
raises one InvalidEvent for input it cannot accept.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from devplan.domain.employees import Employee
from devplan.domain.limits import FIRST_SUPPORTED_DAY, LAST_SUPPORTED_DAY, is_supported_moment
from devplan.domain.outbox import OutboxEntry
from devplan.errors import InvalidEvent


def parse_time(text: Any, what: str) -> datetime:
    """An ISO 8601 time that must carry its zone (business time is never guessed)."""
    if not isinstance(text, str):
        raise InvalidEvent(f"{what} must be an ISO 8601 time string")
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidEvent(f"{what} is not an ISO 8601 time: {text!r}") from None
    if moment.tzinfo is None:
        raise InvalidEvent(f"{what} must carry a time zone (e.g. 'Z' or '+01:00'): {text!r}")
    return moment


def parse_supported_time(text: Any, what: str, *, code: str = "malformed", context: str = "") -> datetime:
    """`parse_time`, within the years the calendar handles (domain/limits.py); InvalidEvent with
    `code`, its message led by `context` (e.g. the event type)."""
    lead = f"{context}: " if context else ""
    try:
        moment = parse_time(text, what)
    except InvalidEvent as exc:
        raise InvalidEvent(f"{lead}{exc}", code=code) from None
    if not is_supported_moment(moment):
        first, last = FIRST_SUPPORTED_DAY.year, LAST_SUPPORTED_DAY.year
        raise InvalidEvent(f"{lead}{what} must be in {first}–{last}: {text!r:.60}", code=code)
    return moment


@dataclass(frozen=True)
class EmployeeWritten:
    """employees/{id} was written (Firestore trigger); `employee` is the record after it."""

    event_id: str
    employee_id: str
    employee: Employee | None


@dataclass(frozen=True)
class OutboxWritten:
    """outbox/{id} was created; `version` is the written version, a precondition for the claim."""

    event_id: str
    message_id: str
    entry: OutboxEntry | None
    version: Any = None


@dataclass(frozen=True)
class PlatformEvent:
    """The platform's webhook envelope {"id", "type", "occurredAt", "data"}."""

    id: str
    type: str
    occurred_at: datetime
    data: dict[str, Any]
    delivery_id: str

    def logged(self, log: logging.Logger, about: str, outcome: str, item: str = "") -> str:
        """The one line every handled event leaves (its id, whom it is about, the outcome), in
        the handler's own logger; returns the outcome."""
        log.info(
            "%s%s for %s: %s",
            self.type,
            f" {item}" if item else "",
            about,
            outcome,
            extra={"eventId": self.id, "employeeId": about, "outcome": outcome},
        )
        return outcome


@dataclass(frozen=True)
class Tick:
    """ "Today" for every rule: the scheduled day, carried in the message or taken from the
    publish time in Stockholm (a Cloud Scheduler job publishes `{}` at 07:00 Stockholm)."""

    as_of: date
    force: bool
    message_id: str


@dataclass(frozen=True)
class EmployeeChunk:
    as_of: date
    employee_ids: tuple[str, ...]
    message_id: str
    index: int | None = None  # its place in the day's fan-out, for progress


@dataclass(frozen=True)
class SlackRequest:
    kind: str  # "command" | "block_actions" | "view_submission" | "event" | "url_verification"
    name: str  # "/utveckling", an action_id, a view callback_id, an event type
    user_id: str
    payload: dict[str, Any]


SlackRoute = Callable[[SlackRequest], dict[str, Any]]
