"""slack_events with the goal and reflection modals, in-process through functions-framework with
signed, Slack-shaped requests: a command opens a modal with its trigger_id, a submission is
answered exactly as Slack reads it (errors by block, or an empty body that closes the modal)."""

from __future__ import annotations

import copy
import json
from urllib.parse import quote, urlencode

from devplan_tools.stand_in.views import Views
from tests.fixtures.documents import ANNA
from tests.unit.entry_support import client, slack_headers
from tests.unit.slack_forms_support import BO, GOOD_GOAL

FORM = "application/x-www-form-urlencoded"
ANNA_SLACK, BO_SLACK = "U07L2ANNA", "U07L2BOKV"


def seed(env) -> None:
    env.store.docs["employees/bo"] = {**BO, "slack": {"userId": BO_SLACK}, "onboarding": {"status": "welcomed"}}
    env.store.docs["employees/anna"] = {**ANNA, "slack": {"userId": ANNA_SLACK}, "onboarding": {"status": "welcomed"}}


def post(env, body: bytes):
    return client("slack_events").post("/", data=body, headers=slack_headers(body, env.now, FORM))


def command(env, text: str):
    form = {"command": "/utveckling", "user_id": ANNA_SLACK, "text": text, "trigger_id": env.slack.issue_trigger()}
    return post(env, urlencode(form).encode())


def submission(view: dict, values: dict, user: str = ANNA_SLACK) -> bytes:
    view = {**copy.deepcopy(view), "id": "V0ENTRY1", "state": Views.submitted_state(view, values)}
    view.pop("trigger_id", None)
    payload = {"type": "view_submission", "user": {"id": user}, "view": view}
    return ("payload=" + quote(json.dumps(payload))).encode()


def test_the_goal_command_opens_the_modal_with_the_commands_trigger(env):
    seed(env)
    response = command(env, "mål")
    assert response.status_code == 200 and response.get_json() == {"ok": True, "opened": True}
    (view,) = env.slack.views
    assert view["callback_id"] == "goal_form" and view["type"] == "modal"


def test_a_submission_with_problems_is_answered_with_errors_by_block_and_nothing_else(env):
    seed(env)
    command(env, "mål")
    before = env.snapshot()
    response = post(env, submission(env.slack.views[0], {**GOOD_GOAL, "target": "-1", "due": "2025-09-01"}))
    assert response.status_code == 200
    answer = json.loads(response.get_data())
    assert set(answer) == {"response_action", "errors"} and answer["response_action"] == "errors"
    assert set(answer["errors"]) == {"target", "due"}
    assert env.store.docs == before


def test_an_accepted_submission_closes_the_modal_with_an_empty_body(env):
    seed(env)
    command(env, "mål")
    response = post(env, submission(env.slack.views[0], GOOD_GOAL))
    assert response.status_code == 200 and response.get_data() == b""
    (goal,) = env.store.docs["employees/anna"]["goals"]["items"]
    assert goal["goalId"] == "slack-v0entry1" and goal["status"] == "proposed"
    assert any(k.startswith("goal-proposal:anna:slack-v0entry1:2025-Q2") for k in env.outbox())


def test_a_submission_whose_state_slack_would_never_send_is_malformed(env):
    seed(env)
    command(env, "mål")
    view = {**env.slack.views[0], "id": "V0ODD", "state": {"values": {"target": {"value": {"value": 5}}}}}
    payload = {"type": "view_submission", "user": {"id": ANNA_SLACK}, "view": view}
    before = env.snapshot()
    response = post(env, ("payload=" + quote(json.dumps(payload))).encode())
    assert response.status_code == 400 and response.get_json()["error"] == "malformed"
    assert env.store.docs == before


def test_a_submission_with_metadata_that_is_not_ours_is_malformed(env):
    seed(env)
    command(env, "mål")
    view = {**env.slack.views[0], "private_metadata": "not json"}
    response = post(env, submission(view, GOOD_GOAL))
    assert response.status_code == 400 and response.get_json()["error"] == "malformed"


def test_the_reflection_command_opens_its_modal_and_the_submission_counts(env):
    seed(env)
    assert command(env, "reflektera").get_json() == {"ok": True, "opened": True}
    response = post(env, submission(env.slack.views[0], {"challenges": "Svårt att hinna med tester."}))
    assert response.status_code == 200 and response.get_data() == b""
    assert env.store.docs["cycles/anna:2025-Q2"]["reflections"] == 1
