"""Goals and reflections through Slack, service by service with the fakes: the goal modal and its
checks (nothing written on errors), agreement by the right side only, the confirmation that
celebrates once, the perk, Inte än, and the reflection modal that counts for the quarter."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest

from devplan.domain.calendar import Quarter
from devplan.messages.catalog import text
from devplan.messages.cycle import MARK_HELD_ACTION
from devplan.messages.goals import (
    GOAL_AGREE,
    GOAL_CHANGE,
    GOAL_CONFIRM,
    GOAL_NOT_YET,
    GOAL_PERK,
    OPEN_GOAL_FORM,
    OPEN_REFLECTION_FORM,
)
from devplan.services.slack_routes import ViewAnswer
from tests.unit.slack_forms_support import ANNA_SLACK, BO_SLACK, GOOD_GOAL, MAJA_SLACK, Team

DAY = date(2025, 4, 8)
Q2 = Quarter.parse("2025-Q2")


def propose(team: Team, values: dict | None = None, user: str = ANNA_SLACK) -> ViewAnswer:
    opened = team.command(user, "mål")
    assert opened == {"opened": True}
    answer = team.submit(user, values or GOOD_GOAL)
    assert isinstance(answer, ViewAnswer)
    return answer


def reach_target(team: Team, goal_id: str, value: int = 20) -> None:
    """The live source moved the goal to its target (services/metrics does this on events)."""

    def work(uow):
        anna = uow.employee("anna")
        plan, outcome = anna.goals.with_progress(goal_id, Q2, value, DAY)
        assert outcome == "reached"
        uow.save_employee(replace(anna, goals=plan))

    team.store.atomically(work)


def agreed_goal(team: Team) -> str:
    propose(team)
    ref = team.button("goal-proposal:anna:", GOAL_AGREE)
    assert team.click(BO_SLACK, GOAL_AGREE, ref, DAY)["outcome"] == "agreed"
    return ref


# --- the goal modal -------------------------------------------------------------------------------


def test_the_goal_modal_opens_with_the_smart_fields_and_the_proposal_goes_to_the_lead():
    team = Team()
    assert propose(team) == {}  # an empty body: Slack closes the modal
    view = team.slack.views[0]
    blocks = {b.get("block_id") for b in view["blocks"] if b["type"] == "input"}
    assert blocks == {"outcome", "metric", "baseline", "target", "unit", "source", "plan", "relevance", "due"}
    assert json.loads(view["private_metadata"]) == {
        "employee_id": "anna",
        "by": "employee",
        "on": "2025-04-08",
        "goal_id": "",
    }
    (goal,) = team.goals()
    assert (goal["status"], goal["quarter"], goal["proposedBy"]) == ("proposed", "2025-Q2", "employee")
    assert goal["measure"] == {
        "metric": "genomförda coachingsessioner",
        "target": 20,
        "baseline": 0,
        "unit": "st",
        "source": "coaching_sessions",
    }
    (proposal,) = team.outbox("goal-proposal:anna:").values()
    assert proposal["users"] == [BO_SLACK] and "Genomföra minst 20 coachingsessioner" in proposal["text"]
    assert "cycles/anna:2025-Q2" not in team.store.docs  # proposed is not set: the revision is not done


@pytest.mark.parametrize(
    "change, errors",
    [
        ({"metric": None}, {"metric": "goal_form.errors.metric_missing"}),
        ({"target": "-5"}, {"target": "goal_form.errors.target_invalid"}),
        ({"target": "tjugo"}, {"target": "goal_form.errors.target_invalid"}),
        ({"baseline": "30"}, {"target": "goal_form.errors.target_not_above_baseline"}),
        (
            {"outcome": None, "plan": None, "relevance": None},
            {
                "outcome": "goal_form.errors.outcome_missing",
                "plan": "goal_form.errors.plan_missing",
                "relevance": "goal_form.errors.relevance_missing",
            },
        ),
        ({"due": None}, {"due": "goal_form.errors.due_missing"}),
    ],
)
def test_missing_or_nonsensical_fields_are_named_in_the_modal_and_nothing_is_written(change, errors):
    team = Team()
    team.command(ANNA_SLACK, "mål")
    before = team.snapshot()
    answer = team.submit(ANNA_SLACK, {**GOOD_GOAL, **change})
    assert answer["response_action"] == "errors"
    assert answer["errors"] == {field: text("sv", key) for field, key in errors.items()}
    assert team.store.docs == before


def test_a_due_date_outside_the_quarter_says_which_dates_are_allowed():
    team = Team()
    team.command(ANNA_SLACK, "mål")
    before = team.snapshot()
    answer = team.submit(ANNA_SLACK, {**GOOD_GOAL, "due": "2025-07-15"})
    assert list(answer["errors"]) == ["due"]
    assert "8 april 2025" in answer["errors"]["due"] and "30 juni 2025" in answer["errors"]["due"]
    assert team.store.docs == before


def test_a_fourth_active_goal_is_refused_in_the_modal():
    team = Team()
    for n in range(3):
        propose(team, {**GOOD_GOAL, "outcome": f"Mål nummer {n + 1}"})
    assert len(team.goals()) == 3
    team.command(ANNA_SLACK, "mål")
    before = team.snapshot()
    answer = team.submit(ANNA_SLACK, {**GOOD_GOAL, "outcome": "Ett fjärde mål"})
    assert answer["errors"] == {"outcome": text("sv", "goal_form.errors.too_many", quarter="Q2 2025")}
    assert team.store.docs == before


def test_the_same_modal_submitted_twice_is_one_goal_and_one_proposal():
    team = Team()
    team.command(ANNA_SLACK, "mål")
    view = {**team.last_view(), "id": "V0TWICE"}
    assert team.submit(ANNA_SLACK, GOOD_GOAL, view) == {}
    assert team.submit(ANNA_SLACK, GOOD_GOAL, view) == {}
    assert len(team.goals()) == 1 and len(team.outbox("goal-proposal:")) == 1


def test_someone_else_cannot_submit_a_goal_for_anna():
    team = Team()
    team.command(ANNA_SLACK, "mål")
    before = team.snapshot()
    answer = team.submit(MAJA_SLACK, GOOD_GOAL)  # Maja's user with Anna's form (metadata names Anna)
    assert list(answer["errors"]) == ["outcome"] and "Anna Lindqvist" in answer["errors"]["outcome"]
    assert team.store.docs == before


def test_a_project_lead_without_a_lead_sets_their_own_goal_at_once():
    team = Team()
    propose(team, user=BO_SLACK)
    (goal,) = team.goals("bo")
    assert goal["status"] == "agreed" and team.store.docs["cycles/bo:2025-Q2"]["revision"]["done"] is True
    assert not team.outbox("goal-proposal:")


def test_the_welcome_button_and_the_reflection_button_open_their_modals():
    team = Team()
    assert team.click(ANNA_SLACK, OPEN_GOAL_FORM, None, DAY) == {"opened": True}
    assert team.click(ANNA_SLACK, OPEN_REFLECTION_FORM, None, DAY) == {"opened": True}
    assert [v["callback_id"] for v in team.slack.views] == ["goal_form", "reflection_form"]


def test_a_lead_opening_the_form_for_someone_they_lead_proposes_for_them():
    team = Team()
    team.click(BO_SLACK, OPEN_GOAL_FORM, "anna", DAY)
    assert json.loads(team.last_view()["private_metadata"])["by"] == "lead"
    assert team.submit(BO_SLACK, GOOD_GOAL) == {}
    (goal,) = team.goals()
    assert goal["proposedBy"] == "lead"
    assert [m["users"] for m in team.outbox("goal-proposal:anna:").values()] == [[ANNA_SLACK]]


def test_an_expired_trigger_is_answered_politely_and_nothing_is_written():
    team = Team()
    before = team.snapshot()
    payload = {"command": "/utveckling", "user_id": ANNA_SLACK, "text": "mål", "trigger_id": "1.2.expired"}
    from devplan.services.inputs import SlackRequest
    from devplan.services.slack_routes import route

    answer = route(SlackRequest("command", "/utveckling", ANNA_SLACK, payload), team.table)
    assert answer["opened"] is False and answer["text"] == text("sv", "slack_answers.form_failed")
    assert team.store.docs == before


def test_an_unknown_subcommand_gets_the_catalogs_answer():
    team = Team()
    assert team.command(ANNA_SLACK, "hjälp")["text"] == text("sv", "slack_answers.unknown_command")
    assert team.command(ANNA_SLACK, "")["response_type"] == "ephemeral"  # the status, as before


# --- agreement ------------------------------------------------------------------------------------


def test_only_the_lead_agrees_to_the_employees_proposal():
    team = Team()
    propose(team)
    ref = team.button("goal-proposal:anna:", GOAL_AGREE)
    before = team.snapshot()["employees/anna"]
    for user in (MAJA_SLACK, ANNA_SLACK):  # someone else, and the proposer herself
        answer = team.click(user, GOAL_AGREE, ref, DAY)
        assert answer["outcome"] == "not_yours" and "Bo Joel Kvarnsmyr" in answer["text"]
        assert team.store.docs["employees/anna"] == before
    assert sorted(m["users"][0] for m in team.outbox("reply:agree:").values()) == [ANNA_SLACK, MAJA_SLACK]
    assert team.click(BO_SLACK, GOAL_AGREE, ref, DAY)["outcome"] == "agreed"
    (goal,) = team.goals()
    assert goal["status"] == "agreed" and goal["agreedOn"] == "2025-04-08"
    assert team.store.docs["cycles/anna:2025-Q2"]["revision"]["done"] is True
    assert [m["users"] for m in team.outbox("goal-agreed:").values()] == [[ANNA_SLACK]]
    assert team.click(BO_SLACK, GOAL_AGREE, ref, DAY)["outcome"] == "already_agreed"
    assert len(team.outbox("goal-agreed:")) == 1


def test_the_lead_suggests_a_change_and_the_employee_agrees_to_it():
    team = Team()
    propose(team)
    ref = team.button("goal-proposal:anna:", GOAL_CHANGE)
    assert team.click(MAJA_SLACK, GOAL_CHANGE, ref, DAY)["opened"] is False  # not Maja's to change
    assert team.click(BO_SLACK, GOAL_CHANGE, ref, DAY) == {"opened": True}
    view = team.last_view()
    outcome = next(b for b in view["blocks"] if b.get("block_id") == "outcome")
    assert outcome["element"]["initial_value"] == GOOD_GOAL["outcome"]  # pre-filled
    assert team.submit(BO_SLACK, {**GOOD_GOAL, "target": "15", "note": "15 räcker första kvartalet."}) == {}
    (goal,) = team.goals()
    assert (goal["proposedBy"], goal["measure"]["target"], goal["changeNote"]) == (
        "lead",
        15,
        "15 räcker första kvartalet.",
    )
    to_anna = [m for m in team.outbox("goal-proposal:anna:").values() if m["users"] == [ANNA_SLACK]]
    assert len(to_anna) == 1 and "15 räcker" in json.dumps(to_anna[0]["blocks"], ensure_ascii=False)
    assert team.click(BO_SLACK, GOAL_AGREE, ref, DAY)["outcome"] == "not_yours"  # now it waits for Anna
    assert team.click(ANNA_SLACK, GOAL_AGREE, ref, DAY)["outcome"] == "agreed"


# --- recognition ----------------------------------------------------------------------------------


def test_the_lead_confirms_once_the_celebration_is_posted_once_and_the_perk_is_told():
    team = Team()
    ref = agreed_goal(team)
    goal_id = ref.split("|")[1]
    reach_target(team, goal_id)
    assert team.click(MAJA_SLACK, GOAL_CONFIRM, ref, DAY)["outcome"] == "not_yours"
    assert team.click(ANNA_SLACK, GOAL_CONFIRM, ref, DAY)["outcome"] == "not_yours"  # not her own
    assert not team.outbox("goal-celebration:")
    assert team.click(BO_SLACK, GOAL_CONFIRM, ref, DAY)["outcome"] == "achieved"
    again = team.click(BO_SLACK, GOAL_CONFIRM, ref, DAY)
    assert again["outcome"] == "already_achieved" and again["text"] == text(
        "sv", "slack_answers.already_confirmed", outcome=GOOD_GOAL["outcome"]
    )
    (post,) = team.outbox("goal-celebration:").values()
    assert post["channel"] == "general" and f"<@{ANNA_SLACK}>" in post["text"] and "20" in post["text"]
    (offer,) = team.outbox("goal-perk-offer:").values()
    assert offer["users"] == [BO_SLACK]
    assert team.click(MAJA_SLACK, GOAL_PERK, ref + "|gift_card", DAY)["outcome"] == "not_yours"
    assert team.click(BO_SLACK, GOAL_PERK, ref + "|gift_card", DAY)["outcome"] == "perk"
    assert team.click(BO_SLACK, GOAL_PERK, ref + "|extra_day_off", DAY)["outcome"] == "perk_already_chosen"
    (goal,) = team.goals()
    assert (goal["status"], goal["perk"], goal["achievedOn"]) == ("achieved", "gift_card", "2025-04-08")
    (told,) = team.outbox("goal-perk:").values()
    assert told["users"] == [ANNA_SLACK] and "presentkort" in told["text"]


def test_inte_an_returns_the_goal_to_agreed_and_only_the_lead_may_say_it():
    team = Team()
    ref = agreed_goal(team)
    reach_target(team, ref.split("|")[1])
    assert team.click(ANNA_SLACK, GOAL_NOT_YET, ref, DAY)["outcome"] == "not_yours"
    assert team.click(BO_SLACK, GOAL_NOT_YET, ref, DAY)["outcome"] == "not_yet"
    (goal,) = team.goals()
    assert goal["status"] == "agreed" and goal["declinedAt"] == 20
    assert team.click(BO_SLACK, GOAL_CONFIRM, ref, DAY)["outcome"] == "not_awaiting"
    assert not team.outbox("goal-celebration:")


def test_a_malformed_goal_button_is_refused_as_malformed():
    from devplan.errors import InvalidEvent

    team = Team()
    with pytest.raises(InvalidEvent):
        team.click(BO_SLACK, GOAL_CONFIRM, "no-such-ref", DAY)
    ref = agreed_goal(team)
    reach_target(team, ref.split("|")[1])
    team.click(BO_SLACK, GOAL_CONFIRM, ref, DAY)
    before = team.snapshot()
    with pytest.raises(InvalidEvent):
        team.click(BO_SLACK, GOAL_PERK, ref + "|a-holiday-home", DAY)
    assert team.store.docs == before


# --- reflections and the 1:1 ---------------------------------------------------------------------


def test_a_reflection_from_slack_counts_for_the_quarter_like_a_journal_reflection():
    team = Team()
    agreed_goal(team)
    assert team.command(ANNA_SLACK, "reflektera") == {"opened": True}
    view = team.last_view()
    goals = next(b for b in view["blocks"] if b.get("block_id") == "goals")
    (option,) = goals["element"]["options"]
    before = team.snapshot()
    empty = team.submit(ANNA_SLACK, {})
    assert empty == {"response_action": "errors", "errors": {"went_well": text("sv", "reflection_form.errors.empty")}}
    assert team.store.docs == before
    values = {
        "went_well": "Tre sessioner i veckan.",
        "next_steps": "Boka handledning.",
        "goals": [option["value"]],
        "visibility": "shared",
    }
    assert team.submit(ANNA_SLACK, values, {**view, "id": "V0REFL"}) == {}
    assert team.store.docs["cycles/anna:2025-Q2"]["reflections"] == 1
    kept = team.store.docs["employees/anna/reflections/slack-v0refl"]
    assert kept["source"] == "slack" and kept["visibility"] == "shared" and kept["goalIds"] == [option["value"]]
    assert kept["wentWell"] == "Tre sessioner i veckan." and "challenges" not in kept
    assert team.submit(ANNA_SLACK, values, {**view, "id": "V0REFL"}) == {}  # submitted twice: one reflection
    assert team.store.docs["cycles/anna:2025-Q2"]["reflections"] == 1


def test_someone_elses_1_1_button_gets_the_not_yours_answer():
    team = Team()
    team.store.docs["cycles/anna:2025-Q2"] = {
        "employeeId": "anna",
        "quarter": "2025-Q2",
        "openedOn": "2025-04-01",
        "review": {"status": "invited", "invitedOn": "2025-04-01"},
    }
    before = team.snapshot()["cycles/anna:2025-Q2"]
    answer = team.click(MAJA_SLACK, MARK_HELD_ACTION, "anna|2025-Q2", DAY)
    assert answer["outcome"] == "not_a_participant"
    assert answer["text"] == text("sv", "review.not_yours", employee="Anna Lindqvist", lead="Bo Joel Kvarnsmyr")
    assert team.store.docs["cycles/anna:2025-Q2"] == before
    assert [m["users"] for m in team.outbox("reply:review:").values()] == [[MAJA_SLACK]]


# --- the journal's reflection with content --------------------------------------------------------


def journal_event(**data):
    from datetime import UTC, datetime

    from devplan.services.inputs import PlatformEvent

    base = {"employeeId": "anna", "entryId": "j-1"}
    return PlatformEvent(
        "evt-j-1", "journal.reflection_logged", datetime(2025, 5, 2, 8, tzinfo=UTC), {**base, **data}, "d-1"
    )


def test_the_journals_reflection_keeps_its_sections_and_visibility():
    from devplan.services.journal import log_reflection

    team = Team()
    event = journal_event(wentWell="Bra vecka.", challenges="Tester.", nextSteps="Mer tester.", visibility="shared")
    assert log_reflection(event, team.store) == "accepted"
    kept = team.store.docs["employees/anna/reflections/j-1"]
    assert (kept["wentWell"], kept["challenges"], kept["nextSteps"]) == ("Bra vecka.", "Tester.", "Mer tester.")
    assert (kept["visibility"], kept["source"]) == ("shared", "journal")
    assert team.store.docs["cycles/anna:2025-Q2"]["reflections"] == 1
    assert log_reflection(event, team.store) == "duplicate"


@pytest.mark.parametrize("data", [{"visibility": "everyone"}, {"wentWell": 5}, {"challenges": "x" * 3001}])
def test_a_journal_reflection_with_odd_content_is_invalid_data(data):
    from devplan.errors import InvalidEvent
    from devplan.services.journal import log_reflection

    team = Team()
    before = team.snapshot()
    with pytest.raises(InvalidEvent) as refused:
        log_reflection(journal_event(**data), team.store)
    assert refused.value.code == "invalid_data" and team.store.docs == before
