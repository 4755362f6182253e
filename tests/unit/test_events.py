import base64
import json
from datetime import UTC, datetime

import pytest
from cloudevents.http import CloudEvent
from google.events.cloud.firestore import Document, DocumentEventData, MapValue, Value

from devplan.adapters.decoding.firestore import decode_document_event
from devplan.adapters.decoding.platform import decode_platform_request, platform_signature
from devplan.adapters.decoding.pubsub import decode_pubsub_event
from devplan.errors import InvalidEvent

NOW = datetime(2025, 4, 1, 6, 0, tzinfo=UTC)
SECRET = "s3cret"


def firestore_event(data: bytes) -> CloudEvent:
    return CloudEvent(
        {
            "id": "ev-1",
            "type": "google.cloud.firestore.document.v1.written",
            "source": "//firestore.googleapis.com/projects/p/databases/(default)",
            "subject": "documents/employees/anna",
            "time": "2025-04-01T06:00:00Z",
            "datacontenttype": "application/protobuf",
        },
        data,
    )


def employee_payload() -> bytes:
    doc = Document(
        name="projects/p/databases/(default)/documents/employees/anna",
        fields={
            "name": Value(string_value="Anna"),
            "sessions": Value(integer_value=3),
            "active": Value(boolean_value=True),
            "nothing": Value(null_value=0),
            "goals": Value(map_value=MapValue(fields={"deadline": Value(string_value="2025-04-15")})),
        },
    )
    return DocumentEventData.serialize(DocumentEventData(value=doc))


@pytest.mark.parametrize(
    "encode", [lambda b: b, base64.b64encode], ids=["raw protobuf (production)", "base64 (emulator)"]
)
def test_firestore_event_decodes_in_both_wire_forms(encode):
    change = decode_document_event(firestore_event(encode(employee_payload())))
    assert change.path == "employees/anna" and change.document_id == "anna" and change.before is None
    assert change.after == {
        "name": "Anna",
        "sessions": 3,
        "active": True,
        "nothing": None,
        "goals": {"deadline": "2025-04-15"},
    }


def test_firestore_garbage_is_invalid():
    with pytest.raises(InvalidEvent):
        decode_document_event(firestore_event(b"\x0a\xff\xff\xff"))


def pubsub_event(data) -> CloudEvent:
    return CloudEvent(
        {
            "id": "m-1",
            "type": "google.cloud.pubsub.topic.v1.messagePublished",
            "source": "//pubsub.googleapis.com/projects/p/topics/t",
        },
        {"message": {"data": data, "messageId": "m-1", "publishTime": "2025-04-01T05:00:00Z"}},
    )


def test_pubsub_message_decodes_json():
    message = decode_pubsub_event(pubsub_event(base64.b64encode(b'{"asOf": "2025-04-01"}').decode()))
    assert message.data == {"asOf": "2025-04-01"} and message.event_id == "m-1"
    assert message.publish_time == datetime(2025, 4, 1, 5, 0, tzinfo=UTC)


@pytest.mark.parametrize("data", ["not base64!", base64.b64encode(b"[1,2]").decode(), base64.b64encode(b"{").decode()])
def test_pubsub_malformed_data_is_invalid(data):
    with pytest.raises(InvalidEvent):
        decode_pubsub_event(pubsub_event(data))


def signed(body: bytes, *, ts: int | None = None, secret: str = SECRET) -> dict[str, str]:
    ts = ts if ts is not None else int(NOW.timestamp())
    return {
        "X-Devplan-Timestamp": str(ts),
        "X-Devplan-Delivery": "d-1",
        "X-Devplan-Signature": platform_signature(secret, str(ts), body),
    }


BODY = json.dumps(
    {
        "id": "e1",
        "type": "employee.onboarded",
        "occurredAt": "2025-04-01T06:00:00+02:00",
        "data": {"employeeId": "anna"},
    }
).encode()


def test_a_signed_request_decodes():
    event = decode_platform_request(signed(BODY), BODY, secret=SECRET, now=NOW)
    assert (event.id, event.type, event.delivery_id) == ("e1", "employee.onboarded", "d-1")
    assert event.occurred_at == datetime(2025, 4, 1, 4, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "headers, code",
    [
        ({}, "unsigned"),
        (signed(BODY, secret="other"), "bad_signature"),
        (signed(BODY, ts=int(NOW.timestamp()) - 301), "stale_signature"),
        ({**signed(BODY), "X-Devplan-Timestamp": "yesterday"}, "bad_timestamp"),
    ],
)
def test_unsigned_badly_signed_and_stale_requests_are_401(headers, code):
    with pytest.raises(InvalidEvent) as error:
        decode_platform_request(headers, BODY, secret=SECRET, now=NOW)
    assert (error.value.status, error.value.code) == (401, code)


@pytest.mark.parametrize(
    "body, message",
    [
        (b"{not json", "not JSON"),
        (b"[]", "JSON object"),
        (b'{"id": "e1"}', "lacks type, occurredAt, data"),
        (json.dumps({"id": "e1", "type": "x", "occurredAt": "2025-04-01T06:00:00", "data": {}}).encode(), "time zone"),
    ],
)
def test_malformed_envelopes_are_400(body, message):
    with pytest.raises(InvalidEvent, match=message) as error:
        decode_platform_request(signed(body), body, secret=SECRET, now=NOW)
    assert error.value.status == 400


def test_no_secret_configured_refuses_everything_even_a_request_signed_with_the_empty_key():
    with pytest.raises(InvalidEvent) as error:
        decode_platform_request(signed(BODY, secret=""), BODY, secret="", now=NOW)
    assert (error.value.status, error.value.code) == (503, "not_configured")


def test_odd_header_values_are_401_not_a_crash():
    for headers in (
        {**signed(BODY), "X-Devplan-Signature": "v1=ä" * 10},
        {**signed(BODY), "X-Devplan-Timestamp": "+1e9"},
    ):
        with pytest.raises(InvalidEvent) as error:
            decode_platform_request(headers, BODY, secret=SECRET, now=NOW)
        assert error.value.status == 401
