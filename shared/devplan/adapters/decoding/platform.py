"""The platform's webhook: size, HMAC signature and time window checked, then the envelope decoded."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

from devplan.adapters.decoding import (
    SIGNATURE_WINDOW_SECONDS,
    UNIX_SECONDS,
    RequestHeaders,
    check_signed_request,
    header,
    load_json,
)
from devplan.domain.limits import (
    MAX_EVENT_ID_LENGTH,
    WEBHOOK_MAX_BODY_BYTES,
    is_text,
)
from devplan.errors import InvalidEvent
from devplan.services.inputs import PlatformEvent, parse_supported_time


def platform_signature(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "v1=" + mac.hexdigest()


def decode_platform_request(headers: RequestHeaders, body: bytes, *, secret: str, now: datetime) -> PlatformEvent:
    """Check the size, the HMAC signature and the time window, then decode the envelope."""
    check_signed_request(
        body, secret=secret, secret_name="webhook secret (DEVPLAN_PLATFORM_SECRET)", max_bytes=WEBHOOK_MAX_BODY_BYTES
    )
    _check_signature(headers, body, secret, now)
    delivery = header(headers, "X-Devplan-Delivery")
    if not is_text(delivery, MAX_EVENT_ID_LENGTH):
        raise InvalidEvent(f"X-Devplan-Delivery must be 1–{MAX_EVENT_ID_LENGTH} characters", code="malformed")
    envelope = load_json(body, "body")
    if not isinstance(envelope, dict):
        raise InvalidEvent("body must be a JSON object", code="malformed")
    missing = [k for k in ("id", "type", "occurredAt", "data") if k not in envelope]
    if missing:
        raise InvalidEvent(f"envelope lacks {', '.join(missing)}", code="malformed")
    if not is_text(envelope["id"], MAX_EVENT_ID_LENGTH):
        raise InvalidEvent(f"id must be text of 1–{MAX_EVENT_ID_LENGTH} characters on one line", code="malformed")
    if not isinstance(envelope["type"], str):
        raise InvalidEvent("type must be a string", code="malformed")
    if not isinstance(envelope["data"], dict):
        raise InvalidEvent("data must be a JSON object", code="malformed")
    return PlatformEvent(
        id=envelope["id"],
        type=envelope["type"],
        data=envelope["data"],
        delivery_id=delivery,
        occurred_at=_occurred_at(envelope["occurredAt"]),
    )


def _check_signature(headers: RequestHeaders, body: bytes, secret: str, now: datetime) -> None:
    timestamp = header(headers, "X-Devplan-Timestamp")
    signature = header(headers, "X-Devplan-Signature")
    if not timestamp or not signature or not header(headers, "X-Devplan-Delivery"):
        raise InvalidEvent(
            "request is not signed: X-Devplan-Timestamp, X-Devplan-Delivery and X-Devplan-Signature are required",
            status=401,
            code="unsigned",
        )
    if not UNIX_SECONDS.fullmatch(timestamp):
        raise InvalidEvent("X-Devplan-Timestamp must be unix seconds", status=401, code="bad_timestamp")
    age = now.timestamp() - int(timestamp)
    if abs(age) > SIGNATURE_WINDOW_SECONDS:
        raise InvalidEvent(
            f"signature timestamp is {int(age)} s away from now; the window is {SIGNATURE_WINDOW_SECONDS} s",
            status=401,
            code="stale_signature",
        )
    if not hmac.compare_digest(
        platform_signature(secret, timestamp, body).encode(), signature.encode("utf-8", "replace")
    ):
        raise InvalidEvent(
            "signature does not match: expected v1=hex(HMAC-SHA256(secret, '{timestamp}.{raw body}'))",
            status=401,
            code="bad_signature",
        )


def _occurred_at(raw: object) -> datetime:
    return parse_supported_time(raw, "occurredAt")
