"""The shapes the modal and goal routes read, checked in decoding: a command's text and
trigger_id, a click's trigger_id, a view_submission's view.id, private_metadata and every
element state in view.state.values. Anything Slack would never send is a 400, nothing written."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest

from tests.unit.entry_support import client, fixture_bytes, slack_headers

FORM = "application/x-www-form-urlencoded"
CLICK = json.loads(fixture_bytes("slack/block_actions_mark_held.json"))
VIEW = {
    "id": "V0FORM",
    "callback_id": "goal_form",
    "private_metadata": '{"employee_id": "anna", "by": "employee", "on": "2025-04-08"}',
    "state": {"values": {"outcome": {"value": {"type": "plain_text_input", "value": "Ett mål"}}}},
}


def submission(**view_changes) -> bytes:
    payload = {"type": "view_submission", "user": {"id": "U07L2ANNA"}, "view": {**VIEW, **view_changes}}
    return urlencode({"payload": json.dumps(payload)}).encode()


def state(element: dict) -> dict:
    return {"values": {"target": {"value": element}}}


@pytest.mark.parametrize(
    "body",
    [
        urlencode({"command": "/utveckling", "user_id": "U07L2ANNA", "trigger_id": "has spaces"}).encode(),
        urlencode({"command": "/utveckling", "user_id": "U07L2ANNA", "text": "x" * 2001}).encode(),
        urlencode({"payload": json.dumps({**CLICK, "trigger_id": 12})}).encode(),
        urlencode({"payload": json.dumps({**CLICK, "trigger_id": "x" * 300})}).encode(),
        submission(id=None),
        submission(id="not-a-view-id"),
        submission(private_metadata=["x"]),
        submission(private_metadata="x" * 3001),
        submission(state=None),
        submission(state={"values": []}),
        submission(state={"values": {"target": {"a": {"value": "1"}, "b": {"value": "2"}}}}),
        submission(state={"values": {"target": "20"}}),
        submission(state=state({"type": "plain_text_input", "value": 20})),
        submission(state=state({"type": "plain_text_input", "value": "x" * 3001})),
        submission(state=state({"type": "static_select", "selected_option": {"value": 3}})),
        submission(state=state({"type": "static_select", "selected_option": "coaching_sessions"})),
        submission(state=state({"type": "checkboxes", "selected_options": "g1"})),
        submission(state=state({"type": "checkboxes", "selected_options": [{"text": "no value"}]})),
        submission(state=state({"type": "datepicker", "selected_date": 20250630})),
    ],
)
def test_shapes_the_form_routes_would_trip_over_are_refused_in_decoding(env, body):
    before = env.snapshot()
    response = client("slack_events").post("/", data=body, headers=slack_headers(body, env.now, FORM))
    assert response.status_code == 400 and response.get_json()["error"] == "malformed"
    assert env.store.docs == before


@pytest.mark.parametrize(
    "element",
    [
        {"type": "plain_text_input", "value": None},
        {"type": "static_select", "selected_option": None},
        {"type": "checkboxes", "selected_options": []},
        {"type": "datepicker", "selected_date": None},
    ],
)
def test_an_empty_field_as_slack_sends_it_is_accepted_by_the_decoder(env, element):
    """Decoded and routed: Anna is not known, so the modal says so under a field (no 400)."""
    body = submission(state=state(element))
    response = client("slack_events").post("/", data=body, headers=slack_headers(body, env.now, FORM))
    assert response.status_code == 200 and json.loads(response.get_data())["response_action"] == "errors"
