"""The review's cases for advancement and money (each failed before its fix): a coach without a
lead never certifies themself, Godkänn re-checks the criteria, a grant counts as its newest state
says, the lead approves no more than they were shown, an application for someone not onboarded
yet is held."""

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from devplan.domain.advancement import SENIOR_COACH
from devplan.domain.employees import Employee
from devplan.domain.metrics import COACHING_SESSIONS, FUNDING_SEK
from devplan.errors import UnusableRecord
from devplan.messages.wallet import WALLET_APPROVE
from devplan.services import senior_coach, supervision
from tests.unit.goal_support import cancelled, completed, handle, person, sent, workspace
from tests.unit.slack_forms_support import BO_SLACK, Team
from tests.unit.test_funding import handle as handle_funding
from tests.unit.test_funding import update
from tests.unit.test_wallet import DAY, WALLET, requested, requests, send

JULY_15 = date(2025, 7, 15)


def test_a_coach_without_a_lead_is_never_asked_and_cannot_certify_themself():
    store = workspace()
    store.set("employees/cecilia", person("Cecilia Coach", "c@innerjourney.se", "coach", None, "U_CEC"))
    handle(store, *(completed(f"c{i}", coach="cecilia", day="2025-07-10") for i in range(20)))
    assert not any("U_CEC" in v["users"] for v in sent(store, "senior coach").values())
    answer = senior_coach.approve(store, senior_coach.read_click("cecilia|first", "U_CEC", JULY_15))
    assert answer["outcome"] == "unknown_coach"
    assert store.atomically(lambda uow: uow.employee("cecilia")).level is None
    assert not [k for k in store.collection("outbox") if "recognition" in k]


def test_godkann_after_a_cancellation_took_the_coach_under_the_criteria_changes_nothing():
    store = workspace()
    handle(store, *(completed(f"s{i}", day="2025-07-10") for i in range(20)))
    handle(store, cancelled("s3"))
    assert store.atomically(lambda uow: uow.tally("anna", COACHING_SESSIONS)).count() == 19
    answer = senior_coach.approve(store, senior_coach.read_click("anna|first", "U_BO", JULY_15))
    assert answer["outcome"] == "not_eligible"
    assert store.atomically(lambda uow: uow.employee("anna")).level is None
    assert not [k for k in store.collection("outbox") if "recognition" in k]


def test_a_grant_counts_as_its_newest_state_says_in_any_order():
    totals = []
    for order in (0, 1):
        store = workspace()
        first, then = update("granted", "06-10", grantedSek=400000), update("granted", "06-12", grantedSek=465865)
        handle_funding(store, *((first, then) if order == 0 else (then, first)))
        totals.append(store.atomically(lambda uow: uow.tally("erik", FUNDING_SEK)).total())
    assert totals == [465865, 465865]
    store = workspace()
    handle_funding(store, update("granted", "06-10"), update("rejected", "06-12"))
    assert store.atomically(lambda uow: uow.tally("erik", FUNDING_SEK)).total() == 0


def test_the_lead_approves_no_larger_increase_than_they_were_shown():
    team = Team()
    send(team, requested("r1", 6000))  # 1 000 kr over: the lead is asked for 1 000
    send(team, requested("r2", 3000))  # recorded within what was left: r1 now needs 4 000
    ref = team.button("wallet:anna:r1:ask-lead", WALLET_APPROVE)
    assert team.click(BO_SLACK, WALLET_APPROVE, ref, DAY)["outcome"] == "needs_more"
    assert requests(team)["r1"]["status"] == "pending" and team.store.docs[WALLET].get("budgetSek", 5000) == 5000
    again = team.button("wallet:anna:r1:ask-lead:4000", WALLET_APPROVE)  # the new question, new numbers
    assert team.click(BO_SLACK, WALLET_APPROVE, again, DAY)["outcome"] == "approved"
    assert requests(team)["r1"]["raisedSek"] == 4000


def test_an_application_for_someone_not_onboarded_yet_is_held():
    store = workspace()
    assert handle_funding(store, update("granted", "06-10", employeeId="nils")) == ["held"]
    assert [k for k in store.docs if k.startswith("heldEvents/")]


def test_the_senior_coach_audit_entry_carries_the_time_of_the_click():
    store = workspace()
    handle(store, *(completed(f"s{i}", day="2025-07-10") for i in range(20)))
    clicked = datetime(2025, 7, 15, 12, 30, tzinfo=UTC)
    click = senior_coach.read_click("anna|first", "U_BO", JULY_15, at=clicked)
    assert senior_coach.approve(store, click)["outcome"] == "approved"
    (entry,) = [e for e in store.audit_of("anna") if e.action == "senior_coach_approved"]
    assert entry.at == clicked and entry.actor_id == "bo"


def test_a_coach_who_became_senior_no_longer_counts_toward_a_supervisors_load():
    def coach(employee_id: str, **fields: object) -> Employee:
        base = Employee(employee_id, employee_id.title(), f"{employee_id}@x.se", "coach", "bo", date(2025, 1, 7))
        return replace(base, **fields)

    sara, tove = coach("sara", level=SENIOR_COACH), coach("tove", level=SENIOR_COACH)
    grown = [coach(f"z{n}", level=SENIOR_COACH, supervisor_id="sara") for n in range(3)]  # Senior since
    learning = coach("leo", supervisor_id="tove")
    new = coach("nina")
    assert supervision.least_loaded([sara, tove, *grown, learning, new], new) == sara


def test_a_training_budget_that_is_not_whole_kronor_makes_the_record_unusable():
    store = workspace()
    store.docs["employees/anna"]["trainingBudgetSek"] = "5000"
    with pytest.raises(UnusableRecord):
        store.employee("anna")
