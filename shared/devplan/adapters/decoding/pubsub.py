"""Pub/Sub pushes (google.cloud.pubsub.topic.v1.messagePublished) and the ticks they carry."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from devplan.domain.calendar import stockholm_date
from devplan.errors import InvalidEvent
from devplan.services.inputs import EmployeeChunk, Tick, parse_time


@dataclass(frozen=True)
class PubSubMessage:
    event_id: str  # Pub/Sub messageId
    publish_time: datetime
    data: dict[str, Any]
    attributes: dict[str, str] = field(default_factory=dict)


def decode_pubsub_event(event: Any) -> PubSubMessage:
    """The message data must be a JSON object."""
    message = (event.data or {}).get("message") if isinstance(event.data, Mapping) else None
    if not isinstance(message, Mapping):
        raise InvalidEvent("Pub/Sub event has no message")
    raw = message.get("data") or ""
    try:
        data = json.loads(base64.b64decode(raw).decode("utf-8")) if raw else {}
    except (binascii.Error, UnicodeDecodeError, json.JSONDecodeError):
        raise InvalidEvent("Pub/Sub message data is not base64-encoded JSON") from None
    if not isinstance(data, dict):
        raise InvalidEvent("Pub/Sub message data must be a JSON object")
    published = message.get("publishTime") or message.get("publish_time") or event.get("time")
    return PubSubMessage(
        event_id=str(message.get("messageId") or message.get("message_id") or event["id"]),
        publish_time=parse_time(published, "publishTime") if published else datetime.now(UTC),
        data=data,
        attributes=dict(message.get("attributes") or {}),
    )


def _as_of(message: PubSubMessage) -> date:
    raw = message.data.get("asOf")
    if raw is None:
        return stockholm_date(message.publish_time)
    try:
        return date.fromisoformat(raw)
    except (TypeError, ValueError):
        raise InvalidEvent(f"asOf must be a date YYYY-MM-DD, got {raw!r}") from None


def decode_tick(message: PubSubMessage) -> Tick:
    unknown = set(message.data) - {"asOf", "force"}
    if unknown:
        raise InvalidEvent(f"tick has unknown fields: {', '.join(sorted(unknown))}")
    return Tick(_as_of(message), bool(message.data.get("force", False)), message.event_id)


def decode_employee_chunk(message: PubSubMessage) -> EmployeeChunk:
    ids = message.data.get("employeeIds")
    if not isinstance(ids, list) or not all(isinstance(i, str) and i and "/" not in i for i in ids):
        raise InvalidEvent("employeeIds must be a list of employee ids")
    if "asOf" not in message.data:
        raise InvalidEvent("an employee chunk must carry asOf")
    index = message.data.get("chunk")
    if index is not None and (not isinstance(index, int) or index < 0):
        raise InvalidEvent("chunk must be a non-negative number")
    return EmployeeChunk(_as_of(message), tuple(ids), message.event_id, index)


def tick_event(event: Any) -> Tick:
    return decode_tick(decode_pubsub_event(event))


def chunk_event(event: Any) -> EmployeeChunk:
    return decode_employee_chunk(decode_pubsub_event(event))
