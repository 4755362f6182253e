"""What every entry point shares: retry-or-acknowledge by errors.failure_of, dead letters for
what can never succeed, the event age limit, JSON HTTP answers.

Events:  malformed, permanent, or older than the age limit → acknowledged, logged with the event
         id and the function, and kept once in deadLetters/{function}:{event id}, the event
         with it, for `devplan dead-letters replay`; transient or unknown → raised, the trigger
         retries (until the age limit turns it into a dead letter: nothing retries forever).
HTTP:    malformed → its 4xx JSON, nothing written; permanent → 422 JSON and a dead letter
         with the request; transient → 500 "unavailable"; anything else → 500 "internal",
         logged with its traceback. A 500 always means "retry with the same id".
         Slack's endpoint answers a permanent failure 200 instead (the letter is kept): Slack
         retries any other answer and counts it against the app's subscription, and the person
         who clicked or typed the command reads an ephemeral Swedish text, not an error.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from devplan.errors import EventTooOld, InvalidEvent, TransientError, UnusableRecord, can_never_succeed, failure_of
from devplan.messages.catalog import DEFAULT_LANGUAGE, text
from devplan.services.inputs import parse_time

if TYPE_CHECKING:  # imported where a letter is written: the Firestore client is not on the import path
    from devplan.adapters.firestore.dead_letters import DeadLetterStore, Delivery, EventLetters
    from devplan.services.ports import DeadLetters

log = logging.getLogger("devplan.entry")
REPLAY_ATTRIBUTE = "devplanreplayof"  # a CloudEvent extension: this delivery replays that dead letter
REPLAY_PUBSUB_ATTRIBUTE = "devplanReplayOf"  # the same, as a Pub/Sub message attribute


def run_event(
    event: Any,
    work: Callable[[DeadLetters], object],
    *,
    function: str,
    max_age_seconds: int,
    now: datetime,
    dead_letters: Callable[[], DeadLetterStore],
) -> None:
    """Run an event handler; `work` gets the invocation's dead letters for the batch items it sets aside."""
    letters = dead_letters().for_event(function, lambda: event_delivery(event))
    event_id = str(event.get("id") or "?")
    context = {"eventId": event_id, "function": function}
    try:
        sent = event.get("time")
        age = (now - parse_time(sent, "event time")).total_seconds() if sent else 0.0
        if age > max_age_seconds:
            raise EventTooOld(f"older than {max_age_seconds} s ({int(age)} s): dropped, kept to replay")
        work(letters)
    except Exception as exc:
        if not can_never_succeed(exc):
            if failure_of(exc) == "transient":
                log.warning("%s: event %s failed, to be retried: %s", function, event_id, exc, extra=context)
            else:
                log.exception("%s: event %s failed unexpectedly, to be retried", function, event_id, extra=context)
            raise
        _set_aside(letters, exc, context)
        return
    replayed = _replay_of(event)
    if replayed:
        letters.mark_replayed(replayed)


def _set_aside(letters: EventLetters, exc: Exception, context: dict[str, str]) -> None:
    """Acknowledge `exc` with a dead letter; if the letter cannot be written, retry rather than lose it."""
    reason = "expired" if isinstance(exc, EventTooOld) else failure_of(exc)
    function, event_id = context["function"], context["eventId"]
    try:
        letter = letters.set_aside_event(exc, reason=reason)
    except Exception as store_error:
        log.exception("%s: event %s cannot succeed (%s) and its dead letter cannot be written", function, event_id, exc)
        if failure_of(store_error) in ("transient", "unknown"):
            raise TransientError(f"dead letter for {event_id} not written: {store_error}") from exc
        return  # the store refuses the letter itself: the log line above is all that can be kept
    log.error(
        "%s: event %s %s, acknowledged as dead letter %s: %s",
        function,
        event_id,
        {"malformed": "is malformed", "expired": "was dropped", "permanent": "cannot succeed"}[reason],
        letter.id,
        exc,
        extra={**context, "deadLetter": letter.id, "reason": reason},
    )


def event_delivery(event: Any) -> Delivery:
    """The CloudEvent as structured-mode JSON (bytes as data_base64), to be delivered again as it came."""
    from devplan.adapters.firestore.dead_letters import Delivery

    attributes: dict[str, Any] = dict(event.get_attributes()) if hasattr(event, "get_attributes") else {}
    data = getattr(event, "data", None)
    copy = {k: v for k, v in attributes.items() if k != REPLAY_ATTRIBUTE}
    if isinstance(data, (bytes, bytearray)):
        copy["data_base64"] = base64.b64encode(data).decode()
    elif data is not None:
        copy["data"] = data
    return Delivery(
        event_id=str(attributes.get("id") or "?"),
        event_type=attributes.get("type"),
        source=attributes.get("source"),
        subject=attributes.get("subject"),
        body=json.dumps(copy, default=str),
    )


def _replay_of(event: Any) -> str | None:
    """The dead letter this delivery replays, if it says so (devplan_tools/operations/dead_letters.py sets it)."""
    marker = event.get(REPLAY_ATTRIBUTE)
    if not marker:
        data = getattr(event, "data", None)
        message = data.get("message") if isinstance(data, Mapping) else None
        attributes = message.get("attributes") if isinstance(message, Mapping) else None
        marker = attributes.get(REPLAY_PUBSUB_ATTRIBUTE) if isinstance(attributes, Mapping) else None
    return str(marker) if marker else None


HttpAnswer = tuple[str, int, dict[str, str]]


def json_response(status: int, body: dict[str, Any]) -> HttpAnswer:
    return json.dumps(body, ensure_ascii=False), status, {"Content-Type": "application/json; charset=utf-8"}


def http_answer(
    work: Callable[[], dict[str, Any]],
    *,
    function: str,
    request: Any,
    dead_letters: Callable[[], DeadLetterStore],
    slack: bool = False,
) -> HttpAnswer:
    """Run an HTTP handler and answer JSON whatever happens (see the module's docstring);
    `slack`: the caller is Slack, which gets 200 and a text for the person when it cannot apply."""
    try:
        answer = work()
        if getattr(answer, "as_is", False):  # a modal's answer: Slack reads the body itself, empty closes it
            return (json.dumps(answer, ensure_ascii=False) if answer else ""), 200, {"Content-Type": "application/json"}
        return json_response(200, {"ok": True, **answer})
    except InvalidEvent as exc:
        log.warning("rejected request: %s", exc, extra={"code": exc.code, "status": exc.status, "function": function})
        return json_response(exc.status, {"ok": False, "error": exc.code, "message": str(exc)})
    except Exception as exc:
        failure = failure_of(exc)
        if failure == "permanent":  # well-formed, but no retry can make it succeed: say so, don't ask for one
            return _cannot_apply(exc, function, request, dead_letters, slack=slack)
        if failure == "transient":
            log.warning("%s: request failed, to be retried: %s", function, exc, extra={"function": function})
            return json_response(500, {"ok": False, "error": "unavailable", "message": "try again with the same id"})
        log.exception("%s: request failed unexpectedly", function, extra={"function": function})
        return json_response(500, {"ok": False, "error": "internal", "message": "try again with the same id"})


def _cannot_apply(
    exc: Exception, function: str, request: Any, dead_letters: Callable[[], DeadLetterStore], *, slack: bool
) -> HttpAnswer:
    code = "unusable_record" if isinstance(exc, UnusableRecord) else "cannot_apply"
    delivery = request_delivery(function, request)
    try:
        letter = dead_letters().for_event(function, delivery).set_aside_event(exc, reason="permanent")
    except Exception:  # not kept: ask for the request again rather than lose it
        log.exception(
            "%s: request %s cannot be applied and its dead letter cannot be written", function, delivery.event_id
        )
        return json_response(500, {"ok": False, "error": "unavailable", "message": "try again with the same id"})
    log.error(
        "%s: request %s cannot be applied, dead letter %s: %s",
        function,
        delivery.event_id,
        letter.id,
        exc,
        extra={
            "code": code,
            "status": 422,
            "function": function,
            "eventId": delivery.event_id,
            "deadLetter": letter.id,
            "reason": "permanent",
        },
    )
    answer = {"ok": False, "error": code, "message": str(exc)}
    if slack:  # kept, so nothing for Slack to retry; the person is told (their language is not known here)
        return json_response(200, {**answer, "response_type": "ephemeral", "text": text(DEFAULT_LANGUAGE, _KEPT)})
    return json_response(422, answer)


_KEPT = "slack_answers.cannot_apply"


def request_delivery(function: str, request: Any) -> Delivery:
    """The request as it came (its body and content type; the signature is not kept, a replay
    signs again). Its id: the envelope's `id` (the platform) or `event_id` (Slack's Events API),
    else a digest of the body, the same for Slack's retries of the same request."""
    from devplan.adapters.firestore.dead_letters import Delivery

    body: bytes = request.get_data()
    envelope: Any = None
    try:
        envelope = json.loads(body)
    except Exception:  # a form body (slash commands, clicks), or no JSON at all
        envelope = None
    envelope = envelope if isinstance(envelope, dict) else {}
    event_id = envelope.get("id") or envelope.get("event_id")
    if not isinstance(event_id, str) or not event_id:
        event_id = "sha256-" + hashlib.sha256(body).hexdigest()[:24]
    try:
        text: dict[str, str] = {"body": body.decode("utf-8")}
    except UnicodeDecodeError:
        text = {"body_base64": base64.b64encode(body).decode()}
    http = {"contentType": request.headers.get("Content-Type", ""), **text}
    kind = envelope.get("type")
    return Delivery(
        event_id=event_id,
        event_type=kind if isinstance(kind, str) else None,
        source=function,
        subject=None,
        body=json.dumps({"http": http}),
    )
