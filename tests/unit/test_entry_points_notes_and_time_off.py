"""The 1:1 notes and time off through the real entry points (functions-framework in-process,
signed requests): the held click opens the notes modal, its submission is answered as Slack reads
it; `employee.time_off` and its cancellation on the platform webhook; `/utveckling ledig`."""

from __future__ import annotations

import json
from urllib.parse import quote, urlencode

from devplan.messages.meeting_notes import NOTES_FORM
from tests.unit.entry_support import client, fixture_bytes, platform_headers
from tests.unit.test_entry_points_http import BO_SLACK, FORM, invite_anna_to_q2, post_slack, seed_team
from tests.unit.test_entry_points_slack_forms import submission

TIME = "2025-06-02T09:00:00+02:00"


def held_click(env) -> bytes:
    payload = json.loads(fixture_bytes("slack/block_actions_mark_held.json"))
    payload["trigger_id"] = env.slack.issue_trigger()
    return ("payload=" + quote(json.dumps(payload))).encode()


def test_the_held_click_opens_the_notes_modal_and_its_submission_keeps_the_actions(env):
    seed_team(env)
    invite_anna_to_q2(env)
    answer = post_slack(env, held_click(env), FORM).get_json()
    assert answer == {"ok": True, "outcome": "held", "notes": "opened"}
    (view,) = env.slack.views
    assert view["callback_id"] == NOTES_FORM
    refused = post_slack(env, submission(view, {"actions": "x" * 301}, user=BO_SLACK), FORM)
    assert refused.status_code == 200 and set(json.loads(refused.get_data())["errors"]) == {"actions"}
    kept = post_slack(env, submission(view, {"actions": "Boka kurs", "notes": "Bra"}, user=BO_SLACK), FORM)
    assert kept.status_code == 200 and kept.get_data() in (b"", b"{}")  # Slack closes the modal
    [action] = env.store.docs["cycles/anna:2025-Q2"]["actions"]
    assert action["text"] == "Boka kurs" and action["agreedIn"] == "2025-Q2"


def post_platform(env, kind: str, data: dict, event_id: str):
    body = json.dumps({"id": event_id, "type": kind, "occurredAt": TIME, "data": data}).encode()
    return client("platform_webhook").post("/", data=body, headers=platform_headers(body, env.now))


JULY = {"employeeId": "anna", "timeOffId": "sem-2025", "from": "2025-07-01", "to": "2025-07-31", "kind": "vacation"}


def test_time_off_from_the_platform_is_kept_once_and_the_lead_told_once(env):
    seed_team(env)
    answer = post_platform(env, "employee.time_off", JULY, "t-1")
    assert answer.status_code == 200 and answer.get_json()["status"] == "recorded"
    assert post_platform(env, "employee.time_off", JULY, "t-1").get_json()["status"] == "duplicate"
    assert post_platform(env, "employee.time_off", JULY, "t-2").get_json()["status"] == "unchanged"
    [period] = env.store.docs["employees/anna"]["timeOff"]["periods"]
    assert (period["from"], period["to"], period["kind"]) == ("2025-07-01", "2025-07-31", "vacation")
    [told] = [m for k, m in env.store.collection("outbox").items() if k.startswith("time-off:anna:")]
    assert told["users"] == [BO_SLACK] and "Anna Lindqvist är ledig från den 1 juli 2025" in told["text"]
    cancelled = post_platform(
        env, "employee.time_off_cancelled", {"employeeId": "anna", "timeOffId": "sem-2025"}, "t-3"
    )
    assert cancelled.get_json()["status"] == "cancelled"
    assert [c["id"] for c in env.store.docs["employees/anna"]["timeOff"]["cancelled"]] == ["sem-2025"]


def test_an_unusable_period_is_refused_with_400_and_writes_nothing(env):
    seed_team(env)
    before = env.snapshot()
    answer = post_platform(env, "employee.time_off", {**JULY, "to": "2025-06-01"}, "t-bad")
    assert answer.status_code == 400 and answer.get_json()["error"] == "invalid_data"
    assert env.store.docs == before


def test_time_off_for_someone_not_onboarded_yet_is_held(env):
    assert (
        post_platform(env, "employee.time_off", {**JULY, "employeeId": "nya"}, "t-nya").get_json()["status"] == "held"
    )


def test_the_ledig_command_pauses_the_askers_plan(env):
    seed_team(env)
    form = {"command": "/utveckling", "user_id": "U07L2ANNA", "text": "ledig 2025-07-01 2025-07-31 semester"}
    answer = post_slack(env, urlencode(form).encode(), FORM).get_json()
    assert answer["response_type"] == "ephemeral" and "du är ledig från den 1 juli 2025" in answer["text"]
    assert env.store.docs["employees/anna"]["timeOff"]["periods"][0]["id"] == "slack-2025-07-01-2025-07-31"
    usage = post_slack(env, urlencode({**form, "text": "ledig i juli"}).encode(), FORM).get_json()
    assert "/utveckling ledig 2025-07-01 2025-07-31" in usage["text"]


def test_time_off_cancelled_in_slack_and_booked_again_is_a_new_period(env):
    seed_team(env)
    form = {"command": "/utveckling", "user_id": "U07L2ANNA", "text": "ledig 2025-07-01 2025-07-31"}

    def typed(text: str) -> dict:
        return post_slack(env, urlencode({**form, "text": text}).encode(), FORM).get_json()

    assert typed("ledig 2025-07-01 2025-07-31")["outcome"] == "recorded"
    assert typed("ledig 2025-07-01 2025-07-31")["outcome"] == "unchanged"
    assert "avbokad" in typed("ledig avboka 2025-07-01 2025-07-31")["text"]
    assert typed("ledig avboka 2025-07-01 2025-07-31")["outcome"] == "not_found"
    assert typed("ledig 2025-07-01 2025-07-31 föräldraledig")["outcome"] == "recorded"
    time_off = env.store.docs["employees/anna"]["timeOff"]
    assert [p["id"] for p in time_off["periods"]] == ["slack-2025-07-01-2025-07-31", "slack-2025-07-01-2025-07-31-2"]
    assert [c["id"] for c in time_off["cancelled"]] == ["slack-2025-07-01-2025-07-31"]
