"""`goals.set`: the platform's list of agreed goals for a quarter, applied to a person's plan.

The newest list wins by its time (`occurredAt`), two lists of the same moment by their content,
so the same events give the same goals in any order; the platform's earlier list of the quarter
is replaced, not kept as history (a quarter's history is what was carried over or reached).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from devplan.domain.calendar import Quarter
from devplan.domain.goal import ACHIEVED, AGREED, AWAITING, CARRIED_OVER, MISSED, PLATFORM, WITHDRAWN, SmartGoal
from devplan.domain.goals import GoalPlan
from devplan.domain.smart import Draft


def set_by_platform(
    plan: GoalPlan, goals: tuple[tuple[str, Draft], ...], quarter: Quarter, set_at: datetime, on: date
) -> GoalPlan:
    """`goals.set`: the platform's agreed goals of the quarter replace its earlier ones (still
    active); an older, late event changes nothing; two at the same moment are told apart by
    content, so the same events give the same goals in any order."""
    current = [g for g in plan.of_quarter(quarter) if g.set_at is not None]
    newest = max((g.set_at for g in current if g.set_at), default=None)
    if newest is not None and (newest, _content(_listed(current, newest))) >= (set_at, _content(goals)):
        return plan
    listed = dict(goals)
    replaced = [
        g
        for g in plan.of_quarter(quarter)
        if g.proposed_by == PLATFORM and g.status == AGREED and g.goal_id not in listed
    ]
    # The platform's earlier list of the quarter is replaced, not history; a goal carried over
    # into the quarter that the new list leaves out is withdrawn (its old version stays).
    kept = tuple(g for g in plan.items if g not in replaced or g.carried_from is not None)
    plan = replace(plan, items=kept)
    for g in replaced:
        if g.carried_from is not None:
            plan = plan.with_version(replace(g, status=WITHDRAWN))
    for goal_id, draft in goals:
        known = plan.goal(goal_id, quarter)
        if known is not None and known.status in (ACHIEVED, AWAITING, CARRIED_OVER, MISSED):
            continue  # reached, or closed with its quarter: the platform's list does not undo that
        goal = SmartGoal(goal_id, quarter, draft, AGREED, PLATFORM, on, on, counts_from=on, set_at=set_at)
        plan = plan.with_version(replace(goal, progress=known.progress) if known else goal)
    return plan


def _content(goals: tuple[tuple[str, Draft], ...]) -> tuple[str, ...]:
    return tuple(sorted(repr(g) for g in goals))


def _listed(goals: list[SmartGoal], set_at: datetime) -> tuple[tuple[str, Draft], ...]:
    return tuple((g.goal_id, g.draft) for g in sorted(goals, key=lambda g: g.goal_id) if g.set_at == set_at)
