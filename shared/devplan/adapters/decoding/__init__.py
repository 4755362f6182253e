"""Decoders, one module per source: Firestore events, Pub/Sub pushes, the platform webhook, Slack.

Each raises one exception, InvalidEvent, for anything it cannot use; nothing else escapes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from werkzeug.datastructures import Headers

from devplan.domain.limits import MAX_JSON_DEPTH, is_encodable
from devplan.errors import InvalidEvent

# A request's headers: functions-framework hands over werkzeug's case-insensitive Headers;
# tests and tools may pass a plain mapping.
RequestHeaders = Mapping[str, str] | Headers

# Both signed endpoints refuse a request signed longer ago (or ahead) than this: a captured
# request cannot be replayed later (Slack's own window, which the platform's contract copies).
SIGNATURE_WINDOW_SECONDS = 300

# Unix seconds as a signature timestamp: ASCII digits only (str.isdigit() also takes '²', and
# int() of a huge number cannot be subtracted from a float).
UNIX_SECONDS = re.compile(r"[0-9]{1,12}")


def header(headers: RequestHeaders, name: str) -> str:
    """A header's value, or '' when it is missing or not text."""
    value = headers.get(name)
    return value if isinstance(value, str) else ""


def check_signed_request(body: bytes, *, secret: str, secret_name: str, max_bytes: int) -> None:
    """What both signed endpoints refuse before reading anything: no key configured (an empty key
    is a key anyone knows: refuse rather than accept forgeries), a body over the limit."""
    if not secret:
        raise InvalidEvent(f"the {secret_name} is not configured", status=503, code="not_configured")
    if len(body) > max_bytes:
        raise InvalidEvent(
            f"body is {len(body)} bytes; at most {max_bytes} are accepted", status=413, code="payload_too_large"
        )


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def load_json(raw: bytes | str, what: str, *, code: str = "malformed") -> Any:
    """Parse JSON as RFC 8259 defines it, or raise InvalidEvent: UTF-8 only (json.loads would
    guess UTF-16/32), no NaN/Infinity, at most MAX_JSON_DEPTH levels, and every string one
    UTF-8 can carry (JSON's \\ud800 escapes give lone surrogates Firestore cannot store).
    json.loads raises RecursionError on deep nesting and ValueError on huge integers: both
    become InvalidEvent here."""
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes | bytearray) else raw
        value = json.loads(text, parse_constant=_refuse_constant)
    except (ValueError, RecursionError, TypeError) as exc:  # JSONDecodeError, UnicodeDecodeError are ValueErrors
        raise InvalidEvent(f"{what} is not JSON: {type(exc).__name__}", code=code) from None
    problem = _json_problem(value)
    if problem:
        raise InvalidEvent(f"{what} {problem}", code=code)
    return value


def _json_problem(value: Any) -> str | None:
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            return f"is nested deeper than {MAX_JSON_DEPTH} levels"
        if isinstance(item, str) and not is_encodable(item):
            return "holds text UTF-8 cannot carry (a lone surrogate)"
        if isinstance(item, dict):
            stack.extend((k, depth) for k in item)
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return None
