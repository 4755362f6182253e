"""`/utveckling`: the asker's plan as it stands (pure rendering): this quarter's goals with their
status and progress, the deadline that applies now, and what is waiting for whom."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from devplan.domain.calendar import Quarter
from devplan.domain.cycle_record import HELD, INVITED, CycleRecord
from devplan.domain.employees import Employee
from devplan.domain.goals import AWAITING, EMPLOYEE, LEAD, SmartGoal
from devplan.domain.time_off import TimeOff
from devplan.messages.blocks import Rendered, one_section
from devplan.messages.catalog import role_name, text
from devplan.messages.dates import format_date, quarter_label
from devplan.messages.goals import amount
from devplan.messages.onboarding import channel_list
from devplan.messages.time_off import away_line

BAR_CELLS = 8


def number(lang: str, value: int) -> str:
    return f"{value:,}" if lang == "en" else f"{value:,}".replace(",", "\u00a0")


def progress_bar(lang: str, goal: SmartGoal) -> str:
    """ "▓▓▓▓▓░░░ 12/20 sessioner", or "" for a goal without a number to reach."""
    measure = goal.draft.measure
    if measure is None or measure.target <= 0:
        return ""
    value = goal.progress if goal.progress is not None else measure.baseline
    filled = max(0, min(BAR_CELLS, value * BAR_CELLS // measure.target))
    bar = "▓" * filled + "░" * (BAR_CELLS - filled)
    return f"{bar} {number(lang, value)}/{amount(lang, measure.target, measure.unit)}"


def goal_line(lang: str, goal: SmartGoal) -> str:
    """ "• *Outcome* – överenskommet (fört över från Q1 2025)" and, below, the progress bar."""
    line = text(lang, "status.goal", title=goal.title, status=text(lang, f"status.goal_status.{goal.status}"))
    if goal.carried_from is not None:
        line += " " + text(lang, "status.carried", quarter=quarter_label(lang, goal.carried_from))
    bar = progress_bar(lang, goal)
    return f"{line}\n      {bar}" if bar else line


@dataclass(frozen=True)
class TeamWaiting:
    """For a lead: how many of their team's goals wait for them."""

    to_agree: int = 0
    to_confirm: int = 0
    away: tuple[tuple[str, TimeOff], ...] = ()  # (name, period) of those away today: the lead sees who


@dataclass(frozen=True)
class PlanFacts:
    employee: Employee
    lead_name: str | None
    today: date
    cycle: CycleRecord | None  # this quarter's record, if it was opened or revised
    revision_done: bool
    team: TeamWaiting = TeamWaiting()
    advancement: tuple[str, ...] = ()  # Senior Coach progress and supervision (services/supervision.py)
    moved_deadline: date | None = None  # the goal deadline as time off moved it (domain/cycle.goal_obligation)

    @property
    def quarter(self) -> Quarter:
        return Quarter.of(self.today)


def plan_status(lang: str, facts: PlanFacts | None) -> Rendered:
    if facts is None:
        return one_section(text(lang, "status.unknown"))
    employee, quarter = facts.employee, facts.quarter
    q = quarter_label(lang, quarter)
    goals = employee.goals.still_awaiting(quarter) + employee.goals.current(quarter)
    paragraphs = [
        [
            text(lang, "status.heading", name=employee.name),
            text(lang, "status.role", role=role_name(lang, employee.role)),
            *(text(lang, "responsibility.in_plan", title=r) for r in employee.responsibilities),
        ],
        [
            text(lang, "status.goals_heading", quarter=q),
            *([goal_line(lang, g) for g in goals] or [text(lang, "status.goals_none", quarter=q)]),
            _deadline(lang, facts),
        ],
        _waiting(lang, facts, goals),
        list(facts.advancement),
        [
            *([text(lang, "status.lead", lead_name=facts.lead_name)] if facts.lead_name else []),
            text(lang, "status.channels", channels=channel_list(employee.role)),
        ],
    ]
    return one_section("\n\n".join("\n".join(p) for p in paragraphs if p))


def _deadline(lang: str, facts: PlanFacts) -> str:
    """The deadline that applies now: this quarter's revision if it has one, else the first goals'."""
    cycle, plan = facts.cycle, facts.employee.goals
    if cycle is not None and cycle.revision.deadline is not None:
        if facts.revision_done:
            done_on = cycle.revision.done_on
            if done_on is None:
                return text(lang, "status.revision_done_undated")
            return text(lang, "status.revision_done", date=format_date(lang, done_on))
        deadline = facts.moved_deadline or cycle.revision.deadline  # moved by time off (domain/time_off.py)
        key = "status.revision_overdue" if facts.today > deadline else "status.revision_due"
        return text(lang, key, deadline=format_date(lang, deadline))
    if not plan.is_set and plan.deadline is not None:
        deadline = facts.moved_deadline or plan.deadline
        key = "status.first_goals_overdue" if facts.today > deadline else "status.first_goals_due"
        return text(lang, key, deadline=format_date(lang, deadline))
    return text(lang, "status.next_revision", quarter=quarter_label(lang, facts.quarter.next()))


def _waiting(lang: str, facts: PlanFacts, goals: tuple[SmartGoal, ...]) -> list[str]:
    lead = facts.lead_name or text(lang, "status.your_lead")
    lines = []
    for goal in goals:
        if goal.waiting_for == LEAD and goal.status == AWAITING:
            lines.append(text(lang, "status.waiting_confirm", lead=lead, title=goal.title))
        elif goal.waiting_for == LEAD:
            lines.append(text(lang, "status.waiting_lead_agree", lead=lead, title=goal.title))
        elif goal.waiting_for == EMPLOYEE:
            lines.append(text(lang, "status.waiting_you_agree", lead=lead, title=goal.title))
    if facts.team.to_agree or facts.team.to_confirm:
        lines.append(text(lang, "status.waiting_team", agree=facts.team.to_agree, confirm=facts.team.to_confirm))
    lines += [away_line(lang, name, period) for name, period in facts.team.away]
    review = _review(lang, facts)
    heading = [text(lang, "status.waiting_heading")] if lines else []
    return [*heading, *lines, *([review] if review else [])]


def _review(lang: str, facts: PlanFacts) -> str:
    cycle, q = facts.cycle, quarter_label(lang, facts.quarter)
    if cycle is None:
        return ""
    if cycle.review.status == HELD and cycle.review.held_on is not None:
        return text(lang, "status.review_held", quarter=q, date=format_date(lang, cycle.review.held_on))
    if cycle.review.status == INVITED and cycle.review.invited_on is not None:
        return text(lang, "status.review_invited", quarter=q, date=format_date(lang, cycle.review.invited_on))
    return ""
