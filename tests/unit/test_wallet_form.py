"""The training request in Slack: `/utveckling kurs` opens the modal with what is left; a cost that
is not whole kronor is named under its field and nothing is written; a good request is handled
like the platform's (recorded and told, or to the lead), once however often the modal is sent."""

from __future__ import annotations

import pytest

from devplan.services.slack_routes import ViewAnswer
from devplan.services.wallet_forms import kronor
from tests.unit.slack_forms_support import ANNA_SLACK, MAJA_SLACK, Team

WALLET = "employees/anna/wallets/2025"
COURSE = {"course": "Kubernetes för utvecklare", "provider": "Kurs AB", "cost": "4 200"}


def opened(team: Team, user: str = ANNA_SLACK) -> dict:
    assert team.command(user, "kurs") == {"opened": True}
    return team.last_view()


def test_the_modal_shows_what_is_left_and_a_good_request_is_recorded_once():
    team = Team()
    view = opened(team)
    assert view["callback_id"] == "wallet_form" and "5\u00a0000\u00a0kr" in view["blocks"][0]["text"]["text"]
    view["id"] = "V0WALLET1"
    assert team.submit(ANNA_SLACK, COURSE, view) == ViewAnswer({})
    assert team.submit(ANNA_SLACK, COURSE, view) == ViewAnswer({})  # the same modal again
    doc = team.store.docs[WALLET]
    assert doc["usedSek"] == 4200 and [r["id"] for r in doc["requests"]] == ["slack-v0wallet1"]
    (told,) = team.outbox("wallet:anna:slack-v0wallet1:recorded").values()
    assert "Kvar i år: 800\u00a0kr" in told["text"]
    assert "kvar: 800\u00a0kr" in opened(team)["blocks"][0]["text"]["text"]  # the next modal shows it


def test_an_over_budget_request_from_slack_goes_to_the_lead():
    team = Team()
    view = opened(team)
    team.submit(ANNA_SLACK, {**COURSE, "cost": "6000"}, view)
    assert team.store.docs[WALLET]["usedSek"] == 0
    assert any(key.endswith(":ask-lead") for key in team.outbox("wallet:anna:"))


@pytest.mark.parametrize("cost", ["-100", "0", "4200.50", "4 200 kr", "1000001", "fyra tusen", ""])
def test_a_cost_that_is_not_whole_kronor_is_named_and_nothing_is_written(cost):
    team = Team()
    answer = team.submit(ANNA_SLACK, {**COURSE, "cost": cost}, opened(team))
    assert answer["response_action"] == "errors" and set(answer["errors"]) == {"cost"}
    assert WALLET not in team.store.docs


def test_someone_elses_modal_is_refused():
    team = Team()
    answer = team.submit(MAJA_SLACK, COURSE, opened(team))
    assert answer["response_action"] == "errors" and WALLET not in team.store.docs


def test_kronor_are_whole_and_may_be_grouped():
    assert [kronor(v) for v in ("4200", "4 200", "4\u00a0200", " 12 ")] == [4200, 4200, 4200, 12]
    assert [kronor(v) for v in ("4,200", "4.200", "4200.0", None, 4200)] == [None] * 5
