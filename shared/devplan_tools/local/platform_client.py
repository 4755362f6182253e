"""A signed client for the platform webhook, as the Inner Journey platform calls it."""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import requests

from devplan.adapters.decoding.platform import platform_signature


def signed_headers(secret: str, body: bytes, *, timestamp: int | None = None) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    return {
        "Content-Type": "application/json",
        "X-Devplan-Timestamp": ts,
        "X-Devplan-Delivery": str(uuid.uuid4()),
        "X-Devplan-Signature": platform_signature(secret, ts, body),
    }


def envelope(
    event_type: str, data: dict[str, Any], *, event_id: str | None = None, occurred_at: datetime | None = None
) -> bytes:
    return json.dumps(
        {
            "id": event_id or f"evt-{uuid.uuid4()}",
            "type": event_type,
            "occurredAt": (occurred_at or datetime.now(UTC)).isoformat(),
            "data": data,
        }
    ).encode()


def post_signed(webhook_url: str, secret: str, body: bytes) -> requests.Response:
    return requests.post(webhook_url, data=body, headers=signed_headers(secret, body), timeout=10)


def send(webhook_url: str, secret: str, event_type: str, data: dict[str, Any], **kw: Any) -> requests.Response:
    return post_signed(webhook_url, secret, envelope(event_type, data, **kw))
