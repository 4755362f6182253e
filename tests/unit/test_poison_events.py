"""No function can be made to retry forever by any input (issue 10, "Done when"): every entry
point of the manifest is fed an input that fails for good, delivered twice; it is acknowledged,
dead-lettered exactly once (seen twice), and the batch around it completes. In-process through
functions-framework over the real store on in-memory documents (tests/unit/entry_support.py)."""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import quote

import pytest
import yaml

from devplan.messages.catalog import text
from tests.fixtures.documents import ANNA, WELCOME_ANNA
from tests.generated.tally import contract_body
from tests.unit.entry_support import (
    ROOT,
    client,
    deliver,
    firestore_event,
    fixture_bytes,
    platform_headers,
    pubsub_push,
    slack_headers,
)
from tests.unit.test_entry_points_events import ANNA_WELCOMED, BO

UNREADABLE = {"name": "Bo", "startDate": "someday"}  # e.g. written by hand, or by an older version
POISONED: dict[str, str] = {}  # manifest function name → the test below that poisons it


def poisons(function: str):
    def register(test):
        POISONED[function] = test.__name__
        return test

    return register


def letters(env) -> dict[str, dict]:
    return {doc["id"]: doc for doc in env.store.collection("deadLetters").values()}


def the_one_letter(env, letter_id: str, *, reason: str = "permanent") -> dict:
    found = letters(env)
    assert list(found) == [letter_id]
    letter = found[letter_id]
    assert (letter["attempts"], letter["state"], letter["reason"]) == (2, "open", reason)
    assert json.loads(letter["event"])  # the event, kept to replay
    return letter


# --- HTTP -----------------------------------------------------------------------------------------


@poisons("platform-webhook")
def test_platform_webhook(env):
    env.store.docs["employees/anna"] = {**ANNA, "startDate": "someday"}
    body = fixture_bytes("platform/goals_set.json")
    for _ in range(2):
        response = client("platform_webhook").post("/", data=body, headers=platform_headers(body, env.now))
        assert response.status_code == 422 and response.get_json()["error"] == "unusable_record"
    letter = the_one_letter(env, "platform-webhook:evt-anna-goals-1")
    assert json.loads(letter["event"])["http"]["body"] == body.decode()


@poisons("slack-events")
def test_slack_events(env):
    env.store.docs["employees/bo"] = {**BO, "slack": {"userId": "U07L2BOKV"}}
    env.store.docs["employees/anna"] = {**ANNA_WELCOMED, "slack": {"userId": "U07L2ANNA"}}
    env.store.docs["cycles/anna:2025-Q2"] = {"employeeId": "anna", "quarter": "2025-Q2", "openedOn": "den första"}
    payload = json.loads(fixture_bytes("slack/block_actions_mark_held.json"))
    body = ("payload=" + quote(json.dumps(payload))).encode()
    for _ in range(2):  # the same body again (a second click): still one letter
        headers = slack_headers(body, env.now, "application/x-www-form-urlencoded")
        response = client("slack_events").post("/", data=body, headers=headers)
        # 200, so Slack neither retries nor counts it against the app; the person reads why
        answer = response.get_json()
        assert response.status_code == 200 and answer["ok"] is False and answer["error"] == "unusable_record"
        assert answer["response_type"] == "ephemeral" and answer["text"] == text("sv", "slack_answers.cannot_apply")
        assert contract_body("slack-events", response) == answer  # the generated suite's contract takes it
    (letter_id,) = letters(env)
    assert letter_id.startswith("slack-events:sha256-")
    the_one_letter(env, letter_id)


# --- Firestore triggers ---------------------------------------------------------------------------


@poisons("employee-written")
def test_employee_written(env):
    env.store.docs.update({"employees/anna": dict(ANNA), "employees/bo": dict(UNREADABLE)})
    event = firestore_event("employee_written_anna")
    for _ in range(2):
        assert deliver("on_employee_written", event, env).status_code == 200  # acknowledged: not retried
    letter = the_one_letter(env, f"employee-written:{event.headers['ce-id']}")
    assert letter["error"]["class"] == "UnusableRecord" and "employees/bo" in letter["error"]["message"]
    assert letter["subject"] == "documents/employees/anna" and "data_base64" in json.loads(letter["event"])
    assert env.outbox() == set()


@poisons("outbox-created")
def test_outbox_created(env):
    # The event carries a good message; the document now is not one (changed since, by someone else).
    env.store.docs["outbox/welcome:anna"] = {**WELCOME_ANNA, "state": None, "users": 7}
    event = firestore_event("outbox_created_welcome_anna")
    for _ in range(2):
        assert deliver("send_outbox_message", event, env).status_code == 200
    letter = the_one_letter(env, f"outbox-created:{event.headers['ce-id']}")
    assert letter["error"]["class"] == "UnusableRecord" and env.slack.posted == []


# --- Pub/Sub --------------------------------------------------------------------------------------


@poisons("daily-tick")
def test_daily_tick(env):
    push = pubsub_push("daily_tick_2025_04_01", data=json.dumps({"asOf": "2025-04-01", "when": "now"}).encode())
    for _ in range(2):
        assert deliver("on_daily_tick", push, env).status_code == 200
    the_one_letter(env, "daily-tick:2", reason="malformed")
    assert env.publisher.published == []


@poisons("employee-tick")
def test_employee_tick(env):
    erik = {**ANNA_WELCOMED, "name": "Erik Holm", "email": "erik@innerjourney.se", "slack": {"userId": "U_ERIK"}}
    env.store.docs.update(
        {"employees/anna": {**ANNA_WELCOMED, "startDate": 20250107}, "employees/erik": erik, "employees/bo": BO}
    )
    chunk = json.dumps({"asOf": "2025-04-01", "employeeIds": ["anna", "erik", "bo"], "chunk": 0}).encode()
    push = pubsub_push("employee_chunk_2025_04_01", data=chunk)
    for _ in range(2):
        assert deliver("on_employee_tick", push, env).status_code == 200
    letter = the_one_letter(env, "employee-tick:employees/anna")
    assert letter["record"] == "employees/anna"
    assert "review-invite:erik:2025-Q2" in env.outbox()  # the rest of the chunk went on
    assert "cycles/anna:2025-Q2" not in env.store.docs


@poisons("outbox-sweep")
def test_outbox_sweep(env):
    env.store.docs["outbox/welcome:anna"] = dict(WELCOME_ANNA)
    env.store.docs["outbox/broken"] = {**WELCOME_ANNA, "users": 7}  # pending, but no message
    for _ in range(2):
        assert deliver("sweep_outbox", pubsub_push("daily_tick_2025_04_01"), env).status_code == 200
    the_one_letter(env, "outbox-sweep:outbox/broken")
    assert [p["outbox_id"] for p in env.slack.posted] == ["welcome:anna"]  # the rest of the sweep went on


@poisons("onboarding-catch-up")
def test_onboarding_catch_up(env):
    pending = {**ANNA, "onboarding": {"status": "pending"}}
    env.store.docs.update(
        {
            "employees/bo": dict(UNREADABLE),
            "employees/anna": pending,  # led by bo, whose record cannot be read
            "employees/erik": {**pending, "name": "Erik Holm", "email": "erik@innerjourney.se", "leadId": "kim"},
            "employees/kim": {**BO, "name": "Kim", "email": "kim@innerjourney.se"},
        }
    )
    env.slack.users["kim@innerjourney.se"] = "U_KIM"
    for _ in range(2):
        assert deliver("catch_up_onboarding", pubsub_push("daily_tick_2025_04_01"), env).status_code == 200
    the_one_letter(env, "onboarding-catch-up:employees/anna")
    assert "welcome:erik" in env.outbox() and "welcome:anna" not in env.outbox()


def test_every_function_of_the_manifest_is_poisoned_here():
    manifest = yaml.safe_load((ROOT / "infra" / "functions.yaml").read_text())
    assert set(POISONED) == {f["name"] for f in manifest["functions"]}


# --- what may pass is retried, as JSON where it is HTTP ----------------------------------------------


@pytest.mark.parametrize(
    "error, status, code",
    [
        (RuntimeError("a bug"), 500, "internal"),
        (ConnectionError("firestore went away"), 500, "unavailable"),
        (OverflowError("date value out of range"), 422, "cannot_apply"),
    ],
)
def test_http_never_answers_a_page_only_json(env, monkeypatch, error, status, code):
    from devplan.services import platform_events

    def fail(*_, **__):
        raise error

    monkeypatch.setattr(platform_events, "handle", fail)
    body = fixture_bytes("platform/employee_onboarded.json")
    response = client("platform_webhook").post("/", data=body, headers=platform_headers(body, env.now))
    assert response.status_code == status and response.is_json
    assert response.get_json()["ok"] is False and response.get_json()["error"] == code
    assert len(letters(env)) == (1 if status == 422 else 0)


def test_a_transient_failure_is_raised_for_the_retry_and_leaves_no_letter(env):
    env.store.docs.update({"employees/anna": dict(ANNA), "employees/bo": dict(BO)})
    env.store.fail_next_set = lambda path, data: path.startswith("processedEvents/")
    assert deliver("on_employee_written", firestore_event("employee_written_anna"), env).status_code == 500
    assert letters(env) == {}


def test_when_the_letter_cannot_be_written_the_event_is_retried_not_lost(env):
    env.store.docs.update({"employees/anna": dict(ANNA), "employees/bo": dict(UNREADABLE)})
    env.store.fail_next_set = lambda path, data: path.startswith("deadLetters/")
    event = firestore_event("employee_written_anna")
    assert deliver("on_employee_written", event, env).status_code == 500  # retried: the letter is written then
    assert deliver("on_employee_written", event, env).status_code == 200
    assert list(letters(env)) == [f"employee-written:{event.headers['ce-id']}"]


def test_an_employee_whose_lead_came_back_readable_is_welcomed_on_replay_of_its_letter(env):
    env.store.docs.update({"employees/anna": dict(ANNA), "employees/bo": dict(UNREADABLE)})
    event = firestore_event("employee_written_anna")
    deliver("on_employee_written", event, env)
    env.store.docs["employees/bo"] = dict(BO)  # mended
    env.now = event.time + timedelta(days=2)  # long past the age limit: the replay carries a fresh time
    replay = {
        **event.headers,
        "ce-time": env.now.isoformat(),
        "ce-devplanreplayof": f"employee-written:{event.headers['ce-id']}",
    }
    response = client("on_employee_written").post(event.path, headers=replay, data=event.body)
    assert response.status_code == 200 and "welcome:anna" in env.outbox()
    assert letters(env)[f"employee-written:{event.headers['ce-id']}"]["state"] == "replayed"
