"""A quarter's close and its revision, as pure rules over a person's goals (domain/goals.py).

At a quarter's opening every goal still proposed or agreed in an earlier quarter is carried
over into the new one (it counts toward the new quarter's 1–3); the 1:1 looks back on how
last quarter's goals ended. The revision is done when, in the quarter, the pair agreed a goal
(a new one, a changed one, a carried-over proposal; goals the platform sets count as agreed)
or marked a carried-over goal missed; the cycle's rules (domain/cycle.py) also count a 1:1
held with agreed goals in place. Carried-over agreed goals alone revise nothing.
"""

from __future__ import annotations

from dataclasses import replace

from devplan.domain.calendar import Quarter
from devplan.domain.goals import (
    ACHIEVED,
    AGREED,
    AWAITING,
    CARRIED_OVER,
    EMPLOYEE,
    LEAD,
    MISSED,
    PROPOSED,
    WITHDRAWN,
    GoalPlan,
    SmartGoal,
)


def close_quarter(plan: GoalPlan, old: Quarter, new: Quarter) -> GoalPlan:
    """At `new`'s opening: every goal still proposed or agreed in `old` (one awaiting
    confirmation stays the old quarter's) is carried over into a new version; idempotent."""
    for goal in plan.of_quarter(old):
        if goal.status not in (PROPOSED, AGREED) or plan.goal(goal.goal_id, new) is not None:
            continue
        plan = plan.with_version(replace(goal, status=CARRIED_OVER))
        # Due inside the new quarter (its end, until the revision changes it): a live source
        # keeps counting from the first version's start, now up to the new due date.
        due = new.end if goal.draft.due is not None and goal.draft.due < new.start else goal.draft.due
        carried = replace(
            goal,
            quarter=new,
            draft=replace(goal.draft, due=due),
            carried_from=old,
            reached_on=None,
            change_note=None,
            set_at=None,
        )
        plan = plan.with_version(carried)
    return plan


def mark_missed(plan: GoalPlan, goal_id: str, new: Quarter) -> tuple[GoalPlan, str]:
    """In the revision, person or lead says a carried-over goal was missed: the old version is
    missed and the new one withdrawn (it no longer counts toward the 1–3)."""
    carried = plan.goal(goal_id, new)
    if carried is None or carried.carried_from is None or carried.status not in (PROPOSED, AGREED):
        return plan, "not_carried"
    old = plan.goal(goal_id, carried.carried_from)
    plan = plan.with_version(replace(carried, status=WITHDRAWN))
    return (plan.with_version(replace(old, status=MISSED)) if old else plan), "missed"


def carried_over(plan: GoalPlan, quarter: Quarter) -> GoalPlan:
    """Every goal still proposed or agreed in an earlier quarter, carried over into `quarter`
    (usually last quarter's; older ones too, if an opening was never run for the person)."""
    earlier = sorted({g.quarter for g in plan.items if g.quarter < quarter and g.status in (PROPOSED, AGREED)})
    for old in earlier:
        plan = close_quarter(plan, old, quarter)
    return plan


def last_quarter(plan: GoalPlan, quarter: Quarter) -> tuple[SmartGoal, ...]:
    """How the goals closed that the 1:1 looks back on: last quarter's, and older ones carried into this one."""
    carried_in = {(g.goal_id, g.carried_from) for g in plan.of_quarter(quarter) if g.carried_from}
    return tuple(
        g
        for g in plan.items
        if g.quarter < quarter
        and g.status != WITHDRAWN
        and (g.quarter == quarter.previous() or (g.goal_id, g.quarter) in carried_in)
    )


def revised_in(plan: GoalPlan, quarter: Quarter) -> bool:
    """Whether the pair revised the goals in `quarter`: a goal of the quarter agreed on a day of
    it, or a carried-over goal marked missed (its new version withdrawn)."""
    return any(
        (g.status != WITHDRAWN and g.agreed_on is not None and Quarter.of(g.agreed_on) == quarter)
        or (g.status == WITHDRAWN and g.carried_from is not None)
        for g in plan.of_quarter(quarter)
    )


def keeps_goals(plan: GoalPlan, quarter: Quarter) -> bool:
    return any(g.status in (AGREED, AWAITING, ACHIEVED) for g in plan.of_quarter(quarter))


def waiting_goals(plan: GoalPlan, quarter: Quarter) -> str:
    """Why the goals are not set or revised yet, as the reminders say it: "lead" (proposals
    waiting for the lead), "employee" (the lead's proposals waiting for the person),
    "revise" (carried-over agreed goals not revised yet) or "none"."""
    active = plan.active(quarter)
    waiting = {g.waiting_for for g in active}
    if LEAD in waiting:
        return LEAD
    if EMPLOYEE in waiting:
        return EMPLOYEE
    if any(g.carried_from is not None and g.status == AGREED for g in active):
        return "revise"
    return "none"
