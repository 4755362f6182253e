"""Time off from App Home through the real entry point (functions-framework in-process, signed
requests): Ledig opens the modal with the click's trigger, its submission is answered as Slack
reads it (errors under their fields, nothing written; an empty body once booked, once only), and
Avboka cancels the person's own period."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest

from devplan.messages.time_off_form import TIME_OFF_CANCEL, TIME_OFF_FORM, TIME_OFF_OPEN
from tests.unit.entry_support import fixture_bytes
from tests.unit.test_entry_points_http import ANNA_SLACK, BO_SLACK, FORM, post_slack, seed_team
from tests.unit.test_entry_points_slack_forms import submission

JULY = {"from": "2025-07-01", "to": "2025-07-31", "kind": "parental_leave"}


def click(env, action_id: str, value: str, user: str = ANNA_SLACK) -> bytes:
    payload = json.loads(fixture_bytes("slack/block_actions_mark_held.json"))
    payload["user"]["id"] = user
    payload["trigger_id"] = env.slack.issue_trigger()
    payload["actions"][0].update(action_id=action_id, value=value, block_id="home:time-off")
    return ("payload=" + quote(json.dumps(payload))).encode()


def test_ledig_opens_the_modal_and_its_submission_books_the_period_once(env):
    seed_team(env)
    opened = post_slack(env, click(env, TIME_OFF_OPEN, "anna"), FORM)
    assert opened.status_code == 200 and opened.get_json() == {"ok": True, "opened": True}
    (view,) = env.slack.views
    assert view["callback_id"] == TIME_OFF_FORM and json.loads(view["private_metadata"])["employee_id"] == "anna"

    before = env.snapshot()
    refused = post_slack(env, submission(view, {**JULY, "to": "2025-06-30"}), FORM)
    assert refused.status_code == 200
    assert json.loads(refused.get_data()) == {
        "response_action": "errors",
        "errors": {"to": "Slutdatumet kan inte vara före startdatumet."},
    }
    assert env.store.docs == before

    for _ in range(2):  # Slack retries, or the person books the same days again: one period
        kept = post_slack(env, submission(view, JULY), FORM)
        assert kept.status_code == 200 and kept.get_data() == b""  # Slack closes the modal
    [period] = env.store.docs["employees/anna"]["timeOff"]["periods"]
    assert (period["from"], period["to"], period["kind"]) == ("2025-07-01", "2025-07-31", "parental_leave")
    told = [m for k, m in env.store.collection("outbox").items() if k.startswith("reply:time-off:anna:")]
    assert len(told) == 1 and "föräldraledighet" in told[0]["text"]


def test_the_modal_submitted_by_someone_else_writes_nothing(env):
    seed_team(env)
    post_slack(env, click(env, TIME_OFF_OPEN, "anna"), FORM)
    before = env.snapshot()
    refused = post_slack(env, submission(env.slack.views[0], JULY, user=BO_SLACK), FORM)
    assert set(json.loads(refused.get_data())["errors"]) == {"from"}
    assert env.store.docs == before


def test_avboka_on_the_home_cancels_the_persons_own_period(env):
    seed_team(env)
    post_slack(env, click(env, TIME_OFF_OPEN, "anna"), FORM)
    post_slack(env, submission(env.slack.views[0], JULY), FORM)
    value = "anna|slack-2025-07-01-2025-07-31"
    assert post_slack(env, click(env, TIME_OFF_CANCEL, value, BO_SLACK), FORM).get_json()["outcome"] == "not_yours"
    answer = post_slack(env, click(env, TIME_OFF_CANCEL, value), FORM).get_json()
    assert answer["outcome"] == "cancelled" and "avbokad" in answer["text"]
    cancelled = env.store.docs["employees/anna"]["timeOff"]["cancelled"]
    assert [c["id"] for c in cancelled] == ["slack-2025-07-01-2025-07-31"]


def raw_submission(view: dict, state: dict) -> bytes:
    """A submission with the element states as given (not as Slack would build them)."""
    payload = {"type": "view_submission", "user": {"id": ANNA_SLACK}, "view": {**view, "id": "V0RAW", "state": state}}
    return ("payload=" + quote(json.dumps(payload))).encode()


def picked(day: str) -> dict:
    return {"value": {"type": "datepicker", "selected_date": day}}


@pytest.mark.parametrize(
    "forged",
    [
        {"from": {"value": {"type": "plain_text_input", "value": "2025-07-01"}}},  # typed where a datepicker is
        {"kind": {"value": {"type": "datepicker", "selected_date": "2025-07-01"}}},  # a date where the select is
        {"kind": None},  # a block of the modal missing
    ],
)
def test_a_submission_slack_would_never_send_is_refused_as_malformed_and_writes_nothing(env, forged):
    seed_team(env)
    post_slack(env, click(env, TIME_OFF_OPEN, "anna"), FORM)
    (view,) = env.slack.views
    kind = {"value": {"type": "static_select", "selected_option": {"value": "vacation"}}}
    state = {"from": picked("2025-07-01"), "to": picked("2025-07-31"), "kind": kind, **forged}
    before = env.snapshot()
    refused = post_slack(env, raw_submission(view, {"values": {k: v for k, v in state.items() if v}}), FORM)
    assert refused.status_code == 400 and refused.get_json()["error"]
    assert env.store.docs == before
