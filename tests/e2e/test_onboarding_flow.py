"""The whole local stack: signed webhook → Firestore → trigger → outbox → sender → Slack stand-in."""

import base64
import json

import pytest
import requests
from google.cloud import firestore
from google.events.cloud.firestore import Document, DocumentEventData, MapValue, Value

from devplan_tools.local import platform_client
from tests.conftest import posts, wait_for
from tests.people import ANNA, BO, ERIK

pytestmark = pytest.mark.e2e


def db(stack):
    return firestore.Client(project=stack.project)


def send_signed(stack, body: bytes, **header_overrides):
    headers = {**platform_client.signed_headers(stack.platform_secret, body), **header_overrides}
    return requests.post(f"{stack.functions_url}/platform-webhook", data=body, headers=headers, timeout=10)


def welcome_of(stack, name):
    return [p for p in posts(stack, channel_name=f"DM {name}") if p["text"].startswith("Välkommen")]


def onboard_team(stack, *people):
    for person in people:
        stack.stand_in.add_user(person["email"], person["name"])
    for person in people:
        body = platform_client.envelope("employee.onboarded", person, event_id=f"evt-{person['employeeId']}")
        assert send_signed(stack, body).status_code == 200
    for person in people:
        wait_for(lambda name=person["name"]: welcome_of(stack, name), what=f"welcome of {person['name']}")


def test_onboarding_welcomes_invites_and_tells_the_lead(clean_stack):
    onboard_team(clean_stack, BO, ANNA)
    clean_stack.wait_quiet()
    anna = db(clean_stack).document("employees/anna").get().to_dict()
    assert anna["goals"]["deadline"] == "2025-01-21" and anna["onboarding"]["status"] == "welcomed"
    welcome = welcome_of(clean_stack, "Anna Lindqvist")
    assert len(welcome) == 1 and "21 januari 2025" in json.dumps(welcome[0]["args"]["blocks"], ensure_ascii=False)
    # The stand-in keeps channel members for the whole run: someone an earlier test onboarded is
    # invited again and Slack answers already_in_channel, which the product counts as done.
    invites = [
        c
        for c in clean_stack.stand_in.calls()
        if c["method"] == "conversations.invite" and (c["ok"] or c["error"] == "already_in_channel")
    ]
    assert {c["channel_name"] for c in invites} == {"#dev", "#coaching", "#finance"}  # Bo in all three, Anna in #dev
    to_bo = [p["text"] for p in posts(clean_stack, channel_name="DM Bo Joel Kvarnsmyr")]
    assert any("Anna Lindqvist" in t and "21 januari 2025" in t for t in to_bo)
    outbox = {d.id: d.to_dict() for d in db(clean_stack).collection("outbox").stream()}
    assert all(doc["state"] == "sent" for doc in outbox.values()), outbox
    assert outbox["welcome:anna"]["slack"]["ts"] == welcome[0]["ts"]


def test_the_same_webhook_twice_gives_one_welcome(clean_stack):
    clean_stack.stand_in.add_user(ANNA["email"], ANNA["name"])
    body = platform_client.envelope("employee.onboarded", ANNA, event_id="evt-twice")
    first, second = send_signed(clean_stack, body), send_signed(clean_stack, body)
    assert (first.json()["status"], second.json()["status"]) == ("accepted", "duplicate")
    wait_for(lambda: welcome_of(clean_stack, "Anna Lindqvist"), what="welcome")
    clean_stack.wait_quiet(settle=1.0)
    assert len(welcome_of(clean_stack, "Anna Lindqvist")) == 1


def firestore_cloud_event(stack, event_id: str, fields: dict) -> tuple[dict, bytes]:
    """A production-format (raw protobuf, binary mode) document.written event for employees/anna."""
    name = f"projects/{stack.project}/databases/(default)/documents/employees/anna"

    def value(v):
        if isinstance(v, dict):
            return Value(map_value=MapValue(fields={k: value(x) for k, x in v.items()}))
        return Value(null_value=0) if v is None else Value(string_value=v)

    data = DocumentEventData(value=Document(name=name, fields={k: value(v) for k, v in fields.items()}))
    headers = {
        "ce-id": event_id,
        "ce-specversion": "1.0",
        "ce-type": "google.cloud.firestore.document.v1.written",
        "ce-source": f"//firestore.googleapis.com/projects/{stack.project}/databases/(default)",
        "ce-subject": "documents/employees/anna",
        "Content-Type": "application/protobuf",
    }
    return headers, DocumentEventData.serialize(data)


def test_the_same_firestore_event_twice_and_out_of_order_gives_one_welcome(clean_stack):
    onboard_team(clean_stack, ANNA)
    clean_stack.wait_quiet()
    url = f"{clean_stack.functions_url}/functions/projects/{clean_stack.project}/triggers/employee-written"
    stale = {
        "name": ANNA["name"],
        "email": ANNA["email"],
        "role": "developer",
        "leadId": "bo",
        "startDate": "2025-01-07",
        "onboarding": {"status": "pending"},
    }
    headers, raw = firestore_cloud_event(clean_stack, "replayed-event", stale)
    # Answered with the function's own status, as Cloud Run answers.
    for body in (raw, raw, base64.b64encode(raw)):  # twice raw (production), once base64 (emulator form)
        assert requests.post(url, data=body, headers=headers, timeout=10).status_code == 200
    clean_stack.wait_quiet(settle=1.0)
    assert len(welcome_of(clean_stack, "Anna Lindqvist")) == 1


@pytest.mark.parametrize(
    "tamper, status, error",
    [
        ({"X-Devplan-Signature": "v1=" + "0" * 64}, 401, "bad_signature"),
        ({"X-Devplan-Signature": ""}, 401, "unsigned"),
        ({"X-Devplan-Timestamp": "1700000000"}, 401, "stale_signature"),
    ],
)
def test_badly_signed_requests_are_rejected_and_write_nothing(clean_stack, tamper, status, error):
    body = platform_client.envelope("employee.onboarded", ANNA)
    response = send_signed(clean_stack, body, **tamper)
    assert response.status_code == status and response.json()["error"] == error
    assert response.json()["message"]
    assert list(db(clean_stack).collection("employees").stream()) == []
    assert list(db(clean_stack).collection("processedEvents").stream()) == []


@pytest.mark.parametrize(
    "body, status, error",
    [
        (b"{not json", 400, "malformed"),
        (platform_client.envelope("employee.promoted", ANNA), 422, "unknown_type"),
        (platform_client.envelope("employee.onboarded", {**ANNA, "email": "nope"}), 400, "invalid_data"),
    ],
)
def test_malformed_requests_get_a_clear_json_error_and_write_nothing(clean_stack, body, status, error):
    response = send_signed(clean_stack, body)
    assert response.status_code == status and response.json()["error"] == error
    assert list(db(clean_stack).collection("employees").stream()) == []


def test_a_late_slack_account_gets_the_welcome_through_team_join(clean_stack):
    onboard_team(clean_stack, BO)
    erik = ERIK
    assert send_signed(clean_stack, platform_client.envelope("employee.onboarded", erik)).status_code == 200
    wait_for(
        lambda: [
            t
            for t in (p["text"] for p in posts(clean_stack, channel_name="DM Bo Joel Kvarnsmyr"))
            if "inget Slack-konto" in t
        ],
        what="lead told of the missing account",
    )
    clean_stack.wait_quiet()
    clean_stack.stand_in.add_user(erik["email"], erik["name"])  # delivers a signed team_join
    wait_for(lambda: welcome_of(clean_stack, "Erik Holm"), what="welcome after team_join")
    clean_stack.wait_quiet(settle=1.0)
    assert len(welcome_of(clean_stack, "Erik Holm")) == 1


def test_slash_command_utveckling_answers_ephemerally_with_the_plan(clean_stack):
    import time
    from urllib.parse import urlencode

    from slack_sdk.signature import SignatureVerifier

    onboard_team(clean_stack, BO, ANNA)
    anna_id = clean_stack.stand_in.add_user(ANNA["email"], ANNA["name"])["user"]["id"]
    body = urlencode(
        {
            "command": "/utveckling",
            "text": "",
            "user_id": anna_id,
            "team_id": "T0INNERJ",
            "trigger_id": "t1",
            "response_url": "http://127.0.0.1:1/unused",
        }
    ).encode()
    ts = str(int(time.time()))
    signature = SignatureVerifier(clean_stack.slack_signing_secret).generate_signature(timestamp=ts, body=body)
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": signature,
    }
    answer = requests.post(f"{clean_stack.functions_url}/slack-events", data=body, headers=headers, timeout=3)
    assert answer.status_code == 200 and answer.json()["response_type"] == "ephemeral"
    assert "utvecklare" in answer.json()["text"] and "21 januari 2025" in answer.json()["text"]
    assert "Bo Joel Kvarnsmyr" in answer.json()["text"] and "#dev" in answer.json()["text"]
    unsigned = requests.post(
        f"{clean_stack.functions_url}/slack-events",
        data=body,
        headers={**headers, "X-Slack-Signature": "v0=bad"},
        timeout=3,
    )
    assert unsigned.status_code == 401 and unsigned.json()["error"] == "bad_signature"
