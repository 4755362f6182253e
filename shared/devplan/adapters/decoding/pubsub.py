"""Pub/Sub pushes (google.cloud.pubsub.topic.v1.messagePublished) and the ticks they carry."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from devplan.adapters.decoding import load_json
from devplan.domain.calendar import stockholm_date
from devplan.domain.ids import is_valid_id
from devplan.domain.limits import (
    FIRST_SUPPORTED_DAY,
    LAST_SUPPORTED_DAY,
    MAX_CHUNK_IDS,
    MAX_EVENT_ID_LENGTH,
    is_supported_moment,
    is_text,
    parse_day,
)
from devplan.errors import InvalidEvent
from devplan.services.inputs import EmployeeChunk, Tick, parse_time

# Our own messages are a few hundred bytes: a tick, or a chunk of 25 ids.
MAX_MESSAGE_CHARS = 64 * 1024
MAX_CHUNK_INDEX = 100_000  # a chunk's number becomes a document id (ticks/{day}/chunks/{n})


@dataclass(frozen=True)
class PubSubMessage:
    event_id: str  # Pub/Sub messageId
    publish_time: datetime
    data: dict[str, Any]
    attributes: dict[str, str] = field(default_factory=dict)


def decode_pubsub_event(event: Any) -> PubSubMessage:
    """The message data must be base64 of a JSON object; the ids and times must be usable."""
    message = event.data.get("message") if isinstance(event.data, Mapping) else None
    if not isinstance(message, Mapping):
        raise InvalidEvent("Pub/Sub event has no message")
    raw = message.get("data") or ""
    if not isinstance(raw, str) or len(raw) > MAX_MESSAGE_CHARS:
        raise InvalidEvent("Pub/Sub message data must be a base64 text of a small JSON object")
    try:
        decoded = base64.b64decode(raw, validate=True) if raw else b"{}"
    except binascii.Error:
        raise InvalidEvent("Pub/Sub message data is not base64") from None
    data = load_json(decoded, "Pub/Sub message data", code="invalid_event")
    if not isinstance(data, dict):
        raise InvalidEvent("Pub/Sub message data must be a JSON object")
    attributes = message.get("attributes") or {}
    if not isinstance(attributes, Mapping) or not all(isinstance(v, str) for v in attributes.values()):
        raise InvalidEvent("Pub/Sub message attributes must map names to text")
    event_id = message.get("messageId") or message.get("message_id") or event["id"]
    if not is_text(event_id, MAX_EVENT_ID_LENGTH):
        raise InvalidEvent("Pub/Sub message has no usable messageId")
    published = message.get("publishTime") or message.get("publish_time") or event.get("time")
    publish_time = parse_time(published, "publishTime") if published else datetime.now(UTC)
    if not is_supported_moment(publish_time):
        raise InvalidEvent(f"publishTime is outside the supported days: {published!r:.60}")
    return PubSubMessage(event_id=event_id, publish_time=publish_time, data=data, attributes=dict(attributes))


def _as_of(message: PubSubMessage) -> date:
    raw = message.data.get("asOf")
    if raw is None:
        return stockholm_date(message.publish_time)
    day = parse_day(raw)
    if day is None:
        raise InvalidEvent(
            f"asOf must be a date YYYY-MM-DD in {FIRST_SUPPORTED_DAY.year}–{LAST_SUPPORTED_DAY.year}, got {raw!r:.60}"
        )
    return day


def decode_tick(message: PubSubMessage) -> Tick:
    unknown = set(message.data) - {"asOf", "force"}
    if unknown:
        raise InvalidEvent(f"tick has unknown fields: {', '.join(sorted(unknown))[:200]}")
    force = message.data.get("force", False)
    if not isinstance(force, bool):
        raise InvalidEvent("force must be true or false")
    return Tick(_as_of(message), force, message.event_id)


def decode_employee_chunk(message: PubSubMessage) -> EmployeeChunk:
    ids = message.data.get("employeeIds")
    if not isinstance(ids, list) or len(ids) > MAX_CHUNK_IDS or not all(map(is_valid_id, ids)):
        raise InvalidEvent(f"employeeIds must be a list of at most {MAX_CHUNK_IDS} employee ids")
    if "asOf" not in message.data:
        raise InvalidEvent("an employee chunk must carry asOf")
    index = message.data.get("chunk")
    if index is not None and (type(index) is not int or not 0 <= index <= MAX_CHUNK_INDEX):
        raise InvalidEvent(f"chunk must be a number 0–{MAX_CHUNK_INDEX}")
    return EmployeeChunk(_as_of(message), tuple(ids), message.event_id, index)


def tick_event(event: Any) -> Tick:
    return decode_tick(decode_pubsub_event(event))


def chunk_event(event: Any) -> EmployeeChunk:
    return decode_employee_chunk(decode_pubsub_event(event))
