"""The platform's webhook: HMAC signature and time window checked, then the envelope decoded."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime

from devplan.adapters.decoding import RequestHeaders
from devplan.errors import InvalidEvent
from devplan.services.inputs import PlatformEvent, parse_time

# Signed platform requests older (or newer) than this are refused: a captured request
# cannot be replayed later.
SIGNATURE_WINDOW_SECONDS = 300


def platform_signature(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "v1=" + mac.hexdigest()


def decode_platform_request(headers: RequestHeaders, body: bytes, *, secret: str, now: datetime) -> PlatformEvent:
    """Check the HMAC signature and the time window, then decode the envelope."""
    if not secret:  # an empty key is a key anyone knows: refuse rather than accept forgeries
        raise InvalidEvent(
            "the webhook secret is not configured (DEVPLAN_PLATFORM_SECRET)", status=503, code="not_configured"
        )
    timestamp = headers.get("X-Devplan-Timestamp")
    signature = headers.get("X-Devplan-Signature")
    delivery = headers.get("X-Devplan-Delivery")
    if not timestamp or not signature or not delivery:
        raise InvalidEvent(
            "request is not signed: X-Devplan-Timestamp, X-Devplan-Delivery and X-Devplan-Signature are required",
            status=401,
            code="unsigned",
        )
    try:
        if not timestamp.isdigit():
            raise ValueError(timestamp)
        age = now.timestamp() - int(timestamp)
    except ValueError:
        raise InvalidEvent("X-Devplan-Timestamp must be unix seconds", status=401, code="bad_timestamp") from None
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
    try:
        envelope = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise InvalidEvent("body is not JSON", code="malformed") from None
    if not isinstance(envelope, dict):
        raise InvalidEvent("body must be a JSON object", code="malformed")
    missing = [k for k in ("id", "type", "occurredAt", "data") if k not in envelope]
    if missing:
        raise InvalidEvent(f"envelope lacks {', '.join(missing)}", code="malformed")
    if not isinstance(envelope["id"], str) or not envelope["id"].strip():
        raise InvalidEvent("id must be a non-empty string", code="malformed")
    if not isinstance(envelope["data"], dict):
        raise InvalidEvent("data must be a JSON object", code="malformed")
    return PlatformEvent(
        id=envelope["id"],
        type=str(envelope["type"]),
        data=envelope["data"],
        delivery_id=delivery,
        occurred_at=parse_time(envelope["occurredAt"], "occurredAt"),
    )
