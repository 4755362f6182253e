"""One attempt at an event function on the local host: the app called as a WSGI request, and
what its answer means for the delivery (done, dropped, retried after the backoff), counted and
logged as one JSON line with the function and the event id (ce-id for Firestore events, the
message id for Pub/Sub). event_functions.py decides when an attempt runs."""

from __future__ import annotations

import io
import json
import logging
import time
from collections.abc import Callable
from typing import Any

from devplan_tools.local.deliveries import Delivery, Shared
from devplan_tools.local.retry import RetryPolicy
from devplan_tools.manifest import Function

log = logging.getLogger("devplan_tools.local.host")  # the host's log, whichever module writes
Answer = tuple[str, list[tuple[str, str]], bytes]
NOT_YET: Answer = ("503 Service Unavailable", [("Content-Type", "application/json")], b'{"retry":"backoff"}')
ACKNOWLEDGED: Answer = ("204 No Content", [], b"")
THROTTLED: Answer = ("429 Too Many Requests", [("Content-Type", "application/json")], b'{"retry":"no instance free"}')


def settle(function: Function, policy: RetryPolicy, delivery: Delivery, answer: Answer, pushed: bool) -> str:
    """The delivery's next state after this answer (`delivery.state`, and `next_due` for a retry);
    returns the outcome as logged. A 429 (no instance free) is retried like a 5xx, as Eventarc
    and Pub/Sub do; a pushed 4xx is dropped (running it again cannot help), a Firestore event's
    4xx is the function's own acknowledgement."""
    code, now = status_code(answer), time.monotonic()
    retry_at = now + policy.delay(delivery.attempts)
    in_window = retry_at <= policy.window_ends(delivery.first_at)
    if answer is THROTTLED or code >= 500:
        if not function.retry:
            outcome = "dropped (no instance, retry off)" if answer is THROTTLED else "dropped (retry off)"
        elif not in_window:
            outcome = "gave up (retry window over)"
        else:
            delivery.state, delivery.next_due = "waiting", retry_at
            return "retry"
        delivery.state = "dropped"
        return outcome
    if code < 400 or not pushed:
        delivery.state = "done"
        return "done"
    delivery.state = "dropped"
    return "dropped (4xx)"


def report(
    function: Function, shared: Shared, delivery: Delivery, answer: Answer, outcome: str, started: float
) -> None:
    """Counted on the host and logged: a failure at WARNING while it is retried, ERROR once it is
    dropped; the bound at work (429, retried) is INFO, not a fault."""
    code, now = status_code(answer), time.monotonic()
    throttled = answer is THROTTLED
    shared.count(
        attempts=1,
        retries=int(delivery.attempts > 1),
        failures=int(code >= 500),
        dropped=int(delivery.state == "dropped"),
        throttled=int(throttled),
    )
    retrying = outcome == "retry"
    level = logging.INFO if (code < 500 and not throttled) or (throttled and retrying) else logging.ERROR
    if retrying and not throttled:
        level = logging.WARNING
    log.log(
        level,
        "%s: event %s attempt %d answered %d: %s",
        function.name,
        delivery.event_id,
        delivery.attempts,
        code,
        f"retry in {delivery.next_due - now:.2f} s" if retrying else outcome,
        extra={
            "function": function.name,
            "eventId": delivery.event_id,
            "attempt": delivery.attempts,
            "status": code,
            "outcome": outcome.split(" ")[0],
            "seconds": round(now - started, 3),
            **({"retryInSeconds": round(delivery.next_due - now, 3)} if retrying else {}),
        },
    )


def call_app(name: str, app: Callable, environ: dict[str, Any], body: bytes) -> Answer:
    """The function's answer; an exception out of the app (not the function: functions-
    framework answers those 500 itself) is a 500 too, so no delivery stays running."""
    environ = {**environ, "wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body))}
    started: list[tuple[str, list[tuple[str, str]]]] = []
    try:
        chunks = app(environ, lambda s, headers, exc_info=None: started.append((s, list(headers))))
        try:
            content = b"".join(chunks)
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
    except Exception:
        log.exception("%s: the app raised", name, extra={"function": name})
        return "500 Internal Server Error", [("Content-Type", "application/json")], b'{"error":"host"}'
    status, headers = started[0] if started else ("500 Internal Server Error", [])
    return status, [(k, v) for k, v in headers if k.lower() != "content-length"], content


def status_code(answer: Answer) -> int:
    return int(answer[0].split()[0])


def message_id(body: bytes) -> str:
    """The Pub/Sub message id of a push body (what the function sees as the CloudEvent id)."""
    try:
        message = json.loads(body)["message"]
        return str(message.get("messageId") or message.get("message_id") or "?")
    except (ValueError, KeyError, TypeError, AttributeError):
        return "?"
