"""The platform's goal events through the services: goals.proposed goes to the side that agrees
(Godkänn / Föreslå ändring), a fourth goal is refused (422 too_many_goals) and bad fields are
named (400), all writing nothing; goals.progress and goals.achieved ask the lead once; events
for someone not onboarded are held and applied when they arrive."""

from __future__ import annotations

import json
import logging

import pytest

from devplan.domain.goals import AGREED, AWAITING, LEAD, PROPOSED
from devplan.domain.metrics import COACHING_SESSIONS
from devplan.errors import InvalidEvent
from devplan.messages.goals import GOAL_AGREE, GOAL_CHANGE
from tests import people
from tests.unit.goal_support import Q2, REACHED, event, give_goals, goal, handle, live_goal, sent, workspace

PROPOSAL = "goal proposal"
SESSIONS = {
    "employeeId": "anna",
    "goalId": "g-sessions",
    "outcome": "Genomföra minst 20 coachingsessioner",
    "metric": "genomförda coachingsessioner",
    "target": 20,
    "unit": "st",
    "source": "coaching_sessions",
    "plan": "Två sessioner i veckan",
    "relevance": "Fler användare får stöd",
    "dueDate": "2025-06-30",
}


def proposed(**changes):
    return event("goals.proposed", {k: v for k, v in {**SESSIONS, **changes}.items() if v is not ...})


def actions(message: dict) -> list[tuple[str, str]]:
    return [(e["action_id"], e["value"]) for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]


def test_a_proposal_goes_to_the_lead_with_godkann_and_foresla_andring():
    store = workspace()
    assert handle(store, proposed()) == ["proposed"]
    new = goal(store, "anna", "g-sessions")
    assert new.status == PROPOSED and new.waiting_for == LEAD and new.quarter == Q2
    assert new.draft.measure is not None and new.draft.measure.source == COACHING_SESSIONS
    [message] = sent(store, PROPOSAL).values()
    assert message["users"] == ["U_BO"]
    assert actions(message) == [(GOAL_AGREE, "anna|g-sessions|2025-Q2"), (GOAL_CHANGE, "anna|g-sessions|2025-Q2")]
    rendered = json.dumps(message["blocks"], ensure_ascii=False)
    assert "Godkänn" in rendered and "Föreslå ändring" in rendered and "coachingsessioner" in rendered
    assert not store.atomically(lambda uow: uow.employee("anna")).goals.is_set  # not set until agreed


def test_a_proposal_by_the_lead_goes_to_the_employee():
    store = workspace()
    assert handle(store, proposed(proposedBy="lead")) == ["proposed"]
    [message] = sent(store, PROPOSAL).values()
    assert message["users"] == ["U_ANNA"] and goal(store, "anna", "g-sessions").waiting_for == "employee"


def test_the_same_proposal_again_is_unchanged_and_a_changed_one_is_sent_anew():
    store = workspace()
    handle(store, proposed())
    assert handle(store, proposed(), proposed(target=20)) == ["unchanged", "unchanged"]
    assert len(sent(store, PROPOSAL)) == 1
    assert handle(store, proposed(target=15)) == ["changed"]
    assert len(sent(store, PROPOSAL)) == 2 and goal(store, "anna", "g-sessions").target == 15


def test_a_fourth_goal_is_refused_with_422_too_many_goals_and_writes_nothing():
    store = workspace()
    handle(store, *(proposed(goalId=f"g{n}") for n in range(3)))
    before = json.dumps(store.docs, default=str, sort_keys=True)
    with pytest.raises(InvalidEvent) as refused:
        handle(store, proposed(goalId="g4"))
    assert (refused.value.status, refused.value.code) == (422, "too_many_goals")
    assert "3 active goals" in str(refused.value)
    assert json.dumps(store.docs, default=str, sort_keys=True) == before  # not even the event's claim


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"target": -5}, "target"),
        ({"target": "20"}, "target must be a whole number"),
        ({"target": 20.0}, "target must be a whole number"),
        ({"target": "²"}, "target must be a whole number"),  # a digit int() cannot read: 400, not 500
        ({"baseline": ""}, "baseline must be a whole number"),
        ({"baseline": 20}, "target must be above the baseline"),
        ({"metric": ...}, "metric"),
        ({"source": ""}, "source must be one of"),
        ({"source": False}, "source must be one of"),
        ({"unit": 5}, "unit must be text"),
        ({"proposedBy": "platform"}, "proposedBy"),
        ({"proposedBy": ""}, "proposedBy"),
        ({"dueDate": "2025-07-01"}, "dueDate must be between 2025-04-08 and 2025-06-30"),
        ({"dueDate": "2025-04-07"}, "dueDate must be between"),
        ({"goalId": "a/b"}, "goalId"),
    ],
)
def test_a_proposal_with_missing_or_nonsensical_fields_is_refused_naming_them(changes, named):
    store = workspace()
    before = json.dumps(store.docs, default=str, sort_keys=True)
    with pytest.raises(InvalidEvent) as refused:
        handle(store, proposed(**changes))
    assert refused.value.code == "invalid_data" and refused.value.status == 400
    assert named in str(refused.value)
    assert json.dumps(store.docs, default=str, sort_keys=True) == before


def test_every_problem_of_a_proposal_is_named_at_once():
    with pytest.raises(InvalidEvent) as refused:
        handle(workspace(), proposed(target=0, plan=" ", dueDate="2026-01-01", proposedBy="x"))
    message = str(refused.value)
    assert all(word in message for word in ("proposedBy", "target", "plan", "dueDate")), message


# --- progress and achievement ----------------------------------------------------------------------


def test_reported_progress_reaching_the_target_asks_the_lead_once():
    store = workspace()
    give_goals(store, "anna", live_goal("g-api", 1, None, unit=""))

    def progress(value, **kwargs):
        return event("goals.progress", {"employeeId": "anna", "goalId": "g-api", "value": value}, **kwargs)

    assert handle(store, progress(0)) == ["progress"]
    assert handle(store, progress(1, event_id="p1")) == ["reached"]
    assert handle(store, progress(1, event_id="p1")) == ["duplicate"]
    assert handle(store, progress(1)) != ["reached"]
    achieved = event("goals.achieved", {"employeeId": "anna", "goalId": "g-api"})
    assert handle(store, achieved) == ["unchanged"]  # awaiting already
    assert goal(store, "anna", "g-api").status == AWAITING and len(sent(store, REACHED)) == 1


def test_goals_achieved_twice_asks_the_lead_once():
    store = workspace()
    give_goals(store, "anna", live_goal("g-api", 1, None))
    data = {"employeeId": "anna", "goalId": "g-api"}
    assert handle(store, event("goals.achieved", data), event("goals.achieved", data)) == ["reached", "unchanged"]
    [request] = sent(store, REACHED).values()
    assert request["users"] == ["U_BO"]


def test_progress_for_a_goal_measured_by_its_live_source_is_ignored(caplog):
    store = workspace()
    give_goals(store, "anna", live_goal("g1", 3, COACHING_SESSIONS))
    with caplog.at_level(logging.WARNING, "devplan"):
        assert handle(store, event("goals.progress", {"employeeId": "anna", "goalId": "g1", "value": 3})) == [
            "measured_by_source"
        ]
    assert "live source coaching_sessions measures it" in caplog.text
    assert goal(store, "anna", "g1").status == AGREED and goal(store, "anna", "g1").progress is None


@pytest.mark.parametrize("value", [-1, 1.0, "3", None, True, 10**12 + 1])
def test_a_progress_value_is_a_whole_number(value):
    with pytest.raises(InvalidEvent):
        handle(workspace(), event("goals.progress", {"employeeId": "anna", "goalId": "g1", "value": value}))


# --- before the employee is onboarded ---------------------------------------------------------------


def test_goal_events_before_the_employee_are_held_and_applied_in_order_when_they_arrive():
    store = workspace()
    nya = {**people.ANNA, "employeeId": "nya", "email": "nya@innerjourney.se", "name": "Nya Nilsson"}
    first = proposed(employeeId="nya", at="2025-04-08T09:00:00+02:00")
    later = event("goals.achieved", {"employeeId": "nya", "goalId": "g-sessions"}, at="2025-04-09T09:00:00+02:00")
    assert handle(store, later, first) == ["held", "held"]
    assert handle(store, event("employee.onboarded", nya)) == ["accepted"]
    assert store.collection("heldEvents") == {}
    assert goal(store, "nya", "g-sessions").status == PROPOSED  # proposed, then an achievement of a proposal: nothing
    [message] = sent(store, PROPOSAL).values()
    assert message["users"] == ["U_BO"]


def test_goals_achieved_again_after_inte_an_either_asks_the_lead_or_changes_nothing():
    from dataclasses import replace

    store = workspace()
    give_goals(store, "anna", live_goal("g-api", 1, None))
    data = {"employeeId": "anna", "goalId": "g-api"}
    handle(store, event("goals.achieved", data))

    def not_yet(uow):
        employee = uow.employee("anna")
        uow.save_employee(replace(employee, goals=employee.goals.not_yet("g-api", Q2)[0]))

    store.atomically(not_yet)
    handle(store, event("goals.achieved", data))  # the platform says so again, a new event
    awaiting = goal(store, "anna", "g-api").status == AWAITING
    # Awaiting the lead with no new request is a goal nobody is asked about.
    assert awaiting == (len(sent(store, REACHED)) == 2)
