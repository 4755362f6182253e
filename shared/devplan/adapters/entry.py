"""What every entry point shares: event age limits, retry-or-acknowledge, JSON HTTP answers."""
from __future__ import annotations

import json
import logging
from contextlib import contextmanager
from datetime import datetime
from typing import Any, Callable, Iterator

from devplan.adapters.events import parse_time
from devplan.errors import InvalidEvent, PermanentError

log = logging.getLogger("devplan.entry")


class Acknowledge(Exception):
    """Raised inside an event scope to stop early and acknowledge (e.g. an event too old)."""


@contextmanager
def event_scope(event: Any, *, max_age_seconds: int, now: datetime) -> Iterator[None]:
    """Acknowledge what no retry can fix (logged with the event id); let the rest raise → retry."""
    event_id = event.get("id") if hasattr(event, "get") else None
    try:
        sent = event.get("time")
        if sent and (now - parse_time(sent, "event time")).total_seconds() > max_age_seconds:
            raise Acknowledge(f"older than {max_age_seconds} s")
        yield
    except Acknowledge as exc:
        log.warning("event %s dropped: %s", event_id, exc, extra={"eventId": event_id})
    except InvalidEvent as exc:
        log.error("event %s is malformed, acknowledged: %s", event_id, exc, extra={"eventId": event_id})
    except PermanentError as exc:
        log.error("event %s cannot succeed, acknowledged: %s", event_id, exc, extra={"eventId": event_id})


def json_response(status: int, body: dict[str, Any]) -> tuple[str, int, dict[str, str]]:
    return json.dumps(body, ensure_ascii=False), status, {"Content-Type": "application/json; charset=utf-8"}


def http_answer(work: Callable[[], dict[str, Any]]) -> tuple[str, int, dict[str, str]]:
    """Run an HTTP handler; InvalidEvent becomes its 4xx JSON error. Anything else is a 500 (retried by the caller)."""
    try:
        return json_response(200, {"ok": True, **work()})
    except InvalidEvent as exc:
        log.warning("rejected request: %s", exc, extra={"code": exc.code, "status": exc.status})
        return json_response(exc.status, {"ok": False, "error": exc.code, "message": str(exc)})
