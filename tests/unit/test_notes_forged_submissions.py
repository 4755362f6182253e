"""A notes modal submission Slack would never send is refused as malformed (400) and writes
nothing: Slack sends every input block of the modal (an empty one as None), so a submission
without them is not Slack's and must not clear the saved notes; the day in the modal's metadata
(the held click's) is a day the quarter's notes can be written, never a forged far one."""

import json
from urllib.parse import quote

import pytest

from tests.unit.test_entry_points_http import BO_SLACK, FORM, invite_anna_to_q2, post_slack, seed_team
from tests.unit.test_entry_points_notes_and_time_off import held_click
from tests.unit.test_entry_points_slack_forms import submission


@pytest.fixture
def view(env):
    """Bo marked Anna's 2025-Q2 1:1 held (on 2025-04-08) and wrote its notes; the modal again."""
    seed_team(env)
    invite_anna_to_q2(env)
    assert post_slack(env, held_click(env), FORM).get_json()["notes"] == "opened"
    (opened,) = env.slack.views
    kept = post_slack(env, submission(opened, {"actions": "Boka kurs", "notes": "Bra"}, user=BO_SLACK), FORM)
    assert kept.status_code == 200 and env.store.docs["cycles/anna:2025-Q2"]["notes"]["text"] == "Bra"
    return opened


def with_day(view: dict, on: str) -> dict:
    metadata = {**json.loads(view["private_metadata"]), "on": on}
    return {**view, "private_metadata": json.dumps(metadata)}


def test_a_submission_without_the_modals_fields_is_malformed_and_clears_nothing(env, view):
    forged = {**view, "id": "V0FORGED", "state": {"values": {}}}  # the stand-in, as Slack, sends every block
    payload = {"type": "view_submission", "user": {"id": BO_SLACK}, "view": forged}
    before = env.snapshot()
    response = post_slack(env, ("payload=" + quote(json.dumps(payload))).encode(), FORM)
    assert response.status_code == 400 and response.get_json()["error"] == "malformed"
    assert env.snapshot() == before


@pytest.mark.parametrize("on", ["2100-12-31", "2025-03-31", "2026-01-01", "2000-01-01"])
def test_a_forged_day_in_the_metadata_is_malformed_and_writes_nothing(env, view, on):
    before = env.snapshot()
    written = submission(with_day(view, on), {"actions": "Boka kurs", "notes": "Ny"}, user=BO_SLACK)
    response = post_slack(env, written, FORM)
    assert response.status_code == 400 and response.get_json()["error"] == "malformed"
    assert env.snapshot() == before


@pytest.mark.parametrize("on", ["2025-04-01", "2025-06-30", "2025-07-15"])  # the quarter, or the next before it opens
def test_the_notes_are_dated_the_day_in_the_metadata_when_it_is_one_they_can_be_written(env, view, on):
    written = submission(with_day(view, on), {"actions": "Boka kurs", "notes": "Ny"}, user=BO_SLACK)
    response = post_slack(env, written, FORM)
    assert response.status_code == 200
    assert env.store.docs["cycles/anna:2025-Q2"]["notes"]["writtenOn"] == on
