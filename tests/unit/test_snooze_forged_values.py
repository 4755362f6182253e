""" "Inte nu" values Slack would never send (messages/why.snooze_value writes the employee, the
quarter and the reminder's key, "reflection-nudge:" and a day of that quarter) are refused as
malformed, 400, before anything is read or written: no dead letter, no cycle record of year 0."""

import json
from urllib.parse import quote

import pytest

from devplan.messages.why import SNOOZE_ACTION
from tests.unit.entry_support import client, slack_headers
from tests.unit.test_entry_points_http import ANNA_SLACK, seed_team

FORGED = [
    "anna|2025-Q2|reflection-nudge:a/b",
    "anna|2025-Q2|reflection-nudge:",
    "anna|2025-Q2|reflection-nudge:2025-02-30",
    "anna|2025-Q2|reflection-nudge:20250610",
    "anna|2025-Q2|reflection-nudge:2025-09-10",  # a day of another quarter
    "anna|2025-Q2|reflection-nudge:2025-06-10|x",
    "anna|0000-Q1|reflection-nudge:2025-06-10",
    "anna|9999-Q4|reflection-nudge:2025-06-10",
    "anna|9999-Q4|reflection-nudge:9999-12-10",
    "anna/x|2025-Q2|reflection-nudge:2025-06-10",
    "|2025-Q2|reflection-nudge:2025-06-10",
]


def click(env, value: str):
    action = {"action_id": SNOOZE_ACTION, "value": value, "type": "button", "action_ts": "1749549600.000000"}
    payload = {"type": "block_actions", "user": {"id": ANNA_SLACK}, "actions": [action], "trigger_id": "1.2.x"}
    body = ("payload=" + quote(json.dumps(payload))).encode()
    headers = slack_headers(body, env.now, "application/x-www-form-urlencoded")
    return client("slack_events").post("/", data=body, headers=headers)


@pytest.mark.parametrize("value", FORGED)
def test_a_forged_inte_nu_value_is_malformed_and_writes_nothing(env, value):
    seed_team(env)
    before = env.snapshot()
    response = click(env, value)
    assert response.status_code == 400 and response.get_json()["error"] == "malformed", response.get_json()
    assert env.snapshot() == before


def test_the_value_slack_sends_is_taken(env):
    seed_team(env)
    response = click(env, "anna|2025-Q2|reflection-nudge:2025-06-10")
    assert response.status_code == 200 and response.get_json()["outcome"] == "snoozed"
    assert env.store.docs["cycles/anna:2025-Q2"]["snoozes"][0]["reminderKey"] == "reflection-nudge:2025-06-10"
