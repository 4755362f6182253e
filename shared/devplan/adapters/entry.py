"""What every entry point shares: event age limits, retry-or-acknowledge, JSON HTTP answers."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from devplan.errors import InvalidEvent, PermanentError, UnusableRecord
from devplan.services.inputs import parse_time

log = logging.getLogger("devplan.entry")


def run_event(event: Any, work: Callable[[], object], *, max_age_seconds: int, now: datetime) -> None:
    """Run an event handler. Acknowledge (return) what no retry can fix, logged with the event
    id: an event older than `max_age_seconds` (the next tick catches up), malformed input, a
    permanent error. Anything else raises, and the trigger retries."""
    event_id = event.get("id") if hasattr(event, "get") else None
    try:
        sent = event.get("time") if hasattr(event, "get") else None
        age = (now - parse_time(sent, "event time")).total_seconds() if sent else 0.0
        if age > max_age_seconds:
            log.warning(
                "event %s dropped: older than %d s",
                event_id,
                max_age_seconds,
                extra={"eventId": event_id, "ageSeconds": int(age)},
            )
            return
        work()
    except InvalidEvent as exc:
        log.error("event %s is malformed, acknowledged: %s", event_id, exc, extra={"eventId": event_id})
    except PermanentError as exc:
        log.error("event %s cannot succeed, acknowledged: %s", event_id, exc, extra={"eventId": event_id})


HttpAnswer = tuple[str, int, dict[str, str]]


def json_response(status: int, body: dict[str, Any]) -> HttpAnswer:
    return json.dumps(body, ensure_ascii=False), status, {"Content-Type": "application/json; charset=utf-8"}


def http_answer(work: Callable[[], dict[str, Any]]) -> HttpAnswer:
    """Run an HTTP handler; InvalidEvent becomes its 4xx JSON error. Anything else is a 500 (retried by the caller)."""
    try:
        return json_response(200, {"ok": True, **work()})
    except InvalidEvent as exc:
        log.warning("rejected request: %s", exc, extra={"code": exc.code, "status": exc.status})
        return json_response(exc.status, {"ok": False, "error": exc.code, "message": str(exc)})
    except PermanentError as exc:  # well-formed, but no retry can make it succeed: say so, don't ask for one
        code = "unusable_record" if isinstance(exc, UnusableRecord) else "cannot_apply"
        log.error("request cannot be applied: %s", exc, extra={"code": code, "status": 422})
        return json_response(422, {"ok": False, "error": code, "message": str(exc)})
