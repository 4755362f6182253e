"""Error types that decide retry vs acknowledge (DESIGN §5.3): raise to retry, return to acknowledge,
and `failure_of`, the one place that says which failure is which."""

from __future__ import annotations

import re
from typing import Literal


class InvalidEvent(Exception):
    """Malformed or unsigned input that no retry can fix. Events: logged, acknowledged and
    dead-lettered; HTTP: `status` and `code` become the 4xx JSON error (nothing is written)."""

    def __init__(self, message: str, *, status: int = 400, code: str = "invalid_event"):
        super().__init__(message)
        self.status = status
        self.code = code


class PermanentError(Exception):
    """Well-formed but can never succeed (unknown employee, Slack channel gone).
    Entry points log it with the event id, dead-letter it and acknowledge."""


class TransientError(Exception):
    """Worth retrying (rate limit still hit, Slack unavailable). Entry points re-raise it."""


class UnusableRecord(PermanentError):
    """A stored document that cannot be read as its record (a field missing or of the wrong
    type). Permanent: logged with its path and set aside, never retried, never blocking a batch."""


Failure = Literal["malformed", "permanent", "transient", "unknown"]

# Built-in errors that, raised by our code or a client library on the data it was given, say
# something about that data: the same input fails the same way on every retry. (Connection and
# time-out errors are OSErrors, not in this list: they are the network's, and worth retrying.)
NEVER_TRANSIENT: tuple[type[Exception], ...] = (
    ValueError,  # includes UnicodeError (a lone surrogate) and json.JSONDecodeError
    TypeError,
    LookupError,  # KeyError, IndexError
    AttributeError,  # a field of an unexpected shape
    ArithmeticError,  # OverflowError from date arithmetic far out of range
    RecursionError,  # deeply nested input
)
# google.api_core errors by name, so this floor imports no SDK: what Firestore answers for a
# document or query it cannot hold. Its other errors (UNAVAILABLE, DEADLINE_EXCEEDED, ABORTED,
# INTERNAL, RESOURCE_EXHAUSTED, …) are worth retrying, and so are auth and configuration
# errors: those are ours to mend, and what waits goes through once they are (as with Slack).
_GOOGLE = "google.api_core.exceptions"
_GOOGLE_PERMANENT = {"InvalidArgument", "FailedPrecondition", "OutOfRange"}
# …except these, which Firestore answers with INVALID_ARGUMENT or FAILED_PRECONDITION although
# they say nothing about the data: a transaction that expired or is no longer valid (a commit
# after a long pause or a lost rollback; the Node and Java clients retry it, nodejs-firestore
# #1347, java-firestore #447), and a query whose composite index is missing or still building
# (configuration: ours to mend, then what waited goes through). By message, as those clients do.
_GOOGLE_NOT_ABOUT_THE_DATA = re.compile(
    r"referenced transaction|transaction (has )?expired|transaction is no longer valid|invalid transaction"
    r"|requires an index|index is (currently )?building",
    re.IGNORECASE,
)
_GOOGLE_TRANSIENT = {
    "ServiceUnavailable",
    "DeadlineExceeded",
    "Aborted",
    "InternalServerError",
    "TooManyRequests",
    "ResourceExhausted",
    "BadGateway",
    "GatewayTimeout",
    "RetryError",
    "Unknown",
}


def _google(exc: BaseException, names: set[str]) -> bool:
    return any(cls.__module__ == _GOOGLE and cls.__name__ in names for cls in type(exc).__mro__)


def failure_of(exc: BaseException) -> Failure:
    """What an exception means for the event that raised it. The one classification every entry
    point and every batch uses:

    - malformed: InvalidEvent, the input itself is refused (HTTP: its 4xx; events: dead letter).
    - permanent: PermanentError (UnusableRecord too), a NEVER_TRANSIENT built-in or a google
      error about the data: no retry can succeed, so acknowledge and dead-letter it.
    - transient: TransientError, connection and time-out errors (OSError), google's
      unavailable/overloaded errors, and its invalid-argument/failed-precondition answers about
      an expired transaction or a missing index: retry (HTTP 500 "unavailable").
    - unknown: anything else, retried too (HTTP 500 "internal", logged with its traceback);
      the event age limit ends the retries with a dead letter, so nothing retries forever.
    Our own types win over the built-in ones they may wrap."""
    if isinstance(exc, InvalidEvent):
        return "malformed"
    if isinstance(exc, PermanentError):
        return "permanent"
    if isinstance(exc, TransientError) or _google(exc, _GOOGLE_TRANSIENT) or isinstance(exc, OSError):
        return "transient"
    if _google(exc, _GOOGLE_PERMANENT):
        return "transient" if _GOOGLE_NOT_ABOUT_THE_DATA.search(str(exc)) else "permanent"
    if isinstance(exc, NEVER_TRANSIENT):
        return "permanent"
    return "unknown"


def can_never_succeed(exc: BaseException) -> bool:
    return failure_of(exc) in ("malformed", "permanent")


class EventTooOld(PermanentError):
    """An event older than DEVPLAN_MAX_EVENT_AGE_SECONDS: its retries end here, in a dead letter
    that can be replayed (with a fresh time) once whatever kept failing is mended."""
