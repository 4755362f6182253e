from dataclasses import replace
from datetime import date

import pytest

from devplan.domain.calendar import Quarter
from devplan.domain.cycle import (
    CycleFacts,
    EmployeeFacts,
    due_actions,
    opening_day,
    revision_deadline,
)
from devplan.domain.goals import GoalPlan
from devplan.domain.quarter_close import carried_over, close_quarter, keeps_goals, last_quarter, mark_missed, revised_in
from devplan.domain.smart import Draft, Measure

VETERAN = EmployeeFacts(
    "anna", date(2023, 9, 1), has_lead=True, first_goals_deadline=date(2023, 9, 15), first_goals_set=True
)
Q2_2026 = Quarter(2026, 2)
OPENED = frozenset({"open", "quarter-digest"})  # done once the opening and the next business day ran


def kinds(person, quarter, cycle, day):
    return [a.kind for a in due_actions(person, quarter, cycle, day)]


@pytest.mark.parametrize(
    "quarter, opening",
    [
        (Quarter(2025, 1), date(2025, 1, 2)),  # nyårsdagen
        (Quarter(2026, 2), date(2026, 4, 1)),  # Easter falls 3–6 April 2026, after the opening
        (Quarter(2024, 2), date(2024, 4, 2)),  # annandag påsk 1 April 2024
        (Quarter(2028, 1), date(2028, 1, 3)),  # 1 January on a Saturday
    ],
)
def test_the_quarter_opens_on_its_first_swedish_business_day(quarter, opening):
    assert opening_day(quarter) == opening
    day_before = date.fromordinal(opening.toordinal() - 1)
    if Quarter.of(day_before) == quarter:
        assert kinds(VETERAN, quarter, CycleFacts(), day_before) == []
    assert kinds(VETERAN, quarter, CycleFacts(), opening) == ["open_quarter"]


def test_last_quarters_digest_is_due_the_business_day_after_the_opening_not_on_it():
    # The opening reads everyone; the digest's reads (the teams' figures) fall on a day of their own.
    # A catch-up opening on skärtorsdag 2 April 2026: långfredag, the weekend and annandag påsk follow.
    opened = CycleFacts(opened_on=date(2026, 4, 2), revision_deadline=date(2026, 4, 17), done_keys=frozenset({"open"}))
    assert kinds(VETERAN, Q2_2026, CycleFacts(), date(2026, 4, 2)) == ["open_quarter"]
    for day in (date(2026, 4, 3), date(2026, 4, 4), date(2026, 4, 5), date(2026, 4, 6)):
        assert kinds(VETERAN, Q2_2026, opened, day) == []
    assert kinds(VETERAN, Q2_2026, opened, date(2026, 4, 7)) == ["quarter_digest"]
    sent = replace(opened, done_keys=OPENED)  # sent once: its key is done
    assert kinds(VETERAN, Q2_2026, sent, date(2026, 4, 8)) == []


def test_revision_deadline_skips_easter_and_epiphany():
    # Q2 2026 opens Wed 1 April; Good Friday 3 and Easter Monday 6 April are off.
    assert revision_deadline(Q2_2026) == date(2026, 4, 17)
    # Q1 2025 opens Thu 2 January; trettondedag jul (6 January) is off.
    assert revision_deadline(Quarter(2025, 1)) == date(2025, 1, 17)


def test_a_missed_opening_is_caught_up_by_a_later_tick_but_not_on_a_weekend():
    assert kinds(VETERAN, Q2_2026, CycleFacts(), date(2026, 4, 4)) == []  # Saturday
    assert kinds(VETERAN, Q2_2026, CycleFacts(), date(2026, 4, 7)) == ["open_quarter"]


def test_an_opened_quarter_is_not_opened_again():
    opened = CycleFacts(opened_on=date(2026, 4, 1), revision_deadline=date(2026, 4, 17), done_keys=OPENED)
    assert kinds(VETERAN, Q2_2026, opened, date(2026, 4, 2)) == []


def test_a_new_starter_revises_nothing_and_keeps_the_onboarding_deadline():
    new = EmployeeFacts("erik", date(2026, 3, 16), has_lead=True, first_goals_deadline=date(2026, 3, 30))
    actions = due_actions(new, Q2_2026, CycleFacts(), date(2026, 4, 1))
    # Overdue first goals are reported with the opening, no revision deadline is set.
    assert [a.kind for a in actions] == ["open_quarter", "goal_overdue"]
    assert actions[1].deadline == date(2026, 3, 30) and actions[1].key == "goal-overdue:first"


def test_someone_starting_after_the_opening_gets_no_opening():
    later = EmployeeFacts("maja", date(2026, 4, 20), has_lead=True, first_goals_deadline=date(2026, 5, 5))
    assert kinds(later, Q2_2026, CycleFacts(), date(2026, 4, 21)) == []


def test_goal_nudge_before_the_deadline_then_the_lead_once_after():
    cycle = CycleFacts(
        opened_on=date(2026, 4, 1), revision_deadline=date(2026, 4, 17), review_held=True, done_keys=OPENED
    )
    assert kinds(VETERAN, Q2_2026, cycle, date(2026, 4, 14)) == []
    assert kinds(VETERAN, Q2_2026, cycle, date(2026, 4, 15)) == ["goal_nudge"]  # two business days left
    nudged = replace(cycle, done_keys=cycle.done_keys | {"goal-nudge:revision"})
    assert kinds(VETERAN, Q2_2026, nudged, date(2026, 4, 16)) == []
    assert kinds(VETERAN, Q2_2026, nudged, date(2026, 4, 20)) == ["goal_overdue"]
    told = replace(nudged, done_keys=nudged.done_keys | {"goal-overdue:revision"})
    assert kinds(VETERAN, Q2_2026, told, date(2026, 4, 21)) == []
    assert kinds(VETERAN, Q2_2026, replace(cycle, revision_done=True), date(2026, 4, 20)) == []


def test_review_reminder_then_escalation_and_nothing_once_held():
    cycle = CycleFacts(
        opened_on=date(2026, 4, 1),
        revision_deadline=date(2026, 4, 17),
        revision_done=True,
        done_keys=OPENED,
    )
    assert kinds(VETERAN, Q2_2026, cycle, date(2026, 4, 16)) == []
    assert kinds(VETERAN, Q2_2026, cycle, date(2026, 4, 17)) == ["review_reminder"]  # 10 business days
    reminded = replace(cycle, done_keys=cycle.done_keys | {"review-reminder"})
    assert kinds(VETERAN, Q2_2026, reminded, date(2026, 4, 20)) == []
    # 20 business days after 1 April 2026 (Easter, 1 May and Kristi himmelsfärd 14 May off).
    assert kinds(VETERAN, Q2_2026, reminded, date(2026, 5, 4)) == ["review_escalation"]
    assert kinds(VETERAN, Q2_2026, replace(reminded, review_held=True), date(2026, 5, 4)) == []
    lead = replace(VETERAN, has_lead=False)
    assert kinds(lead, Q2_2026, cycle, date(2026, 4, 17)) == []


def test_reflection_nudges_start_three_weeks_before_quarter_end_at_most_weekly():
    cycle = CycleFacts(opened_on=date(2026, 4, 1), revision_done=True, review_held=True, done_keys=OPENED)
    assert kinds(VETERAN, Q2_2026, cycle, date(2026, 6, 8)) == []  # 30 June − 21 days = 9 June
    assert kinds(VETERAN, Q2_2026, cycle, date(2026, 6, 9)) == ["reflection_nudge"]
    nudged = replace(cycle, last_reflection_nudge=date(2026, 6, 9))
    assert kinds(VETERAN, Q2_2026, nudged, date(2026, 6, 15)) == []
    assert kinds(VETERAN, Q2_2026, nudged, date(2026, 6, 16)) == ["reflection_nudge"]
    assert kinds(VETERAN, Q2_2026, replace(nudged, reflections=1), date(2026, 6, 16)) == []
    assert kinds(VETERAN, Q2_2026, cycle, date(2026, 6, 19)) == []  # midsommarafton: no nudge


def test_nothing_for_a_quarter_already_followed_by_the_next_or_for_an_inactive_employee():
    assert kinds(VETERAN, Q2_2026, CycleFacts(next_quarter_opened=True), date(2026, 6, 16)) == []
    assert kinds(replace(VETERAN, active=False), Q2_2026, CycleFacts(), date(2026, 4, 1)) == []
    assert kinds(VETERAN, Quarter(2026, 1), CycleFacts(), date(2026, 4, 1)) == []  # the day is in another quarter


# --- the revision, read from the goals (domain/cycle.py revised_in) -------------------------

Q1_2026 = Quarter(2026, 1)


def _goal_plan():

    draft = Draft("Guida 10 nya användare", Measure("guidade användare", 10, unit="användare"), None, None, None)
    plan, _ = GoalPlan().propose("g1", Q1_2026, draft, "employee", date(2026, 2, 2))
    plan, _ = plan.agree("g1", Q1_2026, "lead", date(2026, 2, 3))
    return plan, draft


def test_carried_over_agreed_goals_alone_do_not_revise_the_quarter():

    plan, _ = _goal_plan()
    carried = close_quarter(plan, Q1_2026, Q2_2026)
    assert not revised_in(carried, Q2_2026) and keeps_goals(carried, Q2_2026)
    person = replace(VETERAN, goals_revised=False, keeps_goals=True)
    cycle = CycleFacts(opened_on=date(2026, 4, 1), revision_deadline=date(2026, 4, 17), done_keys=OPENED)
    assert kinds(person, Q2_2026, cycle, date(2026, 4, 15)) == ["goal_nudge"]
    # Held 1:1 with agreed goals in place: keeping them is the pair's decision, the revision is done.
    assert kinds(person, Q2_2026, replace(cycle, review_held=True), date(2026, 4, 15)) == []
    # Held 1:1 without agreed goals: still not revised.
    assert kinds(replace(person, keeps_goals=False), Q2_2026, replace(cycle, review_held=True), date(2026, 4, 15)) == [
        "goal_nudge"
    ]


def test_a_goal_agreed_in_the_quarter_or_a_carried_over_goal_marked_missed_revises_it():

    plan, draft = _goal_plan()
    carried = close_quarter(plan, Q1_2026, Q2_2026)
    proposed, _ = carried.propose("g2", Q2_2026, replace(draft, outcome="Nytt mål"), "employee", date(2026, 4, 7))
    assert not revised_in(proposed, Q2_2026)  # proposed, not agreed: not revised
    agreed, _ = proposed.agree("g2", Q2_2026, "lead", date(2026, 4, 8))
    assert revised_in(agreed, Q2_2026)
    missed, outcome = mark_missed(carried, "g1", Q2_2026)
    assert outcome == "missed" and revised_in(missed, Q2_2026)
    assert revised_in(plan, Q1_2026) and not revised_in(plan, Q2_2026)


def test_a_carried_over_proposal_agreed_in_the_new_quarter_revises_it():

    plan, _ = GoalPlan().propose("g1", Q1_2026, Draft("Mål", None, None, None, None), "employee", date(2026, 3, 30))
    carried = close_quarter(plan, Q1_2026, Q2_2026)
    assert not revised_in(carried, Q2_2026) and not carried.is_set
    agreed, outcome = carried.agree("g1", Q2_2026, "lead", date(2026, 4, 2))
    assert outcome == "agreed" and revised_in(agreed, Q2_2026)


def test_carrying_over_is_idempotent_and_picks_up_a_quarter_whose_opening_never_ran():
    q4_2025 = Quarter(2025, 4)
    plan, _ = GoalPlan().propose("old", q4_2025, Draft("Gammalt", None, None, None, None), "lead", date(2025, 11, 3))
    first, _ = _goal_plan()
    plan = GoalPlan(items=(*plan.items, *first.items))
    once = carried_over(plan, Q2_2026)
    assert {(g.goal_id, g.quarter, g.status) for g in once.items} == {
        ("old", q4_2025, "carried_over"),
        ("g1", Q1_2026, "carried_over"),
        ("old", Q2_2026, "proposed"),
        ("g1", Q2_2026, "agreed"),
    }
    assert once.goal("old", Q2_2026).carried_from == q4_2025
    assert carried_over(once, Q2_2026) is once  # a second opening changes nothing
    assert [(g.goal_id, g.quarter) for g in last_quarter(once, Q2_2026)] == [("old", q4_2025), ("g1", Q1_2026)]
    assert len(once.active(Q2_2026)) == 2  # carried-over goals count toward the new quarter's 1–3
