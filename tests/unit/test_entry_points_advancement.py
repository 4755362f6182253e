"""Senior Coach and supervision through the real entry points, in-process with functions-framework:
sessions over the signed webhook ask the lead, the Godkänn click by someone else is refused, the
lead's certifies once; coaching.supervisor_assigned and `/utveckling handledare`; the monthly
Handledning genomförd click."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from urllib.parse import quote, urlencode

from devplan_tools.stand_in.views import Views
from tests.unit.entry_support import client, platform_headers, slack_headers
from tests.unit.goal_support import person

FORM = "application/x-www-form-urlencoded"
CLICKED = datetime(2025, 7, 15, 9, tzinfo=UTC).timestamp()


def seed(env) -> None:
    env.store.docs["employees/bo"] = person("Bo Joel Kvarnsmyr", "bo@innerjourney.se", "project_lead", None, "U_BO")
    env.store.docs["employees/anna"] = person("Anna Lindqvist", "anna@innerjourney.se", "coach", "bo", "U_ANNA")
    env.store.docs["employees/erik"] = person("Erik Holm", "erik@innerjourney.se", "funding_manager", "bo", "U_ERIK")
    sara = person("Sara Senior", "sara@innerjourney.se", "coach", "bo", "U_SARA")
    env.store.docs["employees/sara"] = {**sara, "level": "senior_coach"}


def platform(env, event_id: str, kind: str, data: dict):
    body = json.dumps({"id": event_id, "type": kind, "occurredAt": env.now.isoformat(), "data": data}).encode()
    headers = platform_headers(body, env.now, delivery=f"d-{event_id}")
    return client("platform_webhook").post("/", data=body, headers=headers)


def slack(env, body: bytes):
    return client("slack_events").post("/", data=body, headers=slack_headers(body, env.now, FORM))


def click(env, action_id: str, value: str, user: str, trigger_id: str = "1.2.never-issued"):
    action = {"action_id": action_id, "value": value, "type": "button", "action_ts": f"{CLICKED:.6f}"}
    payload = {"type": "block_actions", "user": {"id": user}, "actions": [action], "trigger_id": trigger_id}
    return slack(env, ("payload=" + quote(json.dumps(payload))).encode())


def sessions(env, n: int) -> None:
    for i in range(n):
        data = {"sessionId": f"s{i}", "coachId": "anna", "completedAt": "2025-07-10T10:00:00+02:00"}
        assert platform(env, f"e{i}", "coaching.session_completed", data).status_code == 200


def test_twenty_sessions_ask_the_lead_and_only_the_leads_click_certifies(env):
    seed(env)
    sessions(env, 19)
    assert "senior-coach-ask:anna:first" not in env.outbox()
    sessions(env, 20)  # s0–s18 again (duplicates) and s19
    assert "senior-coach-ask:anna:first" in env.outbox()
    refused = click(env, "senior_coach_approve", "anna|first", "U_ERIK")
    assert refused.status_code == 200 and refused.get_json()["outcome"] == "not_yours"
    assert "level" not in env.store.docs["employees/anna"]
    assert click(env, "senior_coach_approve", "anna|first", "U_BO").get_json()["outcome"] == "approved"
    assert click(env, "senior_coach_approve", "anna|first", "U_BO").get_json()["outcome"] == "already_senior"
    assert env.store.docs["employees/anna"]["level"] == "senior_coach"
    assert {"senior-coach-recognition:anna:coaching", "senior-coach-recognition:anna:general"} <= env.outbox()


def test_a_malformed_senior_coach_value_is_refused_as_malformed(env):
    seed(env)
    answer = click(env, "senior_coach_not_yet", "not a value", "U_BO")
    assert answer.status_code == 400 and answer.get_json()["error"] == "malformed"


def test_the_platform_and_the_lead_assign_a_supervisor(env):
    seed(env)
    answer = platform(env, "a1", "coaching.supervisor_assigned", {"coachId": "anna", "supervisorId": "sara"})
    assert answer.status_code == 200 and answer.get_json()["status"] == "assigned"
    assert env.store.docs["employees/anna"]["supervisorId"] == "sara"
    refused = platform(env, "a2", "coaching.supervisor_assigned", {"coachId": "anna", "supervisorId": "erik"})
    assert refused.get_json()["status"] == "not_senior"
    form = {"command": "/utveckling", "user_id": "U_ERIK", "text": "handledare <@U_ANNA|anna> <@U_SARA|sara>"}
    answer = slack(env, urlencode(form).encode())
    assert answer.status_code == 200 and answer.get_json()["outcome"] == "only_lead"


def test_handledning_genomford_counts_the_month_once(env):
    seed(env)
    env.store.docs["employees/anna"]["supervisorId"] = "sara"
    assert click(env, "supervision_held", "anna|2025-07", "U_SARA").get_json()["outcome"] == "held"
    assert click(env, "supervision_held", "anna|2025-07", "U_ANNA").get_json()["outcome"] == "already_held"
    assert click(env, "supervision_held", "anna|2025-07", "U_ERIK").get_json()["outcome"] == "not_yours"
    assert env.store.docs["employees/anna/tallies/supervision_sessions"]["count"] == 1


def test_inte_an_opens_a_modal_whose_reason_is_recorded_once(env):
    seed(env)
    sessions(env, 20)
    assert (
        click(env, "senior_coach_not_yet", "anna|first", "U_ERIK", env.slack.issue_trigger()).get_json()["outcome"]
        == "not_yours"
    )
    assert env.slack.views == []  # nobody else gets the modal
    assert click(env, "senior_coach_not_yet", "anna|first", "U_BO", env.slack.issue_trigger()).get_json()["opened"]
    [view] = env.slack.views
    assert view["callback_id"] == "senior_coach_not_yet_form" and "seniorCoach" not in env.store.docs["employees/anna"]
    view = {**view, "id": "V0NOTYET", "state": Views.submitted_state(view, {"reason": "Ett kvartal till med Sara."})}
    view.pop("trigger_id")
    payload = {"type": "view_submission", "user": {"id": "U_BO"}, "view": view}
    answer = slack(env, ("payload=" + quote(json.dumps(payload))).encode())
    assert answer.status_code == 200 and answer.get_data() == b""  # an empty body: the modal closes
    assert env.store.docs["employees/anna"]["seniorCoach"] == {"notYetOn": "2025-07-15"}
    [entry] = env.store.audit_of("anna")
    assert (entry.action, entry.why, entry.actor_id) == ("senior_coach_not_yet", "Ett kvartal till med Sara.", "bo")
    again = click(env, "senior_coach_not_yet", "anna|first", "U_BO", env.slack.issue_trigger())
    assert again.get_json()["outcome"] == "already_not_yet" and len(env.slack.views) == 1
