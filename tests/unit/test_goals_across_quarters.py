"""Goals whose messages outlive their quarter, leads not onboarded yet, odd numbers: the cases a
review found (each failed before its fix)."""

from dataclasses import replace
from datetime import UTC, date, datetime

from devplan.domain.calendar import Quarter
from devplan.domain.goals import GoalPlan
from devplan.domain.platform_goals import set_by_platform
from devplan.domain.quarter_close import carried_over
from devplan.domain.smart import Draft
from devplan.errors import InvalidEvent
from devplan.messages.goals import GOAL_AGREE, GOAL_CONFIRM, GOAL_NOT_YET
from devplan.services.inputs import PlatformEvent
from devplan.services.plan_status import plan_status_for
from devplan.services.platform_events import handle
from tests.unit.slack_forms_support import ANNA_SLACK, BO_SLACK, GOOD_GOAL, MAJA_SLACK, Team

Q1, Q2 = Quarter(2025, 1), Quarter(2025, 2)


def open_q2(team: Team, employee_id: str) -> None:
    """What the opening tick does to the person's goals (services/cycle_actions.open_quarter)."""

    def work(uow):
        person = uow.employee(employee_id)
        uow.save_employee(replace(person, goals=carried_over(person.goals, Q2)))

    team.store.atomically(work)


def session(team: Team, n: int, day: date) -> None:
    data = {"sessionId": f"s{n}", "coachId": "maja", "completedAt": f"{day}T09:00:00+02:00"}
    handle(
        PlatformEvent(f"e{n}", "coaching.session_completed", datetime(2025, 1, 1, tzinfo=UTC), data, "d"), team.store
    )


def test_godkann_on_a_proposal_carried_over_since_agrees_its_new_version():
    team = Team(now=datetime(2025, 3, 24, 8, tzinfo=UTC))
    team.command(ANNA_SLACK, "mål")
    assert team.submit(ANNA_SLACK, {**GOOD_GOAL, "due": "2025-03-31"}) == {}  # accepted: the modal closes
    ref = team.button("goal-proposal:anna:", GOAL_AGREE)  # a Q1 message
    open_q2(team, "anna")
    assert team.click(BO_SLACK, GOAL_AGREE, ref, date(2025, 4, 2))["outcome"] == "agreed"
    assert [(g["quarter"], g["status"]) for g in team.goals()] == [("2025-Q1", "carried_over"), ("2025-Q2", "agreed")]


def test_inte_an_after_the_opening_carries_the_goal_on_and_it_keeps_counting():
    team = Team(now=datetime(2025, 3, 10, 8, tzinfo=UTC))
    team.command(MAJA_SLACK, "mål")
    team.submit(MAJA_SLACK, {**GOOD_GOAL, "target": "1", "due": "2025-03-31", "source": "coaching_sessions"})
    team.click(BO_SLACK, GOAL_AGREE, team.button("goal-proposal:maja:", GOAL_AGREE), date(2025, 3, 11))
    session(team, 1, date(2025, 3, 20))
    assert [g["status"] for g in team.goals("maja")] == ["awaiting_confirmation"]
    open_q2(team, "maja")  # awaiting stays Q1's
    shown = plan_status_for(BO_SLACK, team.store, date(2025, 4, 3)).text
    assert "1 att bekräfta" in shown  # still waited for after the opening
    ref = team.button("goal-reached:maja:", GOAL_NOT_YET)
    assert team.click(BO_SLACK, GOAL_NOT_YET, ref, date(2025, 4, 3))["outcome"] == "not_yet"
    for n in range(2, 5):
        session(team, n, date(2025, 4, 8 + n))
    maja = team.store.employee("maja")
    (now,) = maja.goals.active(Q2)
    assert now.draft.due == date(2025, 6, 30) and now.progress == 4 and now.status == "awaiting_confirmation"


def test_a_lead_not_onboarded_yet_is_never_answered_for_by_the_employee():
    team = Team()
    team.store.docs["employees/anna"]["leadId"] = "carl"  # her lead's onboarding has not arrived yet
    team.command(ANNA_SLACK, "mål")
    team.submit(ANNA_SLACK, GOOD_GOAL)
    assert [g["status"] for g in team.goals()] == ["proposed"]  # not agreed by herself
    goal_id = team.goals()[0]["goalId"]

    def reached(uow):
        anna = uow.employee("anna")
        plan = anna.goals
        plan, _ = plan.agree(goal_id, Q2, "lead", date(2025, 4, 9))
        plan, _ = plan.with_progress(goal_id, Q2, 20, date(2025, 4, 9))
        uow.save_employee(replace(anna, goals=plan))
        from devplan.services import goal_notices

        goal_notices.achievement_request(uow, anna, None, plan.goal(goal_id, Q2))

    team.store.atomically(reached)
    assert not team.outbox("goal-reached:")  # nobody to ask yet: carl has no Slack account
    ref = f"anna|{goal_id}|2025-Q2"
    assert team.click(ANNA_SLACK, GOAL_CONFIRM, ref, date(2025, 4, 10))["outcome"] == "not_yours"
    assert not team.outbox("goal-celebration:")


def test_a_target_in_other_digits_is_a_field_error_not_a_crash():
    team = Team()
    team.command(ANNA_SLACK, "mål")
    for target in ("²", "٣", "1e3"):
        answer = team.submit(ANNA_SLACK, {**GOOD_GOAL, "target": target})
        assert "target" in str(answer) and not team.goals()


def test_a_late_older_goals_set_stays_replaced_after_the_newer_lists_goal_was_reached():
    def draft(title: str) -> Draft:
        return Draft(title, None, None, None, None, None)

    older = (("g0", draft("Äldre")), ("g1", draft("Ett")))
    newer = (("g1", draft("Ett")),)
    t1, t2 = datetime(2025, 4, 10, tzinfo=UTC), datetime(2025, 4, 11, tzinfo=UTC)
    in_order = set_by_platform(
        set_by_platform(GoalPlan(), older, Q2, t1, date(2025, 4, 10)), newer, Q2, t2, date(2025, 4, 11)
    )
    in_order, _ = in_order.mark_achieved("g1", Q2, date(2025, 4, 12))
    late = set_by_platform(GoalPlan(), newer, Q2, t2, date(2025, 4, 11))
    late, _ = late.mark_achieved("g1", Q2, date(2025, 4, 12))
    late = set_by_platform(late, older, Q2, t1, date(2025, 4, 13))
    assert [(g.goal_id, g.status) for g in late.items] == [(g.goal_id, g.status) for g in in_order.items]
    assert [g.goal_id for g in late.items] == ["g1"]


def test_goals_set_cannot_take_a_person_past_three_goals_with_the_ones_agreed_in_slack():
    team = Team()
    for n in range(2):
        team.command(ANNA_SLACK, "mål")
        team.submit(ANNA_SLACK, {**GOOD_GOAL, "outcome": f"Mål {n}"})
    for goal in team.goals():
        team.click(BO_SLACK, GOAL_AGREE, f"anna|{goal['goalId']}|2025-Q2", date(2025, 4, 8))
    assert [g["status"] for g in team.goals()] == ["agreed", "agreed"]
    before = team.snapshot()
    listed = [{"goalId": f"p{n}", "title": f"Plattformens mål {n}"} for n in range(2)]
    event = PlatformEvent(
        "gs", "goals.set", datetime(2025, 4, 9, 8, tzinfo=UTC), {"employeeId": "anna", "goals": listed}, "d"
    )
    try:
        handle(event, team.store)
    except InvalidEvent as refused:
        assert (refused.status, refused.code) == (422, "too_many_goals")
    else:
        raise AssertionError("a goals.set past three goals was accepted")
    assert team.snapshot() == before  # nothing written, not even the event's claim


def test_a_goal_proposed_before_the_opening_counts_what_the_opening_will_carry_over():
    q4 = Quarter(2025, 4)
    plan = GoalPlan()
    for n in range(3):
        draft = Draft(f"Mål {n}", None, None, None, date(2025, 12, 31), None)
        plan, _ = plan.propose(f"g{n}", q4, draft, "employee", date(2025, 11, 3))
        plan, _ = plan.agree(f"g{n}", q4, "lead", date(2025, 11, 4))
    new_year = Draft("Nytt mål", None, None, None, date(2026, 3, 31), None)
    assert plan.propose("g9", Quarter(2026, 1), new_year, "employee", date(2026, 1, 1))[1] == "too_many"
    opened = carried_over(plan, Quarter(2026, 1))
    assert len(opened.active(Quarter(2026, 1))) == 3
