"""Firestore document events (2nd gen, google.cloud.firestore.document.v1.*) decoded into
`DocumentChange`, then into the service inputs for employees and the outbox."""

from __future__ import annotations

import base64
import binascii
import re
import string
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from google.events.cloud.firestore import DocumentEventData

from devplan.adapters.firestore import mapping
from devplan.domain.employees import employee_problems
from devplan.domain.ids import is_slack_id, is_valid_id
from devplan.domain.limits import (
    MAX_SLACK_BLOCKS,
    MAX_SLACK_TEXT_LENGTH,
    is_encodable,
    is_supported_moment,
)
from devplan.domain.outbox import OutboxMessage
from devplan.errors import InvalidEvent
from devplan.services.inputs import EmployeeWritten, OutboxWritten, parse_time


@dataclass(frozen=True)
class DocumentChange:
    """A Firestore document write as the event carries it (raw fields)."""

    event_id: str
    event_type: str
    time: datetime
    path: str  # "employees/e2"
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    after_update_time: Any = None  # the written version; a precondition for the next write

    @property
    def document_id(self) -> str:
        return self.path.rsplit("/", 1)[-1]


MAX_OUTBOX_ID_LENGTH = 512
# Slack channel names: lower-case letters, digits, '-' and '_', at most 80.
_CHANNEL = re.compile(r"[a-z0-9_-]{1,80}")

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
    if not isinstance(subject, str) or not subject.startswith("documents/"):
        raise InvalidEvent(f"Firestore event has an unexpected subject: {subject!r:.200}")
    time = parse_time(event["time"], "event time") if event.get("time") else datetime.now(UTC)
    if not is_supported_moment(time):
        raise InvalidEvent(f"Firestore event time is outside the supported days: {time!r}")
    return DocumentChange(
        event_id=event["id"],
        event_type=event["type"],
        time=time,
        path=subject.removeprefix("documents/"),
        before=_fields(payload.old_value),
        after=_fields(payload.value),
        after_update_time=payload.value.update_time if payload.value and payload.value.name else None,
    )


def employee_written(event: Any) -> EmployeeWritten:
    return employee_change(decode_document_event(event))


def employee_change(change: DocumentChange) -> EmployeeWritten:
    """employees/{id}: a record onboarding can work with, or InvalidEvent naming what is wrong
    (a document someone else wrote, or one from before a limit was set). An unreadable one is
    UnusableRecord, as everywhere records are read."""
    employee_id = _document_id(change, mapping.EMPLOYEES, is_valid_id)
    after = mapping.employee_from(employee_id, change.after) if change.after is not None else None
    # A lead still to come is not a broken record: an update may name the role before the lead
    # (domain/lifecycle.py), and onboarding takes the no-lead path meanwhile.
    problems = employee_problems(after, lead_required=False) if after is not None else []
    if problems:
        raise InvalidEvent(f"{change.path} cannot be onboarded: {'; '.join(problems)}")
    return EmployeeWritten(change.event_id, employee_id, after)


def outbox_written(event: Any) -> OutboxWritten:
    return outbox_change(decode_document_event(event))


def outbox_change(change: DocumentChange) -> OutboxWritten:
    message_id = _document_id(change, mapping.OUTBOX, _is_outbox_id)
    entry = mapping.outbox_entry_from(message_id, change.after) if change.after is not None else None
    problem = _outbox_problem(entry.message) if entry is not None else None
    if problem:
        raise InvalidEvent(f"{change.path} cannot be sent: {problem}")
    return OutboxWritten(change.event_id, message_id, entry, change.after_update_time if entry is not None else None)


def _document_id(change: DocumentChange, collection: str, valid: Callable[[str], bool]) -> str:
    parent, _, document_id = change.path.partition("/")
    if parent != collection or not valid(document_id):
        raise InvalidEvent(f"expected a document {collection}/{{id}}, got {change.path!r:.200}")
    return document_id


def _is_outbox_id(value: str) -> bool:
    # Ours read "welcome:anna", "review-invite:anna:2025-Q2"; any id Firestore gave is one it holds.
    return 0 < len(value) <= MAX_OUTBOX_ID_LENGTH and "/" not in value


def _outbox_problem(message: OutboxMessage) -> str | None:
    """What Slack could never take: bad recipients, too much text, too many blocks."""
    if not all(map(is_slack_id, message.users)):
        return "users must be Slack user ids"
    if message.channel is not None and not (isinstance(message.channel, str) and _CHANNEL.fullmatch(message.channel)):
        return "channel must be a Slack channel name"
    if not isinstance(message.text, str) or len(message.text) > MAX_SLACK_TEXT_LENGTH or not is_encodable(message.text):
        return f"text must be at most {MAX_SLACK_TEXT_LENGTH} characters of UTF-8"
    if len(message.blocks) > MAX_SLACK_BLOCKS or not all(isinstance(b, dict) for b in message.blocks):
        return f"blocks must be at most {MAX_SLACK_BLOCKS} Block Kit objects"
    return None
