"""The review's cases for advancement and money (each failed before its fix): a coach without a
lead never certifies themself, Godkänn re-checks the criteria, a grant counts as its newest state
says, the lead approves no more than they were shown, an application for someone not onboarded
yet is held."""

from datetime import date

from devplan.domain.metrics import COACHING_SESSIONS, FUNDING_SEK
from devplan.messages.wallet import WALLET_APPROVE
from devplan.services import senior_coach
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
