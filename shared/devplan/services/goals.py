"""Goals from the platform: set (agreed there), proposed (to agree in Slack), progress, achieved.

Each event is one transaction on the employee's record, claimed once. For someone not
onboarded yet the handlers write nothing and answer "unknown_employee" (held, see
services/held_events.py). A goal's quarter is the quarter of the event's day in Stockholm;
progress and achievement name a goal id and apply to its newest version.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from devplan.domain.calendar import Quarter, stockholm_date
from devplan.domain.employees import Employee
from devplan.domain.goals import EMPLOYEE, LEAD, MAX_GOALS, GoalPlan, SmartGoal
from devplan.domain.ids import is_valid_id
from devplan.domain.metrics import MAX_AMOUNT, SOURCES
from devplan.domain.platform_goals import set_by_platform
from devplan.domain.quarter_close import revised_in
from devplan.domain.smart import check_draft, parse_set_goals
from devplan.errors import InvalidEvent
from devplan.services import goal_notices as notices
from devplan.services import home_refresh
from devplan.services.inputs import PlatformEvent
from devplan.services.leads import active_lead
from devplan.services.ports import Store, UnitOfWork

log = logging.getLogger(__name__)


def required_id(event: PlatformEvent, name: str) -> str:
    value = event.data.get(name)
    if not is_valid_id(value):
        raise InvalidEvent(f"{event.type}: {name} must be 1–128 letters, digits, '_', '-' or '.'", code="invalid_data")
    return str(value)


def on_employee(
    event: PlatformEvent, store: Store, employee_id: str, step: Callable[[UnitOfWork, Employee, date], str]
) -> str:
    """Claim the event and run `step` on the employee (and their lead) in one transaction."""
    day = stockholm_date(event.occurred_at)

    def work(uow: UnitOfWork) -> str:
        employee = uow.employee(employee_id)
        if employee is None:
            return "unknown_employee"
        if employee.lead_id:
            uow.prefetch(employees=[employee.lead_id])
        if not uow.claim(f"platform:{event.id}"):
            return "duplicate"
        return step(uow, employee, day)

    return event.logged(log, employee_id, store.atomically(work))


def lead_of(uow: UnitOfWork, employee: Employee) -> Employee | None:
    """The lead who is asked and may answer: none if they have been offboarded (services/leads.py)."""
    return active_lead(uow, employee)


def save_plan(uow: UnitOfWork, employee: Employee, plan: GoalPlan, day: date) -> None:
    """The plan, and the quarter's revision done on the day its first goal was agreed (goals
    carried over already agreed do not count: domain/quarter_close.py revised_in)."""
    uow.save_employee(replace(employee, goals=plan))
    home_refresh.refresh(uow, employee, day)  # App Home: the goals changed
    quarter = Quarter.of(day)
    if revised_in(plan, quarter) and not revised_in(employee.goals, quarter):
        uow.save_cycle(uow.cycle(employee.employee_id, quarter).with_goals_revised(day))


def set_goals(event: PlatformEvent, store: Store) -> str:
    """goals.set: the platform's list of agreed goals for the quarter (newest wins)."""
    employee_id, goals = required_id(event, "employeeId"), parse_set_goals(event.data.get("goals"))

    def step(uow: UnitOfWork, employee: Employee, day: date) -> str:
        quarter = Quarter.of(day)
        cycle = uow.cycle(employee_id, quarter)
        plan = set_by_platform(employee.goals, goals, quarter, event.occurred_at, day)
        if len(plan.counted(quarter)) > MAX_GOALS:  # with the goals agreed in Slack: 1–3, everywhere
            raise InvalidEvent(
                f"goals.set: {employee_id} would have {len(plan.counted(quarter))} active goals in "
                f"{quarter.key} with the ones agreed in Slack; at most {MAX_GOALS}",
                status=422,
                code="too_many_goals",
            )
        if plan is not employee.goals:  # a late, older event keeps the newer goals and writes none
            uow.save_employee(replace(employee, goals=plan))
            home_refresh.refresh(uow, employee, day)  # App Home: goals set on the platform
        uow.save_cycle(cycle.with_goals_revised(day))
        return "accepted"

    return on_employee(event, store, employee_id, step)


def propose_goal(event: PlatformEvent, store: Store) -> str:
    """goals.proposed: a SMART goal proposed by the employee (or the lead: proposedBy "lead"),
    sent to the other side to agree. A fourth active goal is refused with 422 too_many_goals."""
    employee_id, goal_id = required_id(event, "employeeId"), required_id(event, "goalId")
    by = event.data.get("proposedBy")
    by = EMPLOYEE if by is None else by
    details = _json_problems(event.data)
    day = stockholm_date(event.occurred_at)
    # Typed first: check_draft reads text too ("465 865"), and only whole numbers reach it from JSON.
    draft, problems = (None, []) if details else check_draft(event.data, Quarter.of(day), day)
    details += [p.detail for p in problems]
    if by not in (EMPLOYEE, LEAD):
        details.append("proposedBy must be employee or lead")
    if draft is None or details:
        raise InvalidEvent("goals.proposed: " + "; ".join(dict.fromkeys(details)), code="invalid_data")

    def step(uow: UnitOfWork, employee: Employee, day: date) -> str:
        plan, outcome = employee.goals.propose(goal_id, Quarter.of(day), draft, by, day)
        if outcome == "too_many":
            raise InvalidEvent(
                f"goals.proposed: {employee_id} has 3 active goals this quarter; finish or withdraw one first",
                status=422,
                code="too_many_goals",
            )
        if plan is not employee.goals:
            save_plan(uow, employee, plan, day)
            goal = plan.goal(goal_id, Quarter.of(day))
            if goal is not None:
                notices.proposal(uow, employee, lead_of(uow, employee), goal)
        return outcome

    return on_employee(event, store, employee_id, step)


def _json_problems(data: Mapping[str, Any]) -> list[str]:
    """check_draft also reads the modal's text ("465 865", an empty choice); JSON has types, and the
    contract says which: numbers are numbers, an absent choice is absent (or null), not "" or 0."""
    problems = [
        f"{name} must be a whole number"
        for name in ("target", "baseline")
        if data.get(name) is not None and (isinstance(data[name], bool) or not isinstance(data[name], int))
    ]
    if data.get("source") is not None and data["source"] not in SOURCES:
        problems.append(f"source must be one of {', '.join(SOURCES)}")
    if data.get("unit") is not None and not isinstance(data["unit"], str):
        problems.append("unit must be text")
    return problems


def report_progress(event: PlatformEvent, store: Store) -> str:
    """goals.progress: the measure's value now, for goals not bound to a live source."""
    value = event.data.get("value")
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_AMOUNT:
        raise InvalidEvent(f"goals.progress: value must be a whole number 0–{MAX_AMOUNT}", code="invalid_data")

    def move(plan: GoalPlan, goal: SmartGoal, day: date) -> tuple[GoalPlan, str]:
        measure = goal.draft.measure
        if measure is not None and measure.source is not None:
            log.warning("goals.progress for %s ignored: its live source %s measures it", goal.goal_id, measure.source)
            return plan, "measured_by_source"
        return plan.with_progress(goal.goal_id, goal.quarter, value, day)

    return _on_goal(event, store, move)


def mark_achieved(event: PlatformEvent, store: Store) -> str:
    """goals.achieved: the platform says so; the lead confirms before anyone celebrates."""
    return _on_goal(event, store, lambda plan, goal, day: plan.mark_achieved(goal.goal_id, goal.quarter, day))


def _on_goal(
    event: PlatformEvent, store: Store, move: Callable[[GoalPlan, SmartGoal, date], tuple[GoalPlan, str]]
) -> str:
    """A platform event about one goal (its newest version): unknown goals are logged and answered."""
    employee_id, goal_id = required_id(event, "employeeId"), required_id(event, "goalId")

    def step(uow: UnitOfWork, employee: Employee, day: date) -> str:
        goal = employee.goals.goal(goal_id)
        if goal is None:
            log.warning(
                "%s for unknown goal %s of %s", event.type, goal_id, employee_id, extra={"employeeId": employee_id}
            )
            return "unknown_goal"
        plan, outcome = move(employee.goals, goal, day)
        return _after_progress(uow, employee, plan, goal_id, goal.quarter, day, outcome)

    return on_employee(event, store, employee_id, step)


def _after_progress(
    uow: UnitOfWork, employee: Employee, plan: GoalPlan, goal_id: str, quarter: Quarter, day: date, outcome: str
) -> str:
    if plan is employee.goals:
        return outcome
    uow.save_employee(replace(employee, goals=plan))
    home_refresh.refresh(uow, employee, day)  # App Home: progress reported
    goal = plan.goal(goal_id, quarter)
    if outcome == "reached" and goal is not None:
        notices.achievement_request(uow, employee, lead_of(uow, employee), goal)
    return outcome
