"""The event decoders' edge: Pub/Sub messages and Firestore documents the later steps cannot use
raise InvalidEvent (acknowledged and logged by the entry point), never another exception, so no
trigger retries them forever and no onboarding is left failing on every attempt."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

import pytest
from cloudevents.http import CloudEvent

from devplan.adapters.decoding.firestore import DocumentChange, employee_change, outbox_change
from devplan.adapters.decoding.pubsub import chunk_event, tick_event
from devplan.errors import InvalidEvent
from tests.fixtures.documents import ANNA, WELCOME_ANNA

NOW = datetime(2025, 4, 8, 7, 0, tzinfo=UTC)


def _push(data=None, **message) -> CloudEvent:
    if data is not None:
        message["data"] = base64.b64encode(data if isinstance(data, bytes) else json.dumps(data).encode()).decode()
    message.setdefault("messageId", "m-1")
    message.setdefault("publishTime", "2025-04-08T05:00:00Z")
    return CloudEvent({"id": "m-1", "source": "//pubsub", "type": "t"}, {"message": message})


@pytest.mark.parametrize(
    "event",
    [
        _push({"asOf": "9999-12-31"}),
        _push({"asOf": "0001-01-01"}),
        _push({"asOf": "20250401"}),
        _push({"asOf": 20250401}),
        _push({"force": "yes"}),
        _push({"asOf": "2025-04-01", "extra": 1}),
        _push(b"[" * 5000 + b"]" * 5000),
        _push(b'{"asOf": ' + b"1" * 5000 + b"}"),
        _push(b"\xff\xfe"),
        _push([1]),
        _push({}, messageId={"a": 1}),
        _push({}, attributes=["a"]),
        _push({}, publishTime="9999-12-31T23:59:59-23:59"),
    ],
)
def test_a_tick_no_day_can_come_of_is_an_invalid_event(event):
    with pytest.raises(InvalidEvent):
        tick_event(event)


def test_message_data_that_is_not_text_or_not_base64_is_an_invalid_event():
    for data in (12, ["e30="], "not base64!"):
        event = CloudEvent({"id": "m", "source": "s", "type": "t"}, {"message": {"data": data, "messageId": "m"}})
        with pytest.raises(InvalidEvent):
            tick_event(event)


@pytest.mark.parametrize(
    "chunk",
    [
        {"asOf": "2025-04-01", "employeeIds": [".."]},
        {"asOf": "2025-04-01", "employeeIds": ["a/b"]},
        {"asOf": "2025-04-01", "employeeIds": ["a"] * 101},
        {"asOf": "2025-04-01", "employeeIds": "anna"},
        {"asOf": "2025-04-01", "employeeIds": ["anna"], "chunk": True},
        {"asOf": "2025-04-01", "employeeIds": ["anna"], "chunk": 10**20},
        {"asOf": "2101-01-01", "employeeIds": ["anna"]},
        {"employeeIds": ["anna"]},
    ],
)
def test_a_chunk_no_day_can_come_of_is_an_invalid_event(chunk):
    with pytest.raises(InvalidEvent):
        chunk_event(_push(chunk))


def test_a_plain_tick_and_chunk_still_decode():
    assert tick_event(_push({"asOf": "2025-04-01", "force": True})).as_of.isoformat() == "2025-04-01"
    assert tick_event(_push({})).as_of.isoformat() == "2025-04-08"
    assert chunk_event(_push({"asOf": "2025-04-01", "employeeIds": ["anna", "bo"], "chunk": 0})).index == 0


def _change(path: str, after: dict | None) -> DocumentChange:
    return DocumentChange("e-1", "google.cloud.firestore.document.v1.written", NOW, path, None, after)


@pytest.mark.parametrize(
    "path, changes",
    [
        ("employees/anna", {"role": "ceo"}),  # MENTORING_CHANNELS[role] raised KeyError on every attempt
        ("employees/anna", {"startDate": "9999-12-31"}),  # the deadline's date arithmetic overflowed
        ("employees/anna", {"language": ["sv"]}),  # rendering raised TypeError
        ("employees/anna", {"email": "not an address"}),
        ("employees/anna", {"name": "N" * 5000}),
        ("employees/anna", {"leadId": "anna"}),
        ("employees/anna", {"onboarding": {"status": "sometime"}}),
        ("employees/anna", {"slack": {"userId": "U 1"}}),
        ("employees/anna", {"goals": {"deadline": "9999-12-30"}}),
        ("employees/__x__", {}),
        ("outbox/anna", {}),
    ],
)
def test_an_employee_record_onboarding_cannot_work_with_is_an_invalid_event(path, changes):
    with pytest.raises(InvalidEvent):
        employee_change(_change(path, {**ANNA, **changes}))


def test_a_usable_employee_record_decodes_and_a_deleted_one_is_none():
    assert employee_change(_change("employees/anna", dict(ANNA))).employee.name == "Anna Lindqvist"
    assert employee_change(_change("employees/anna", None)).employee is None


@pytest.mark.parametrize(
    "changes",
    [
        {"text": "x" * 40_001},
        {"blocks": [{"type": "divider"}] * 51},
        {"blocks": ["divider"]},
        {"users": ["U 1"]},
        {"users": [], "channel": "Not A Channel"},
    ],
)
def test_an_outbox_message_slack_would_refuse_is_an_invalid_event(changes):
    with pytest.raises(InvalidEvent):
        outbox_change(_change("outbox/welcome:anna", {**WELCOME_ANNA, **changes}))


def test_the_fan_out_sends_chunks_the_chunk_decoder_takes():
    from devplan.domain.limits import MAX_CHUNK_IDS
    from devplan.services.daily_tick import CHUNK_SIZE

    assert CHUNK_SIZE <= MAX_CHUNK_IDS  # else every chunk would be acknowledged as malformed, silently
