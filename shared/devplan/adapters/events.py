"""Every inbound event decoded into typed, frozen values; malformed input raises InvalidEvent.

Entry points turn InvalidEvent into "acknowledge and log" (events) or a 4xx JSON error (HTTP).
Nothing here touches the network or the database.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import string
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any, Mapping

from google.events.cloud.firestore import DocumentEventData

from devplan.errors import InvalidEvent

# Signed platform requests older (or newer) than this are refused: a captured request
# cannot be replayed later.
SIGNATURE_WINDOW_SECONDS = 300


@dataclass(frozen=True)
class DocumentChange:
    """A Firestore document write (2nd gen, google.cloud.firestore.document.v1.*)."""
    event_id: str
    event_type: str
    time: datetime
    path: str                       # "employees/e2"
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    after_update_time: Any = None   # the written version; a precondition for the next write

    @property
    def document_id(self) -> str:
        return self.path.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class PubSubMessage:
    event_id: str                   # Pub/Sub messageId
    publish_time: datetime
    data: dict[str, Any]
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PlatformEvent:
    """The platform's webhook envelope {"id", "type", "occurredAt", "data"}."""
    id: str
    type: str
    occurred_at: datetime
    data: dict[str, Any]
    delivery_id: str


def parse_time(text: Any, what: str) -> datetime:
    if not isinstance(text, str):
        raise InvalidEvent(f"{what} must be an ISO 8601 time string")
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidEvent(f"{what} is not an ISO 8601 time: {text!r}") from None
    if moment.tzinfo is None:
        raise InvalidEvent(f"{what} must carry a time zone (e.g. 'Z' or '+01:00'): {text!r}")
    return moment


# --- Firestore -------------------------------------------------------------------------

_BASE64_FIRST_BYTES = frozenset((string.ascii_letters + string.digits + "+/").encode())


def _protobuf_bytes(data: Any) -> bytes:
    """Production sends raw protobuf; the emulator sends it base64-encoded. Accept both.

    A DocumentEventData message starts with a field tag (0x0a/0x12/0x1a), never a base64
    character, so the first byte tells the two apart."""
    if isinstance(data, str):
        data = data.encode()
    if not isinstance(data, (bytes, bytearray)) or not data:
        raise InvalidEvent("Firestore event has no protobuf body")
    if data[0] in _BASE64_FIRST_BYTES:
        try:
            return base64.b64decode(data, validate=False)
        except binascii.Error:
            raise InvalidEvent("Firestore event body is neither protobuf nor base64") from None
    return bytes(data)


def _value(v: Any) -> Any:
    kind = v._pb.WhichOneof("value_type")
    if kind is None or kind == "null_value":
        return None
    if kind == "map_value":
        return {k: _value(x) for k, x in v.map_value.fields.items()}
    if kind == "array_value":
        return [_value(x) for x in v.array_value.values]
    if kind == "timestamp_value":
        return v.timestamp_value  # proto-plus gives a timezone-aware DatetimeWithNanoseconds
    if kind == "geo_point_value":
        return {"latitude": v.geo_point_value.latitude, "longitude": v.geo_point_value.longitude}
    return getattr(v, kind)


def _fields(document: Any) -> dict[str, Any] | None:
    if not document or not document.name:
        return None
    return {k: _value(v) for k, v in document.fields.items()}


def decode_document_event(event: Any) -> DocumentChange:
    """Decode a functions-framework CloudEvent carrying DocumentEventData."""
    try:
        payload = DocumentEventData.deserialize(_protobuf_bytes(event.data))
    except InvalidEvent:
        raise
    except Exception as exc:  # protobuf raises DecodeError and friends
        raise InvalidEvent(f"Firestore event body does not decode: {exc}") from None
    subject = event.get("subject") or ""
    if not subject.startswith("documents/"):
        raise InvalidEvent(f"Firestore event has an unexpected subject: {subject!r}")
    return DocumentChange(
        event_id=event["id"],
        event_type=event["type"],
        time=parse_time(event["time"], "event time") if event.get("time") else datetime.now(timezone.utc),
        path=subject.removeprefix("documents/"),
        before=_fields(payload.old_value),
        after=_fields(payload.value),
        after_update_time=payload.value.update_time if payload.value and payload.value.name else None,
    )


# --- Pub/Sub ---------------------------------------------------------------------------

def decode_pubsub_event(event: Any) -> PubSubMessage:
    """Decode google.cloud.pubsub.topic.v1.messagePublished; the message data must be a JSON object."""
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
        publish_time=parse_time(published, "publishTime") if published else datetime.now(timezone.utc),
        data=data,
        attributes=dict(message.get("attributes") or {}),
    )


# --- Signed platform webhook -------------------------------------------------------------

def platform_signature(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "v1=" + mac.hexdigest()


def decode_platform_request(headers: Mapping[str, str], body: bytes, *, secret: str, now: datetime) -> PlatformEvent:
    """Check the HMAC signature and the time window, then decode the envelope."""
    if not secret:   # an empty key is a key anyone knows: refuse rather than accept forgeries
        raise InvalidEvent("the webhook secret is not configured (DEVPLAN_PLATFORM_SECRET)", status=503,
                           code="not_configured")
    timestamp = headers.get("X-Devplan-Timestamp")
    signature = headers.get("X-Devplan-Signature")
    delivery = headers.get("X-Devplan-Delivery")
    if not timestamp or not signature or not delivery:
        raise InvalidEvent("request is not signed: X-Devplan-Timestamp, X-Devplan-Delivery and "
                           "X-Devplan-Signature are required", status=401, code="unsigned")
    try:
        if not timestamp.isdigit():
            raise ValueError(timestamp)
        age = now.timestamp() - int(timestamp)
    except ValueError:
        raise InvalidEvent("X-Devplan-Timestamp must be unix seconds", status=401, code="bad_timestamp") from None
    if abs(age) > SIGNATURE_WINDOW_SECONDS:
        raise InvalidEvent(f"signature timestamp is {int(age)} s away from now; the window is "
                           f"{SIGNATURE_WINDOW_SECONDS} s", status=401, code="stale_signature")
    if not hmac.compare_digest(platform_signature(secret, timestamp, body).encode(), signature.encode("utf-8", "replace")):
        raise InvalidEvent("signature does not match: expected v1=hex(HMAC-SHA256(secret, "
                           "'{timestamp}.{raw body}'))", status=401, code="bad_signature")
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
        id=envelope["id"], type=str(envelope["type"]), data=envelope["data"], delivery_id=delivery,
        occurred_at=parse_time(envelope["occurredAt"], "occurredAt"),
    )


# --- Ticks (Cloud Scheduler → Pub/Sub) -----------------------------------------------------

@dataclass(frozen=True)
class Tick:
    """"Today" for every rule: the scheduled day, carried in the message or taken from the
    publish time in Stockholm (a Cloud Scheduler job publishes `{}` at 07:00 Stockholm)."""
    as_of: date
    force: bool
    message_id: str


@dataclass(frozen=True)
class EmployeeChunk:
    as_of: date
    employee_ids: tuple[str, ...]
    message_id: str
    index: int | None = None        # its place in the day's fan-out, for progress


def _as_of(message: PubSubMessage) -> date:
    raw = message.data.get("asOf")
    if raw is None:
        from devplan.domain.calendar import stockholm_date
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
