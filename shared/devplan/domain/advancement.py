"""Senior Coach: when a coach has shown enough, as pure rules (the thresholds are parameters).

A coach may be certified Senior Coach once both hold: a tenure of `months` calendar months
from the start date (13 Jan → 13 Jul; a start on the 31st reaches a shorter month on its last
day) and at least `sessions` completed coaching sessions (domain/metrics.py's exact tally).
Whichever comes last triggers the question to the lead. After the lead's "Inte än" the coach is
asked again no earlier than the opening of the next quarter (domain/cycle.opening_day)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from devplan.domain.calendar import Quarter
from devplan.domain.cycle import opening_day

SENIOR_COACH = "senior_coach"  # Employee.level once approved
DEFAULT_MONTHS, DEFAULT_SESSIONS = 6, 20  # "se separata kriterier": configurable, these by default


@dataclass(frozen=True)
class Criteria:
    months: int = DEFAULT_MONTHS
    sessions: int = DEFAULT_SESSIONS


def add_months(day: date, months: int) -> date:
    """The same day of the month `months` later (the month's last day if it has no such day)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def tenure_reached_on(start_date: date, criteria: Criteria) -> date:
    return add_months(start_date, criteria.months)


def full_months(start_date: date, today: date) -> int:
    """Whole calendar months served by `today` (the evidence the lead sees)."""
    months = (today.year - start_date.year) * 12 + today.month - start_date.month
    return max(0, months if add_months(start_date, months) <= today else months - 1)


def is_candidate(role: str, level: str | None, active: bool = True) -> bool:
    """A coach not Senior yet: the only ones the rule looks at."""
    return active and role == "coach" and level != SENIOR_COACH


def ask_again_from(not_yet_on: date | None) -> date | None:
    """After "Inte än" on a day: the next quarter's opening; None: never declined."""
    return None if not_yet_on is None else opening_day(Quarter.of(not_yet_on).next())


def eligible(start_date: date, sessions: int, today: date, criteria: Criteria) -> bool:
    return today >= tenure_reached_on(start_date, criteria) and sessions >= criteria.sessions


def due_to_ask(
    role: str,
    level: str | None,
    start_date: date,
    sessions: int,
    today: date,
    criteria: Criteria,
    not_yet_on: date | None = None,
) -> bool:
    """Whether the lead is to be asked today (the ask's id makes it once per round)."""
    again = ask_again_from(not_yet_on)
    return (
        is_candidate(role, level)
        and eligible(start_date, sessions, today, criteria)
        and (again is None or today >= again)
    )


def ask_round(not_yet_on: date | None) -> str:
    """Which round of asking a question belongs to: the first, or the one after an "Inte än"."""
    return "first" if not_yet_on is None else f"after-{not_yet_on.isoformat()}"
