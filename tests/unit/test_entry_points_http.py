"""The HTTP entry points of functions/main.py (platform_webhook, slack_events), called in-process
through functions-framework's test client with signed, production-shaped requests."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest

from tests.fixtures.documents import ANNA
from tests.unit.entry_support import client, fixture_bytes, platform_headers, slack_headers

ENTRY_POINTS = {"platform_webhook", "slack_events"}  # test_every_manifest_function_is_tested reads this
ONBOARDED = fixture_bytes("platform/employee_onboarded.json")
FORM, JSON = "application/x-www-form-urlencoded", "application/json"
BO = {
    "name": "Bo Joel Kvarnsmyr",
    "email": "bo@innerjourney.se",
    "role": "project_lead",
    "leadId": None,
    "startDate": "2025-01-02",
    "status": "active",
    "language": "sv",
    "onboarding": {"status": "welcomed"},
}


def post_platform(env, body: bytes, headers: dict[str, str] | None = None):
    return client("platform_webhook").post("/", data=body, headers=headers or platform_headers(body, env.now))


# --- platform_webhook -----------------------------------------------------------------------------


def test_an_accepted_onboarding_stores_the_employee(env):
    response = post_platform(env, ONBOARDED)
    assert response.status_code == 200
    assert response.get_json() == {"ok": True, "id": "evt-anna-onboarded", "status": "accepted"}
    # What the recorded Firestore event carries, and the due index: looked at by the next daily tick.
    assert env.store.docs["employees/anna"] == {**ANNA, "nextCheckOn": "0001-01-01"}
    assert "processedEvents/platform:evt-anna-onboarded" in env.store.docs


def test_the_same_body_delivered_again_is_a_duplicate_and_writes_nothing(env):
    post_platform(env, ONBOARDED)
    before = env.snapshot()
    again = post_platform(env, ONBOARDED, platform_headers(ONBOARDED, env.now, delivery="delivery-2"))
    assert again.status_code == 200 and again.get_json()["status"] == "duplicate"
    assert env.store.docs == before


def test_goals_for_an_employee_whose_record_cannot_be_read_are_refused_with_json_not_a_500(env):
    env.store.docs["employees/anna"] = {**ANNA, "startDate": "someday"}
    before = env.snapshot()
    response = post_platform(env, fixture_bytes("platform/goals_set.json"))
    assert response.status_code == 422  # no retry can fix it: the platform is told so, not asked to retry
    assert response.get_json()["error"] == "unusable_record" and "employees/anna" in response.get_json()["message"]
    letters = env.store.collection("deadLetters")  # nothing applied; the request kept for an operator
    assert {p: d for p, d in env.store.docs.items() if not p.startswith("deadLetters/")} == before
    assert list(letters) == ["platform-webhook:evt-anna-goals-1"]


def test_a_reflection_and_goals_land_on_the_employee_and_their_quarter(env):
    env.store.docs["employees/anna"] = dict(ANNA)
    for name in ("reflection_logged", "goals_set"):
        response = post_platform(env, fixture_bytes(f"platform/{name}.json"))
        assert response.status_code == 200 and response.get_json()["status"] == "accepted", name
    assert env.store.docs["employees/anna/reflections/entry-2025-02-12"]["on"] == "2025-02-12"
    assert [g["goalId"] for g in env.store.docs["employees/anna"]["goals"]["items"]] == ["g-firebase", "g-testing"]
    cycle = env.store.docs["cycles/anna:2025-Q1"]
    assert cycle["reflections"] == 1 and cycle["revision"]["done"] is True


def _unsigned(env, body):
    return {"Content-Type": "application/json"}


def _bad_signature(env, body):
    return platform_headers(body, env.now, secret="not-the-secret")


def _stale(env, body):
    return platform_headers(body, env.now - timedelta(seconds=301))


def _signed(env, body):
    return platform_headers(body, env.now)


@pytest.mark.parametrize(
    "body, headers, status, error",
    [
        (ONBOARDED, _unsigned, 401, "unsigned"),
        (ONBOARDED, _bad_signature, 401, "bad_signature"),
        (ONBOARDED, _stale, 401, "stale_signature"),
        (b'{"id": "evt-9", "type": "employee.onboarded", ', _signed, 400, "malformed"),
        (ONBOARDED.replace(b'"employee.onboarded"', b'"employee.promoted"'), _signed, 422, "unknown_type"),
    ],
)
def test_refused_requests_answer_4xx_json_and_write_nothing(env, body, headers, status, error):
    env.store.docs["employees/bo"] = dict(BO)
    before = env.snapshot()
    response = post_platform(env, body, headers(env, body))
    assert response.status_code == status
    assert response.is_json and response.get_json()["ok"] is False and response.get_json()["error"] == error
    assert env.store.docs == before


# --- slack_events -------------------------------------------------------------------------------

ANNA_SLACK, BO_SLACK = "U07L2ANNA", "U07L2BOKV"  # the user ids in tests/fixtures/slack/*


def post_slack(env, body: bytes, content_type: str, headers: dict[str, str] | None = None):
    return client("slack_events").post("/", data=body, headers=headers or slack_headers(body, env.now, content_type))


def interaction(name: str) -> bytes:
    """Interactivity requests are a form with one field, `payload`, holding the JSON."""
    return ("payload=" + quote(json.dumps(json.loads(fixture_bytes(f"slack/{name}.json"))))).encode()


def invite_anna_to_q2(env) -> None:
    """Anna's 2025-Q2 1:1 opened on 1 April and the invite sent: what a held click finds."""
    env.store.docs["cycles/anna:2025-Q2"] = {
        "employeeId": "anna",
        "quarter": "2025-Q2",
        "openedOn": "2025-04-01",
        "review": {"status": "invited", "invitedOn": "2025-04-01"},
    }


def seed_team(env) -> None:
    env.store.docs["employees/bo"] = {**BO, "slack": {"userId": BO_SLACK}}
    env.store.docs["employees/anna"] = {
        **ANNA,
        "slack": {"userId": ANNA_SLACK},
        "onboarding": {"status": "welcomed"},
        "goals": {"deadline": "2025-01-21", "quarter": "2025-Q1"},
    }


def test_the_slash_command_answers_the_askers_plan_ephemerally(env):
    seed_team(env)
    response = post_slack(env, fixture_bytes("slack/command_utveckling.form"), FORM)
    assert response.status_code == 200
    answer = response.get_json()
    assert answer["ok"] is True and answer["response_type"] == "ephemeral"
    assert "Anna Lindqvist" in answer["text"] and "Bo Joel Kvarnsmyr" in answer["text"]
    assert answer["blocks"]


def test_url_verification_answers_the_challenge(env):
    body = fixture_bytes("slack/url_verification.json")
    response = post_slack(env, body, JSON)
    assert response.status_code == 200
    assert response.get_json()["challenge"] == json.loads(body)["challenge"]
    assert env.store.docs == {}


@pytest.mark.parametrize(
    "headers, error",
    [
        ({"Content-Type": FORM}, "unsigned"),
        (
            {"Content-Type": FORM, "X-Slack-Request-Timestamp": "1744095630", "X-Slack-Signature": "v0=" + "0" * 64},
            "bad_signature",
        ),
    ],
)
def test_requests_not_signed_by_slack_are_refused_with_401_json(env, headers, error):
    seed_team(env)
    before = env.snapshot()
    response = post_slack(env, fixture_bytes("slack/command_utveckling.form"), FORM, headers)
    assert response.status_code == 401 and response.get_json()["error"] == error
    assert env.store.docs == before


def test_a_signature_with_another_secret_is_refused(env):
    body = fixture_bytes("slack/event_team_join.json")
    response = post_slack(env, body, JSON, slack_headers(body, env.now, JSON, secret="someone-else"))
    assert response.status_code == 401 and response.get_json()["error"] == "bad_signature"


def test_team_join_links_the_waiting_employee(env):
    env.store.docs["employees/erik"] = {
        **ANNA,
        "name": "Erik Holm",
        "email": "erik@innerjourney.se",
        "role": "funding_manager",
        "onboarding": {"status": "waiting_for_slack"},
    }
    response = post_slack(env, fixture_bytes("slack/event_team_join.json"), JSON)
    assert response.status_code == 200 and response.get_json() == {"ok": True, "linked": 1}
    assert env.store.docs["employees/erik"]["slack"] == {"userId": "U07L9ERIK"}


def test_the_mark_held_click_marks_the_1_1_held(env):
    seed_team(env)
    invite_anna_to_q2(env)
    response = post_slack(env, interaction("block_actions_mark_held"), FORM)
    assert response.status_code == 200 and response.get_json()["outcome"] == "held"
    review = env.store.docs["cycles/anna:2025-Q2"]["review"]
    assert review["status"] == "held" and review["heldOn"] == "2025-04-08"
    assert review["heldAt"] == datetime(2025, 4, 8, 7, 0, 12, 483920, tzinfo=UTC)
    assert review["confirmedBy"] == {"employeeId": "bo", "slackUserId": BO_SLACK}
    assert "review-held:anna:2025-Q2" in env.outbox()
    again = post_slack(env, interaction("block_actions_mark_held"), FORM)
    assert again.get_json()["outcome"] == "already_held"
