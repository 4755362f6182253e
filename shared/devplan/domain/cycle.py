"""The quarterly cycle as pure rules: what is due for one employee as of one day.

Given what the system knows (the employee, their quarter's cycle record, their reflections)
and "today" (the tick's day in Stockholm), `due_actions` lists what to do. Every action has
a key that is recorded once done, so a day run twice, or a later day, never repeats it.

The rules, in Swedish business days (weekends, public holidays, midsommar-, jul- and
nyårsafton off):
- The quarter opens on its first business day. Everyone active is invited to the 1:1 with
  their lead; a missed opening is caught up by the next tick in the same quarter.
- Goal revision is due REVISION_BUSINESS_DAYS after the opening. Someone who started fewer
  than NEW_STARTER_DAYS before the opening revises nothing: their first goals from
  onboarding (and that deadline) stand, and the 1:1 agenda says so.
- At the opening, goals still proposed or agreed in an earlier quarter are carried over into
  this one (they count toward its 1–3). The revision is done when, in the quarter, the pair
  agreed a goal (a new one, a changed one, a carried-over proposal; goals the platform sets
  count as agreed), or marked a carried-over goal missed, or held the 1:1 with agreed goals in
  place (keeping carried-over goals as they are is a decision of the revision too). Carried-over
  agreed goals alone do not revise anything. Goals proposed and not agreed count as not set.
- Goals not set: a nudge GOAL_NUDGE_BUSINESS_DAYS before the deadline, the lead told the
  first business day after it.
- 1:1 not marked held: both reminded after REVIEW_REMINDER_BUSINESS_DAYS, the lead
  escalated after REVIEW_ESCALATION_BUSINESS_DAYS.
- No reflection logged in the quarter: from three weeks before the quarter ends, a gentle
  nudge at most once a week, none once one is logged.
- A project lead gets last quarter's digest of their team from the business day after their
  quarter opened (not on the opening day, which already reads everyone).
- A funding application still a draft: reminded 14 and 3 days before its deadline, once each
  (domain/funding.py; recorded on the application, so a quarter's turn never repeats one).
Messages go out on business days only; a weekend's due reminder goes out on Monday.
- Time off (domain/time_off.py): no reminder or nudge while the person is away, and the goal
  deadline and the 1:1's reminders move by the business days they are away.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from devplan.domain.calendar import (
    Quarter,
    add_business_days,
    first_business_day,
    is_business_day,
    next_business_day,
)
from devplan.domain.funding import FundingBook
from devplan.domain.snooze import SKIPPED, Snooze, waiting_for
from devplan.domain.time_off import TimeOffBook, away, moved

NEW_STARTER_DAYS = 30
REVISION_BUSINESS_DAYS = 10
GOAL_NUDGE_BUSINESS_DAYS = 2
REVIEW_REMINDER_BUSINESS_DAYS = 10
REVIEW_ESCALATION_BUSINESS_DAYS = 20
REFLECTION_WINDOW_DAYS = 21
REFLECTION_NUDGE_EVERY_DAYS = 7


@dataclass(frozen=True)
class EmployeeFacts:
    employee_id: str
    start_date: date
    has_lead: bool
    active: bool = True
    first_goals_deadline: date | None = None  # from onboarding
    first_goals_set: bool = False
    goals_revised: bool = False  # domain/quarter_close.revised_in: read from the goals themselves
    keeps_goals: bool = False  # agreed goals in the quarter (carried over or new)
    senior_coach_from: date | None = None  # a coach not Senior yet: from when to check (domain/advancement.py)
    supervised: bool = False  # a coach with a supervisor: a nudge to the pair each month
    funding: FundingBook = field(default_factory=FundingBook)  # applications with deadlines
    time_off: TimeOffBook = field(default_factory=TimeOffBook)  # periods away: reminders pause, deadlines move


@dataclass(frozen=True)
class CycleFacts:
    """What the quarter's cycle record says (absent record: nothing done yet)."""

    opened_on: date | None = None
    revision_deadline: date | None = None
    revision_done: bool = False
    review_held: bool = False
    done_keys: frozenset[str] = field(default_factory=frozenset)
    reflections: int = 0
    last_reflection_nudge: date | None = None
    next_quarter_opened: bool = False
    snoozes: tuple[Snooze, ...] = ()  # "Inte nu" (domain/snooze.py)


@dataclass(frozen=True)
class Action:
    kind: str  # open_quarter | goal_nudge | goal_overdue | review_reminder | review_escalation | reflection_nudge
    # | senior_coach_check | supervision_nudge | funding_reminder | quarter_digest
    key: str  # once-only key, recorded on the cycle when done
    deadline: date | None = None


def opening_day(quarter: Quarter) -> date:
    return first_business_day(quarter)


def revision_deadline(quarter: Quarter) -> date:
    return add_business_days(opening_day(quarter), REVISION_BUSINESS_DAYS)


def is_new_starter(start_date: date, quarter: Quarter) -> bool:
    return start_date > opening_day(quarter) - timedelta(days=NEW_STARTER_DAYS)


def revision_done(person: EmployeeFacts, cycle: CycleFacts) -> bool:
    return cycle.revision_done or person.goals_revised or (cycle.review_held and person.keeps_goals)


def goal_obligation(person: EmployeeFacts, cycle: CycleFacts) -> tuple[str, date, bool] | None:
    """(key suffix, deadline, done) of the goals currently due, if any; the deadline moved by
    the person's time off since the clock started (the opening, or their start date)."""
    if cycle.revision_deadline is not None:
        since = _business_days_before(cycle.revision_deadline, REVISION_BUSINESS_DAYS)
        return "revision", moved(cycle.revision_deadline, since, person.time_off), revision_done(person, cycle)
    if person.first_goals_deadline is not None:
        deadline = moved(person.first_goals_deadline, next_business_day(person.start_date), person.time_off)
        return "first", deadline, person.first_goals_set
    return None


def due_actions(person: EmployeeFacts, quarter: Quarter, cycle: CycleFacts, today: date) -> list[Action]:
    if not person.active or cycle.next_quarter_opened or Quarter.of(today) != quarter:
        return []
    if not is_business_day(today) or today < person.start_date:
        return []
    actions: list[Action] = []
    opening = opening_day(quarter)
    opened_on = cycle.opened_on
    if opened_on is None and today >= opening and person.start_date <= opening:
        actions.append(Action("open_quarter", "open"))
        opened_on = today
        if not is_new_starter(person.start_date, quarter):
            cycle = CycleFacts(**{**cycle.__dict__, "revision_deadline": revision_deadline(quarter)})
    if opened_on is not None and today >= digest_day(opened_on):  # last quarter is closed
        # Any role may lead, and who leads whom is on the others' records, which the person's
        # facts do not read: so everyone asks once a quarter, in the digest's handler (a chunk's
        # people at once, services/digest.team_digests_of), and someone who led nobody is sent
        # nothing, the key done all the same. Not a flag kept on the lead's record: every
        # onboarding, lead change and offboarding of someone else would have to keep it right.
        actions.append(Action("quarter_digest", "quarter-digest"))
    actions += _goal_reminders(person, cycle, today)
    if opened_on is not None and person.has_lead and not cycle.review_held:
        actions += _review_reminders(quarter, today, person.time_off)
    if person.start_date <= quarter.end - timedelta(days=REFLECTION_WINDOW_DAYS):
        actions += _reflection_nudge(quarter, cycle, today)
    if person.senior_coach_from is not None and today >= person.senior_coach_from:  # tenure may be the last criterion
        actions.append(Action("senior_coach_check", f"senior-coach-check:{person.senior_coach_from.isoformat()}"))
    if person.supervised and today >= _first_business_day_of_month(today):
        actions.append(Action("supervision_nudge", f"supervision-nudge:{today.year:04d}-{today.month:02d}"))
    actions += [Action("funding_reminder", r.key, r.deadline) for r in person.funding.reminders_due(today)]
    # Nothing paused is sent on a day away (and a snooze waits for a nudge that is sent);
    # a reminder the person said "inte nu" to is skipped once (domain/snooze.py).
    actions = [a for a in actions if not _paused(person, a, today)]
    actions = [replace(a, kind=SKIPPED) if waiting_for(cycle.snoozes, a.key) else a for a in actions]
    return [a for a in actions if a.key not in cycle.done_keys]


# Time off "utan pekpinnar": none of these is sent on a day away; each comes when still due after.
PAUSED_WHILE_AWAY = frozenset(
    {"goal_nudge", "goal_overdue", "review_reminder", "review_escalation", "reflection_nudge"}
    | {"supervision_nudge", "funding_reminder"}
)


def _paused(person: EmployeeFacts, action: Action, today: date) -> bool:
    return action.kind in PAUSED_WHILE_AWAY and away(person.time_off, today) is not None


def digest_day(opened_on: date) -> date:
    """The business day after the person's quarter opened: the opening already reads everyone
    (bench/cost.py), so the digest's ~4 reads a person fall on a day of their own."""
    return next_business_day(opened_on, include_today=False)


def review_due(quarter: Quarter, time_off: TimeOffBook, business_days: int = REVIEW_REMINDER_BUSINESS_DAYS) -> date:
    """When the 1:1 is reminded (or, with REVIEW_ESCALATION_BUSINESS_DAYS, escalated): moved by time off."""
    opening = opening_day(quarter)
    return moved(add_business_days(opening, business_days), opening, time_off)


def _goal_reminders(person: EmployeeFacts, cycle: CycleFacts, today: date) -> list[Action]:
    obligation = goal_obligation(person, cycle)
    if obligation is None or obligation[2]:
        return []
    which, deadline, _ = obligation
    nudge_from = _business_days_before(deadline, GOAL_NUDGE_BUSINESS_DAYS)
    if today > deadline:
        return [Action("goal_overdue", f"goal-overdue:{which}", deadline)]
    if today >= nudge_from:
        return [Action("goal_nudge", f"goal-nudge:{which}", deadline)]
    return []


def _review_reminders(quarter: Quarter, today: date, time_off: TimeOffBook) -> list[Action]:
    if today >= review_due(quarter, time_off, REVIEW_ESCALATION_BUSINESS_DAYS):
        return [Action("review_escalation", "review-escalation")]
    if today >= review_due(quarter, time_off):
        return [Action("review_reminder", "review-reminder")]
    return []


def _reflection_nudge(quarter: Quarter, cycle: CycleFacts, today: date) -> list[Action]:
    if cycle.reflections > 0 or today < quarter.end - timedelta(days=REFLECTION_WINDOW_DAYS):
        return []
    last = cycle.last_reflection_nudge
    if last is not None and (today - last).days < REFLECTION_NUDGE_EVERY_DAYS:
        return []
    return [Action("reflection_nudge", f"reflection-nudge:{today.isoformat()}")]


def _first_business_day_of_month(day: date) -> date:
    first = day.replace(day=1)
    while not is_business_day(first):
        first += timedelta(days=1)
    return first


def _business_days_before(d: date, n: int) -> date:
    """The business day n business days before d (d itself counts as day 0)."""
    day, left = d, n
    while left > 0:
        day -= timedelta(days=1)
        if is_business_day(day):
            left -= 1
    return day
