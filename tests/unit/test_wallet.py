"""The training wallet: the budget's edge (exactly what is left vs one krona over), the lead's
Godkänn ökning / Avslå by the lead only (the person themself and others refused), a project
lead's own over-budget request refused for want of another approver, the year change, the same
request twice counted once, and amounts refused before anything is written."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from devplan.domain.wallet import NO_OTHER_APPROVER, RECORDED, TrainingRequest, Wallet
from devplan.errors import InvalidEvent
from devplan.messages.wallet import WALLET_APPROVE, WALLET_REFUSE
from devplan.services import platform_events
from tests.unit.goal_support import event
from tests.unit.slack_forms_support import ANNA_SLACK, BO_SLACK, MAJA_SLACK, Team

DAY = date(2025, 4, 8)
WALLET = "employees/anna/wallets/2025"


def requested(request_id: str, cost: Any, *, who: str = "anna", at: str = "2025-04-08T09:00:00+02:00", **more: Any):
    data = {
        "employeeId": who,
        "requestId": request_id,
        "course": f"Kurs {request_id}",
        "provider": "Kurs AB",
        "costSek": cost,
        "requestedAt": at,
        **more,
    }
    return event("training.requested", data)


def send(team: Team, *events) -> list[str]:
    return [platform_events.handle(e, team.store) for e in events]


def requests(team: Team, path: str = WALLET) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in (team.store.docs.get(path) or {}).get("requests", [])}


def audit(team: Team) -> dict[str, dict[str, Any]]:
    return team.store.collection("audit")


# --- the rule, pure -------------------------------------------------------------------------------


def _request(request_id: str, cost: int) -> TrainingRequest:
    return TrainingRequest(request_id, "Kurs", "AB", cost, datetime(2025, 4, 8, tzinfo=UTC))


def test_exactly_what_is_left_is_recorded_and_one_krona_over_waits_for_the_lead():
    wallet, outcome = Wallet.opened("anna", 2025, None).request(_request("r1", 4200), has_approver=True)
    assert outcome == RECORDED and wallet.left_sek == 800
    exact, outcome = wallet.request(_request("r2", 800), has_approver=True)
    assert outcome == RECORDED and exact.left_sek == 0
    over, outcome = wallet.request(_request("r2", 801), has_approver=True)
    assert outcome == "pending" and over.left_sek == 800 and over.used_sek == 4200
    approved, outcome = over.approve("r2", "bo", datetime(2025, 4, 9, tzinfo=UTC))
    assert outcome == "approved" and approved.budget_sek == 5001 and approved.left_sek == 0
    assert approved.requests["r2"].raised_sek == 1
    assert approved.approve("r2", "bo", datetime(2025, 4, 9, tzinfo=UTC))[1] == "already_recorded"


def test_a_person_without_a_lead_is_refused_over_the_budget_with_the_reason():
    wallet, outcome = Wallet.opened("bo", 2025, 1000).request(_request("r1", 1001), has_approver=False)
    assert outcome == "refused" and wallet.requests["r1"].why == NO_OTHER_APPROVER and wallet.left_sek == 1000


# --- through the webhook's service ----------------------------------------------------------------


def test_a_request_within_the_budget_is_recorded_and_the_person_told_what_is_left():
    team = Team()
    assert send(team, requested("r1", 4200)) == ["recorded"]
    assert requests(team)["r1"]["status"] == "recorded"
    (told,) = team.outbox("wallet:anna:r1:recorded").values()
    assert told["users"] == [ANNA_SLACK] and "Kvar i år: 800\u00a0kr" in told["text"]
    (entry,) = audit(team).values()
    assert entry["kind"] == "wallet" and entry["detail"]["leftSek"] == 800


def test_the_same_request_twice_counts_once():
    team = Team()
    first = requested("r1", 3000)
    again = requested("r1", 3000)  # another event id, the same request
    assert send(team, first, first, again) == ["recorded", "duplicate", "duplicate"]
    assert team.store.docs[WALLET]["usedSek"] == 3000 and len(audit(team)) == 1


def test_one_krona_over_goes_to_the_lead_and_only_the_lead_approves_the_increase():
    team = Team()
    send(team, requested("r1", 4200))
    assert send(team, requested("r2", 801)) == ["over_budget"]
    ref = team.button("wallet:anna:r2:ask-lead", WALLET_APPROVE)
    before = team.snapshot()[WALLET]
    own = team.click(ANNA_SLACK, WALLET_APPROVE, ref, DAY)
    other = team.click(MAJA_SLACK, WALLET_APPROVE, ref, DAY)
    assert own["outcome"] == "own_request" and other["outcome"] == "not_yours"
    assert "Bo Joel Kvarnsmyr" in other["text"] and team.store.docs[WALLET] == before
    assert team.click(BO_SLACK, WALLET_APPROVE, ref, DAY)["outcome"] == "approved"
    assert team.click(BO_SLACK, WALLET_REFUSE, ref, DAY)["outcome"] == "already_recorded"
    doc = team.store.docs[WALLET]
    assert doc["budgetSek"] == 5001 and doc["usedSek"] == 5001 and requests(team)["r2"]["raisedSek"] == 1
    (told,) = team.outbox("wallet:anna:r2:approved").values()
    assert "1\u00a0kr" in told["text"] and "Kvar i år: 0\u00a0kr" in told["text"]
    decision = audit(team)["training-decision:anna:r2"]
    assert decision["kind"] == "approval" and decision["actorId"] == "bo"


def test_the_lead_refuses_and_the_person_is_told():
    team = Team()
    send(team, requested("r1", 6000))
    ref = team.button("wallet:anna:r1:ask-lead", WALLET_REFUSE)
    assert team.click(BO_SLACK, WALLET_REFUSE, ref, DAY)["outcome"] == "refused"
    assert requests(team)["r1"]["status"] == "refused" and team.store.docs[WALLET]["usedSek"] == 0
    assert team.outbox("wallet:anna:r1:refused")
    assert audit(team)["training-decision:anna:r1"]["kind"] == "refusal"


def test_a_project_leads_own_request_over_the_budget_is_refused_for_another_approver():
    team = Team()
    assert send(team, requested("r1", 5001, who="bo")) == ["refused"]
    (told,) = team.outbox("wallet:bo:r1:refused").values()
    assert "annan godkännare" in told["text"]
    assert audit(team)["training-request:bo:r1"]["why"] == NO_OTHER_APPROVER


def test_a_new_year_starts_a_new_wallet_in_stockholm_time():
    team = Team()
    # 23:30 UTC on New Year's Eve is already the new year in Stockholm; 23:30 there is not
    new_year = requested("r1", 5000, at="2025-12-31T23:30:00+00:00")
    send(team, new_year, requested("r2", 5000, at="2025-12-31T23:30:00+01:00"))
    assert requests(team, "employees/anna/wallets/2026")["r1"]["status"] == "recorded"
    assert requests(team, "employees/anna/wallets/2025")["r2"]["status"] == "recorded"


def test_a_budget_the_lead_changed_is_the_persons_budget():
    team = Team()
    team.store.docs["employees/anna"]["trainingBudgetSek"] = 8000
    assert send(team, requested("r1", 8000)) == ["recorded"]


@pytest.mark.parametrize(
    "cost, more",
    [(-100, {}), (0, {}), (1_000_001, {}), (4200.0, {}), ("4200", {}), (True, {}), (4200, {"currency": "EUR"})],
)
def test_negative_zero_absurd_decimal_or_foreign_amounts_are_refused_and_nothing_is_written(cost, more):
    team = Team()
    before = team.snapshot()
    with pytest.raises(InvalidEvent) as refused:
        send(team, requested("r1", cost, **more))
    assert refused.value.status == 400 and team.store.docs == before


def test_a_goal_link_must_name_one_of_the_persons_goals():
    team = Team()
    with pytest.raises(InvalidEvent):
        send(team, requested("r1", 100, goalId="not-hers"))
    assert WALLET not in team.store.docs
