"""The HTTP client under adapters/slack.py: slack-sdk's WebClient with our retry handlers, how a
429's Retry-After is read, how much of an invocation's budget one call needs, and how Slack's
answers become our error types (`guarded`).

Server errors and connection errors are retried here on purpose (slack-sdk retries only
connection errors by default), except that chat.postMessage and files.completeUploadExternal
are never repeated: after a 5xx or a lost connection they may have gone through, and sending
again would post twice, which the outbox (one claim, then a search of the history) exists to
prevent. 429s are not retried here but in SlackGateway (paced, capped, within the budget).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, ServerErrorRetryHandler
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web import SlackResponse

from devplan.errors import PermanentError, TransientError
from devplan.services import deadline
from devplan.services.ports import ConversationGone, SlackRefused

log = logging.getLogger("devplan.adapters.slack")  # one logger for the Slack adapter's lines

# Repeating these after a 5xx or a lost connection may post (or share a file) twice.
_NOT_REPEATED = ("chat.postMessage", "files.completeUploadExternal")
TIMEOUT = 10  # seconds of one HTTP call (the client's)
# A call starts only while this much of the invocation's budget is left, and a wait (pace or
# Retry-After) never ends later than this before the budget ends: the call itself has to fit
# (one HTTP time-out), unless the budget says how long it keeps for a call (services/deadline.py).
CALL_RESERVE = TIMEOUT
# The longest wait of one call, all its 429s together; with a budget, the budget's rest bounds
# it as well. A third of the shortest function timeout (60 s).
MAX_WAIT = 20.0
RATE_LIMITED_ATTEMPTS = 5  # 429s in a row for one call before it is given back
RETRY_AFTER_DEFAULT = 1.0  # a 429 without a readable Retry-After
RETRY_AFTER_CAP = 300.0  # Slack's Retry-After is seconds; more than this is read as a fault


class _AllButPosts(RetryHandler):
    """A retry handler that leaves chat.postMessage alone (its failure goes to the outbox's retry),
    and retries nothing once the invocation's budget is too short for another call."""

    def __init__(self, handler: RetryHandler):
        super().__init__(handler.max_retry_count, handler.interval_calculator)
        self.handler = handler

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if request.url.split("?")[0].rstrip("/").rsplit("/", 1)[-1] in _NOT_REPEATED:
            return False
        left = deadline.remaining()
        if left is not None and left < call_reserve() + 2:
            return False
        return self.handler._can_retry(state=state, request=request, response=response, error=error)


class _LogSlackTrouble(RetryHandler):
    """Retries nothing: logs every 429 or 5xx Slack answers (slackMethod, slackStatus), also those
    the handlers after it retry successfully, for the alert on Slack's error rate (infra/alerts.tf).
    slack-sdk asks the handlers in order after each answer and stops at the first that retries."""

    def can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        status = response.status_code if response is not None else None
        if status is not None and (status == 429 or status >= 500):
            method = request.url.rstrip("/").rsplit("/", 1)[-1]
            extra = {"slackMethod": method, "slackStatus": status}
            log.warning(
                "slack %s answered HTTP %s (attempt %d)", method, status, state.current_attempt + 1, extra=extra
            )
        return False


def web_client(base_url: str, token: str) -> WebClient:
    return WebClient(
        token=token,
        base_url=base_url,
        timeout=TIMEOUT,
        retry_handlers=[  # 429s: SlackGateway._call (paced, capped, within the budget)
            _LogSlackTrouble(),
            _AllButPosts(ConnectionErrorRetryHandler(max_retry_count=2)),
            _AllButPosts(ServerErrorRetryHandler(max_retry_count=2)),
        ],
    )


def retry_after(headers: Any) -> float:
    """Seconds a 429 asks us to wait: Slack sends whole seconds; anything else is logged and
    read as RETRY_AFTER_DEFAULT, anything above RETRY_AFTER_CAP as the cap."""
    raw = next((v for k, v in (headers or {}).items() if str(k).lower() == "retry-after"), None)
    raw = raw[0] if isinstance(raw, list) and raw else raw
    try:
        seconds = float(str(raw).strip())
        if not math.isfinite(seconds):
            raise ValueError(raw)
    except (TypeError, ValueError):
        log.warning("slack 429 with an unreadable Retry-After %r: waiting %.0f s", raw, RETRY_AFTER_DEFAULT)
        return RETRY_AFTER_DEFAULT
    if seconds > RETRY_AFTER_CAP:
        log.warning("slack 429 with Retry-After %s s: waiting %.0f s at most", raw, RETRY_AFTER_CAP)
        return RETRY_AFTER_CAP
    return seconds if seconds > 0 else RETRY_AFTER_DEFAULT


def call_reserve() -> float:
    reserve = deadline.per_call()
    return CALL_RESERVE if reserve is None else reserve


def left_for_calls(method: str) -> float | None:
    """Seconds of the budget a wait may take before the call (None: no budget); SlackRefused when
    the call could no longer end within it."""
    left = deadline.remaining()
    if left is None:
        return None
    if left < call_reserve():
        raise SlackRefused(f"slack {method}: {max(left, 0):.1f} s of the budget left, too little to start")
    return left - call_reserve()


class RateLimited(Exception):
    def __init__(self, seconds: float):
        super().__init__(f"rate limited for {seconds} s")
        self.seconds = seconds


# Slack errors about the message itself, which no retry can mend: the message is marked failed.
# Credential and scope errors (invalid_auth, missing_scope, …) are ours to fix, so they stay
# transient: the messages wait and go out once the token or the app is repaired.
_PERMANENT = {
    "not_in_channel",
    "user_not_found",
    "users_not_found",
    "invalid_blocks",
    "msg_too_long",
    "no_text",
    "cant_invite_self",
    "user_is_restricted",
    "message_not_found",
    "invalid_arguments",  # e.g. views.publish of a view over Slack's limits: the view itself is wrong
}

# Permanent too, and the conversation itself is gone: a kept group DM id is then dropped.
_GONE = {"channel_not_found", "is_archived"}


# Error codes with which Slack says it may have done part of the call before failing ("It's
# possible some aspect of the operation succeeded"): not a refusal.
_MAYBE_DONE = {"fatal_error", "internal_error"}


def guarded(method: str, call: Callable[[], SlackResponse | None]) -> dict[str, Any]:
    """The call's data; Slack's errors as our error types (a 429 as RateLimited)."""
    try:
        response = call()
        data = response.data if response is not None else None
        return data if isinstance(data, dict) else {}
    except SlackApiError as exc:
        error = exc.response.get("error") if exc.response is not None else None
        status = exc.response.status_code if exc.response is not None else None
        if status == 429 or error == "ratelimited":
            raise RateLimited(retry_after(getattr(exc.response, "headers", None))) from exc
        if error in _GONE:
            raise ConversationGone(f"slack {method}: {error}") from exc
        if error in _PERMANENT:
            raise PermanentError(f"slack {method}: {error}") from exc
        if error and error not in _MAYBE_DONE and (status is None or status < 500):
            raise SlackRefused(f"slack {method}: {error}") from exc
        raise TransientError(f"slack {method}: {error or status}") from exc
    except Exception as exc:  # connection errors after slack-sdk's own retries
        raise TransientError(f"slack {method}: {exc}") from exc
