"""A SMART goal as structure: specific outcome, measure, plan, relevance, due date; and its checks.

Both ways in (the platform's goal events and the Slack modal) hand the same fields to
`check_draft`, which names every problem by field, so the modal can show each one next to its
input (`response_action: errors`) and the webhook can list them in its 400.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from devplan.domain.calendar import Quarter
from devplan.domain.ids import is_valid_id
from devplan.domain.limits import MAX_MEASURE_LENGTH, MAX_TITLE_LENGTH, is_text, parse_day
from devplan.domain.metrics import MAX_AMOUNT, SOURCES
from devplan.errors import InvalidEvent

MAX_UNIT_LENGTH = 40


@dataclass(frozen=True)
class Measure:
    """The M of SMART: what is counted, from where to where."""

    metric: str  # "genomförda coachingsessioner"
    target: int
    baseline: int = 0
    unit: str = ""  # "st", "kr", "användare"
    source: str | None = None  # a live source (domain/metrics.py) that moves it by itself


@dataclass(frozen=True)
class Draft:
    """The fields of a goal as proposed; everything the agreement is about."""

    outcome: str  # S: the specific outcome
    measure: Measure | None  # M (None only for goals the platform set before measures existed)
    plan: str | None  # A: how it is achievable (plan, resources)
    relevance: str | None  # R: why it matters to the role and to Inner Journey
    due: date | None  # T: inside the goal's quarter
    measure_note: str | None = None  # a measure in words (goals.set before measures had numbers)


@dataclass(frozen=True)
class Problem:
    field: str  # outcome | metric | target | baseline | unit | source | plan | relevance | due | count
    code: str  # a catalog key under goal_form.errors
    detail: str  # the same in English, for the webhook's error


def _int(value: Any) -> int | None:
    """A whole number from JSON or a form field ("20", "465 865", 465865); None if it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        digits = value.replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
        if digits.lstrip("-").isdigit() and digits.isascii() and len(digits) <= 16:  # not "²" or "٣"
            return int(digits)
    return None


def check_draft(fields: Mapping[str, Any], quarter: Quarter, today: date) -> tuple[Draft | None, list[Problem]]:
    """Read a proposed goal's fields (outcome, metric, target, baseline, unit, source, plan,
    relevance, dueDate); a Draft when they make a SMART goal of `quarter`, else the problems."""
    problems: list[Problem] = []

    def text(name: str, limit: int, what: str, *, required: bool = True, multiline: bool = False) -> str | None:
        value = fields.get(name)
        if value in (None, "") and not required:
            return None
        if not is_text(value, limit, multiline=multiline):
            problems.append(Problem(name, f"{name}_missing", f"{name}: {what} of 1–{limit} characters is required"))
            return None
        return str(value).strip()

    outcome = text("outcome", MAX_TITLE_LENGTH, "the specific outcome")
    metric = text("metric", MAX_TITLE_LENGTH, "what is measured")
    unit = text("unit", MAX_UNIT_LENGTH, "a unit", required=False) or ""
    plan = text("plan", MAX_MEASURE_LENGTH, "how it is achievable (plan, resources)", multiline=True)
    relevance = text("relevance", MAX_MEASURE_LENGTH, "why it is relevant", multiline=True)
    target, baseline = _int(fields.get("target")), _int(fields.get("baseline") or 0)
    if target is None or not 0 < target <= MAX_AMOUNT:
        problems.append(Problem("target", "target_invalid", f"target must be a whole number 1–{MAX_AMOUNT}"))
        target = None  # one problem per field: an invalid target is not also "not above the baseline"
    if baseline is None or not 0 <= baseline <= MAX_AMOUNT:
        problems.append(Problem("baseline", "baseline_invalid", "baseline must be a whole number ≥ 0"))
    elif target is not None and baseline >= target:
        problems.append(Problem("target", "target_not_above_baseline", "target must be above the baseline"))
    source = fields.get("source") or None
    if source is not None and source not in SOURCES:
        problems.append(Problem("source", "source_unknown", f"source must be one of {', '.join(SOURCES)}"))
    due = parse_day(fields.get("dueDate"))
    if due is None:
        problems.append(Problem("due", "due_missing", "dueDate must be a date YYYY-MM-DD"))
    elif not (max(today, quarter.start) <= due <= quarter.end):
        problems.append(
            Problem("due", "due_outside_quarter", f"dueDate must be between {today} and {quarter.end} ({quarter.key})")
        )
    if problems or outcome is None or metric is None or target is None or baseline is None:
        return None, problems
    return Draft(outcome, Measure(metric, target, baseline, unit, source), plan, relevance, due), []


def parse_set_goals(raw: Any) -> tuple[tuple[str, Draft], ...]:
    """`goals.set`'s list: 1–3 goals {goalId, title, measure?, dueDate?}, ids unique. The
    platform agreed them already, so a measure in words is enough (SMART fields are optional)."""
    if not isinstance(raw, list) or not 1 <= len(raw) <= 3:
        raise InvalidEvent("goals must be a list of 1–3 goals", code="invalid_data")
    goals, problems = [], []
    for n, item in enumerate(raw, 1):
        problem = _set_goal_problem(item)
        if problem:
            problems.append(f"goal {n}: {problem}")
            continue
        note = item.get("measure")
        draft = Draft(item["title"].strip(), None, None, None, parse_day(item.get("dueDate")), note)
        goals.append((item["goalId"], draft))
    if len({g for g, _ in goals}) < len(goals):
        problems.append("goalId must differ between goals")
    if problems:
        raise InvalidEvent("goals.set: " + "; ".join(problems), code="invalid_data")
    return tuple(goals)


def _set_goal_problem(item: Any) -> str | None:
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
