"""SMART development goals: how many, and when they are due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from devplan.domain.calendar import add_business_days, next_business_day
from devplan.domain.ids import is_valid_id
from devplan.domain.limits import MAX_MEASURE_LENGTH, MAX_TITLE_LENGTH, is_text, parse_day
from devplan.errors import InvalidEvent

MIN_GOALS, MAX_GOALS = 1, 3
# A new employee sets their first goals within two working weeks of starting, counted in
# Swedish business days from the first business day on or after the start date: enough
# time to meet the lead, short enough that the first quarter is not lost.
FIRST_GOALS_BUSINESS_DAYS = 10


def first_goal_deadline(start_date: date) -> date:
    return add_business_days(next_business_day(start_date), FIRST_GOALS_BUSINESS_DAYS)


@dataclass(frozen=True)
class Goal:
    goal_id: str
    title: str
    measure: str | None = None  # how progress is measured (the M of SMART)
    due: date | None = None  # the T of SMART


@dataclass(frozen=True)
class GoalPlan:
    """An employee's current goals and the deadline they answer to."""

    deadline: date | None = None  # the first goals' deadline (onboarding)
    items: tuple[Goal, ...] = ()
    set_at: datetime | None = None  # when the platform said they were set (newest wins)
    set_on: date | None = None

    @property
    def is_set(self) -> bool:
        return self.set_at is not None

    def replaced_by(self, goals: tuple[Goal, ...], set_at: datetime, set_on: date) -> GoalPlan:
        """Goals set at `set_at`; an older, late event keeps the newer goals. Two sets at the same
        moment are told apart by their content, so the same events give the same goals in any order."""
        if self.set_at is not None and (self.set_at, _order(self.items)) >= (set_at, _order(goals)):
            return self
        return GoalPlan(self.deadline, goals, set_at, set_on)


def _order(goals: tuple[Goal, ...]) -> tuple[tuple[str, str, str, str], ...]:
    """A total order of goal lists (None sorts first), for ties of `set_at` only."""
    return tuple((g.goal_id, g.title, g.measure or "", g.due.isoformat() if g.due else "") for g in goals)


def parse_goals(raw: Any) -> tuple[Goal, ...]:
    """1–3 goals, each with an id and a title, ids unique; problems named in one InvalidEvent."""
    if not isinstance(raw, list) or not MIN_GOALS <= len(raw) <= MAX_GOALS:
        raise InvalidEvent(f"goals must be a list of {MIN_GOALS}–{MAX_GOALS} goals", code="invalid_data")
    goals, problems = [], []
    for n, item in enumerate(raw, 1):
        problem = _goal_problem(item)
        if problem:
            problems.append(f"goal {n}: {problem}")
            continue
        measure = item.get("measure")
        goals.append(Goal(item["goalId"], item["title"].strip(), measure, parse_day(item.get("dueDate"))))
    if len({g.goal_id for g in goals}) < len(goals):
        problems.append("goalId must differ between goals")
    if problems:
        raise InvalidEvent("goals.set: " + "; ".join(problems), code="invalid_data")
    return tuple(goals)


def _goal_problem(item: Any) -> str | None:
    if not isinstance(item, dict):
        return "must be an object {goalId, title, measure?, dueDate?}"
    if not is_valid_id(item.get("goalId")):
        return "goalId must be 1–128 letters, digits, '_', '-' or '.'"
    if not is_text(item.get("title"), MAX_TITLE_LENGTH):
        return f"title must be text of 1–{MAX_TITLE_LENGTH} characters on one line"
    measure = item.get("measure")
    if measure is not None and not is_text(measure, MAX_MEASURE_LENGTH, multiline=True):
        return f"measure must be text of 1–{MAX_MEASURE_LENGTH} characters"
    due = item.get("dueDate")
    if due is not None and parse_day(due) is None:
        return "dueDate must be a date YYYY-MM-DD in 2000–2100"
    return None
