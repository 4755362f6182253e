"""The goal plan's transitions: proposed → agreed → awaiting the lead's confirmation → achieved (or
"inte än" back to agreed), the 1–3 rule, the quarter's close (carried over or missed, history
kept), and goals.set lists that give the same plan in any order."""

from __future__ import annotations

from datetime import UTC, date, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from devplan.domain.calendar import Quarter
from devplan.domain.goals import (
    ACHIEVED,
    AGREED,
    AWAITING,
    CARRIED_OVER,
    EMPLOYEE,
    LEAD,
    MAX_GOALS,
    MISSED,
    PLATFORM,
    PROPOSED,
    WITHDRAWN,
    GoalPlan,
)
from devplan.domain.platform_goals import set_by_platform
from devplan.domain.quarter_close import close_quarter, mark_missed
from devplan.domain.smart import Draft, Measure

Q2, Q3 = Quarter.parse("2025-Q2"), Quarter.parse("2025-Q3")
DAY = date(2025, 4, 8)


def draft(outcome="Genomföra minst 20 coachingsessioner", target=20, source=None) -> Draft:
    measure = Measure("genomförda coachingsessioner", target, 0, "st", source)
    return Draft(outcome, measure, "Två i veckan", "Fler coachade", date(2025, 6, 30))


def proposed(*goal_ids: str, by=EMPLOYEE) -> GoalPlan:
    plan = GoalPlan()
    for goal_id in goal_ids:
        plan, outcome = plan.propose(goal_id, Q2, draft(goal_id), by, DAY)
        assert outcome == "proposed"
    return plan


def agreed(*goal_ids: str) -> GoalPlan:
    plan = proposed(*goal_ids)
    for goal_id in goal_ids:
        plan, outcome = plan.agree(goal_id, Q2, LEAD, DAY)
        assert outcome == "agreed"
    return plan


def status(plan: GoalPlan, goal_id: str, quarter: Quarter = Q2) -> str | None:
    goal = plan.goal(goal_id, quarter)
    return goal.status if goal else None


# --- proposing and agreeing --------------------------------------------------------------------


def test_a_proposal_waits_for_the_other_side_and_counts_as_set_only_when_agreed():
    plan = proposed("g1")
    goal = plan.goal("g1", Q2)
    assert goal is not None and goal.status == PROPOSED and goal.waiting_for == LEAD
    assert not plan.is_set and not plan.agreed_in(Q2) and plan.proposed_in(Q2)
    assert plan.agree("g1", Q2, EMPLOYEE, DAY) == (plan, "own_proposal")  # not by the proposer
    plan, outcome = plan.agree("g1", Q2, LEAD, DAY)
    assert outcome == "agreed" and plan.is_set and plan.agreed_in(Q2) and status(plan, "g1") == AGREED
    assert plan.goal("g1", Q2).agreed_on == DAY and plan.goal("g1", Q2).waiting_for is None
    assert plan.agree("g1", Q2, LEAD, DAY) == (plan, "already_agreed")  # the second click


def test_the_lead_can_propose_and_the_employee_agrees():
    plan = proposed("g1", by=LEAD)
    assert plan.goal("g1", Q2).waiting_for == EMPLOYEE
    assert plan.agree("g1", Q2, LEAD, DAY)[1] == "own_proposal"
    assert plan.agree("g1", Q2, EMPLOYEE, DAY)[1] == "agreed"


def test_a_changed_proposal_goes_to_the_other_side_with_its_note():
    plan, outcome = proposed("g1").propose("g1", Q2, draft("g1", target=15), LEAD, DAY, "Sikta på 15")
    assert outcome == "changed"
    goal = plan.goal("g1", Q2)
    assert goal.change_note == "Sikta på 15" and goal.waiting_for == EMPLOYEE and goal.status == PROPOSED
    plan, outcome = plan.propose("g1", Q2, draft("g1", target=15), EMPLOYEE, DAY)
    assert outcome == "changed" and plan.goal("g1", Q2).waiting_for == LEAD and plan.goal("g1", Q2).change_note is None
    assert plan.propose("g1", Q2, draft("g1", target=15), EMPLOYEE, DAY) == (plan, "unchanged")
    agreed_plan, _ = plan.agree("g1", Q2, LEAD, DAY)
    assert agreed_plan.propose("g1", Q2, draft("g1", target=5), EMPLOYEE, DAY) == (agreed_plan, "already_agreed")


def test_agreeing_an_unknown_goal_changes_nothing():
    plan = proposed("g1")
    assert plan.agree("nope", Q2, LEAD, DAY) == (plan, "unknown_goal")
    assert plan.agree("g1", Q3, LEAD, DAY) == (plan, "unknown_goal")


# --- the 1–3 rule ----------------------------------------------------------------------------


def test_a_fourth_active_goal_is_refused_in_its_quarter_only():
    plan = proposed("g1", "g2", "g3")
    assert len(plan.active(Q2)) == MAX_GOALS
    assert plan.propose("g4", Q2, draft("g4"), EMPLOYEE, DAY) == (plan, "too_many")
    # Q2's three open goals are carried into Q3 at its opening: still three there
    assert plan.propose("g4", Q3, draft("g4"), EMPLOYEE, date(2025, 7, 2))[1] == "too_many"
    closed, _ = mark_missed(close_quarter(plan, Q2, Q3), "g3", Q3)
    assert closed.propose("g4", Q3, draft("g4"), EMPLOYEE, date(2025, 7, 2))[1] == "proposed"
    # changing one of the three is no fourth
    assert plan.propose("g2", Q2, draft("g2", target=3), EMPLOYEE, DAY)[1] == "changed"


def test_an_achieved_goal_makes_room_for_another():
    plan = agreed("g1", "g2", "g3")
    plan, _ = plan.with_progress("g1", Q2, 20, DAY)
    assert plan.propose("g4", Q2, draft("g4"), EMPLOYEE, DAY)[1] == "too_many"  # awaiting is still active
    plan, _ = plan.confirm("g1", Q2, DAY)
    assert plan.propose("g4", Q2, draft("g4"), EMPLOYEE, DAY)[1] == "proposed"


# --- progress, the lead's confirmation, "inte än" ------------------------------------------------


def test_reaching_the_target_awaits_the_leads_confirmation_once():
    plan, outcome = agreed("g1").with_progress("g1", Q2, 19, DAY)
    assert outcome == "progress" and status(plan, "g1") == AGREED
    plan, outcome = plan.with_progress("g1", Q2, 20, date(2025, 5, 2))
    assert outcome == "reached" and status(plan, "g1") == AWAITING
    assert plan.goal("g1", Q2).reached_on == date(2025, 5, 2) and plan.goal("g1", Q2).waiting_for == LEAD
    assert plan.with_progress("g1", Q2, 20, DAY)[0] == plan  # the same value again: nothing new
    assert plan.with_progress("g1", Q2, 22, DAY)[1] == "progress"  # more, but not asked again
    confirmed, outcome = plan.confirm("g1", Q2, date(2025, 5, 3))
    assert outcome == "achieved" and status(confirmed, "g1") == ACHIEVED
    assert confirmed.goal("g1", Q2).achieved_on == date(2025, 5, 3)
    assert confirmed.confirm("g1", Q2, DAY) == (confirmed, "already_achieved")
    assert confirmed.with_progress("g1", Q2, 25, DAY) == (confirmed, "unchanged")  # after achievement: nothing
    assert confirmed.mark_achieved("g1", Q2, DAY) == (confirmed, "unchanged")


def test_the_same_value_while_awaiting_is_unchanged():
    # services/goals.py and services/metrics.py write the employee when the plan `is not` the old
    # one: a repeated value rewrites the document (firing on_employee_written) and answers
    # "progress" for an event that changed nothing.
    plan, _ = agreed("g1").with_progress("g1", Q2, 20, DAY)
    again, outcome = plan.with_progress("g1", Q2, 20, DAY)
    assert outcome == "unchanged" and again is plan


def test_inte_an_asks_again_only_above_the_declined_value():
    plan, _ = agreed("g1").with_progress("g1", Q2, 20, DAY)
    plan, outcome = plan.not_yet("g1", Q2)
    assert outcome == "not_yet" and status(plan, "g1") == AGREED and plan.goal("g1", Q2).reached_on is None
    assert plan.with_progress("g1", Q2, 20, DAY) == (plan, "unchanged")
    lower, outcome = plan.with_progress("g1", Q2, 18, DAY)
    assert outcome == "progress" and lower.with_progress("g1", Q2, 20, DAY)[1] == "progress"  # back, not above
    assert plan.with_progress("g1", Q2, 21, DAY)[1] == "reached"
    assert plan.not_yet("g1", Q2) == (plan, "not_awaiting")


def test_the_platforms_achievement_also_awaits_the_lead():
    plan, outcome = agreed("g1").mark_achieved("g1", Q2, DAY)
    assert outcome == "reached" and status(plan, "g1") == AWAITING
    assert plan.mark_achieved("g1", Q2, DAY) == (plan, "unchanged")
    assert proposed("g1").mark_achieved("g1", Q2, DAY)[1] == "unchanged"  # not agreed: nothing to confirm
    assert GoalPlan().mark_achieved("g1", Q2, DAY)[1] == "unknown_goal"


def test_a_perk_is_chosen_once_for_an_achieved_goal():
    plan = agreed("g1")
    assert plan.with_perk("g1", Q2, "gift_card") == (plan, "not_achieved")
    plan, _ = plan.with_progress("g1", Q2, 20, DAY)
    plan, _ = plan.confirm("g1", Q2, DAY)
    plan, outcome = plan.with_perk("g1", Q2, "gift_card")
    assert outcome == "perk" and plan.goal("g1", Q2).perk == "gift_card"
    assert plan.with_perk("g1", Q2, "extra_day_off") == (plan, "perk_already_chosen")


# --- the quarter's close -----------------------------------------------------------------------


def test_the_close_carries_active_goals_over_and_keeps_the_history():
    plan, _ = agreed("g1", "g2", "g3").with_progress("g2", Q2, 20, DAY)  # g2 awaits the lead
    plan, _ = plan.with_progress("g1", Q2, 7, DAY)
    closed = close_quarter(plan, Q2, Q3)
    assert [(g.goal_id, g.quarter.key, g.status) for g in closed.items] == [
        ("g1", "2025-Q2", CARRIED_OVER),
        ("g2", "2025-Q2", AWAITING),  # stays its quarter's: the lead still confirms it
        ("g3", "2025-Q2", CARRIED_OVER),
        ("g1", "2025-Q3", AGREED),
        ("g3", "2025-Q3", AGREED),
    ]
    carried = closed.goal("g1", Q3)
    assert carried.carried_from == Q2 and carried.progress == 7 and carried.counts_from == DAY
    assert closed.goal("g1") == carried  # the newest version
    assert close_quarter(closed, Q2, Q3) == closed  # idempotent
    assert [g.goal_id for g in closed.current(Q2)] == ["g2"]  # what Q2 shows: not the carried ones


def test_a_carried_over_goal_marked_missed_is_history_and_frees_its_place():
    closed = close_quarter(agreed("g1", "g2", "g3"), Q2, Q3)
    plan, outcome = mark_missed(closed, "g1", Q3)
    assert outcome == "missed"
    assert status(plan, "g1", Q2) == MISSED and status(plan, "g1", Q3) == WITHDRAWN
    assert len(plan.active(Q3)) == 2
    assert mark_missed(plan, "g1", Q3) == (plan, "not_carried")
    assert mark_missed(closed, "nope", Q3)[1] == "not_carried"
    assert plan.propose("g4", Q3, draft("g4"), EMPLOYEE, date(2025, 7, 2))[1] == "proposed"


# --- goals.set in any order ------------------------------------------------------------------------

LISTS = st.lists(
    st.tuples(
        st.integers(0, 3),  # minutes after 9:00: the same moment twice is told apart by content
        st.lists(st.sampled_from(["g1", "g2", "g3", "g4"]), min_size=1, max_size=3, unique=True),
        st.sampled_from(["Optimera Firebase", "Genomföra 20 sessioner"]),
    ),
    min_size=1,
    max_size=5,
)


def _set(plan: GoalPlan, event: tuple[int, list[str], str]) -> GoalPlan:
    minute, goal_ids, title = event
    goals = tuple((g, Draft(f"{title} {g}", None, None, None, None, "i ord")) for g in goal_ids)
    set_at = datetime(2025, 4, 8, 9, minute, tzinfo=UTC)
    return set_by_platform(plan, goals, Q2, set_at, set_at.date())


@settings(max_examples=200, deadline=None)
@given(events=LISTS, order=st.randoms(use_true_random=False))
def test_the_same_goals_set_events_in_any_order_give_the_same_plan(events, order):
    in_order = GoalPlan()
    for event in events:
        in_order = _set(in_order, event)
    shuffled = list(events) + [order.choice(events)]  # and one delivered twice
    order.shuffle(shuffled)
    plan = GoalPlan()
    for event in shuffled:
        plan = _set(plan, event)
    assert plan == in_order
    latest = max(e[0] for e in events)
    listed = {g for minute, goal_ids, _ in events if minute == latest for g in goal_ids}
    assert {g.goal_id for g in plan.items} <= listed  # one of the latest lists, whole
    assert all(g.proposed_by == PLATFORM and g.status == AGREED for g in plan.items)
    assert plan.is_set and 1 <= len(plan.active(Q2)) <= MAX_GOALS


def test_a_later_list_replaces_the_earlier_one_but_not_what_was_reached():
    plan = _set(GoalPlan(), (0, ["g1", "g2"], "A"))
    plan, _ = plan.mark_achieved("g1", Q2, DAY)
    plan = _set(plan, (1, ["g1", "g3"], "B"))
    assert [(g.goal_id, g.status) for g in plan.items] == [("g1", AWAITING), ("g3", AGREED)]
    assert plan.goal("g1", Q2).title == "A g1"  # reached under its old wording: kept
    assert _set(plan, (0, ["g2"], "A")) == plan  # an older list, late: nothing changes
    assert _set(plan, (1, ["g1", "g3"], "B")) == plan  # the same list again


def test_goals_of_one_quarter_leave_other_quarters_alone():
    plan = close_quarter(agreed("g1"), Q2, Q3)
    later = set_by_platform(
        plan,
        (("p1", Draft("Från plattformen", None, None, None, None)),),
        Q3,
        datetime(2025, 7, 2, tzinfo=UTC),
        date(2025, 7, 2),
    )
    assert later.goal("g1", Q2) == plan.goal("g1", Q2)
    assert {g.goal_id for g in later.of_quarter(Q3)} == {"g1", "p1"}


def test_a_goal_agreed_after_its_target_was_met_awaits_the_lead():
    # A live source counts from the proposal: sessions done before the lead's Godkänn count, and
    # if they already meet the target nothing asks the lead until the next session arrives.
    plan, _ = proposed("g1").with_progress("g1", Q2, 20, DAY)
    plan, _ = plan.agree("g1", Q2, LEAD, DAY)
    assert status(plan, "g1") == AWAITING
