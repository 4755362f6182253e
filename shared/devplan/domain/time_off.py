"""Time off, "utan pekpinnar": a person pauses the plan for a period (semester, parental leave).

Pure rules over a person's periods of time off (`TimeOffBook`, kept on the employee):
- `away(book, day)`: the period the person is away in on `day`, if any. While away, the
  cycle's reminders and nudges are not sent (domain/cycle.py asks `away`).
- `moved(deadline, since, book)`: a deadline whose clock started on `since` (the business days
  after it count, as calendar.add_business_days counts them) moves by the Swedish business days
  the person is away in (since, moved deadline], so they get as many working business days as
  without the time off. Never earlier; unchanged when nothing was missed; at most MAX_MOVE later
  (periods booked end to end could otherwise push it to the end of the calendar).

Events arrive at least once and in any order: a period is known by its id, the newest event
about it wins (by the platform's `occurredAt`), and a cancellation is final for that id (a new
booking is a new id), so the book is the same whatever order the same events come in. Only the
newest MAX_CANCELLED cancellations are kept (the document must stay far inside Firestore's
1 MiB whatever is sent): one forgotten lets at worst a very late booking of that id through.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import Any

from devplan.domain.calendar import is_business_day
from devplan.domain.ids import is_valid_id
from devplan.domain.limits import LAST_SUPPORTED_DAY, parse_day
from devplan.errors import InvalidEvent

VACATION, PARENTAL_LEAVE, OTHER = "vacation", "parental_leave", "other"
KINDS = (VACATION, PARENTAL_LEAVE, OTHER)
MAX_PERIOD_DAYS = 550  # parental leave: 480 days, spread out; longer is not one period of ours
MAX_PERIODS = 100  # kept per person (a document holds them all); the oldest ended go first
MAX_MOVE = timedelta(days=2 * MAX_PERIOD_DAYS)  # the furthest time off moves a deadline: two long leaves
MAX_CANCELLED = 200  # cancelled ids kept per person (≤128 characters each: ~30 KB); the oldest said go first
_DAY = timedelta(days=1)


@dataclass(frozen=True)
class TimeOff:
    time_off_id: str
    start: date
    end: date  # the last day away (inclusive)
    kind: str
    occurred_at: datetime  # when the platform (or Slack) said so: the newest wins

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class Cancellation:
    time_off_id: str
    occurred_at: datetime  # when it was said: the newest MAX_CANCELLED are kept


@dataclass(frozen=True)
class TimeOffBook:
    periods: tuple[TimeOff, ...] = ()  # by id
    cancellations: tuple[Cancellation, ...] = ()  # by id; ids cancelled, whatever came first

    @cached_property
    def cancelled(self) -> frozenset[str]:
        return frozenset(c.time_off_id for c in self.cancellations)

    @cached_property
    def active(self) -> tuple[TimeOff, ...]:
        return tuple(p for p in self.periods if p.time_off_id not in self.cancelled)

    @cached_property
    def runs(self) -> tuple[tuple[date, date], ...]:
        """The days away as (first, last) runs by first day, overlapping or adjacent periods joined:
        what `moved` steps over (asked some 180 times a tick per person: computed once per book)."""
        joined: list[tuple[date, date]] = []
        for p in sorted(self.active, key=lambda p: p.start):
            if joined and p.start <= joined[-1][1] + _DAY:
                joined[-1] = (joined[-1][0], max(joined[-1][1], p.end))
            else:
                joined.append((p.start, p.end))
        return tuple(joined)

    def period(self, time_off_id: str) -> TimeOff | None:
        return next((p for p in self.periods if p.time_off_id == time_off_id), None)

    def booked(self, period: TimeOff) -> tuple[TimeOffBook, str]:
        """(book, outcome): `recorded`, `unchanged`, `stale` (an older event than the one kept)
        or `already_cancelled`."""
        if period.time_off_id in self.cancelled:
            return self, "already_cancelled"
        known = self.period(period.time_off_id)
        if known is not None:
            if _same(known, period):
                return self, "unchanged"
            if _rank(period) < _rank(known):
                return self, "stale"
        others = tuple(p for p in self.periods if p.time_off_id != period.time_off_id)
        return replace(self, periods=_kept((*others, period))), "recorded"

    def cancel(self, time_off_id: str, at: datetime) -> tuple[TimeOffBook, str]:
        """`cancelled` (also before the booking arrives: it then never counts) or `already_cancelled`.
        Beyond MAX_CANCELLED the oldest said are forgotten, and their periods with them (a
        cancelled period must not count again once its cancellation is let go)."""
        if time_off_id in self.cancelled:
            return self, "already_cancelled"
        said = sorted(
            (*self.cancellations, Cancellation(time_off_id, at)), key=lambda c: (c.occurred_at, c.time_off_id)
        )
        forgotten = {c.time_off_id for c in said[:-MAX_CANCELLED]}
        periods = tuple(p for p in self.periods if p.time_off_id not in forgotten)
        kept = tuple(sorted(said[-MAX_CANCELLED:], key=lambda c: c.time_off_id))
        return TimeOffBook(periods, kept), "cancelled"


def away(book: TimeOffBook, day: date) -> TimeOff | None:
    """The period the person is away in on `day` (the one ending last, if periods overlap)."""
    covering = [p for p in book.active if p.covers(day)]
    return max(covering, key=lambda p: (p.end, p.time_off_id)) if covering else None


def upcoming(book: TimeOffBook, start: date, end: date) -> tuple[TimeOff, ...]:
    """Periods overlapping [start, end], by their first day: what a lead sees on the agenda."""
    return tuple(sorted((p for p in book.active if p.start <= end and p.end >= start), key=lambda p: p.start))


def days_off(book: TimeOffBook, start: date, end: date) -> int:
    """Business days in [start, end] on which the person is away (each day of it looked at once)."""
    count = 0
    for first, last in book.runs:
        day = max(first, start)
        while day <= min(last, end):
            count += is_business_day(day)
            day += _DAY
    return count


def moved(deadline: date, since: date, book: TimeOffBook) -> date:
    """The deadline moved past the business days away in (since, moved]: from the deadline on,
    one more working business day for each one missed (days away after the deadline are
    skipped, not counted), so the time to do it is the same as without the time off. A run of
    days away is stepped over at once (periods end to end reach years ahead), and the deadline
    moves at most MAX_MOVE (services/time_off.py logs a booking reaching further)."""
    owed = days_off(book, since + _DAY, deadline)
    if owed == 0:
        return deadline
    horizon, runs, i = min(deadline + MAX_MOVE, LAST_SUPPORTED_DAY), book.runs, 0
    day = deadline
    while owed > 0 and day < horizon:
        day += _DAY
        while i < len(runs) and runs[i][1] < day:
            i += 1
        if i < len(runs) and runs[i][0] <= day:
            day = runs[i][1]  # away until then: not one of the days owed
        elif is_business_day(day):
            owed -= 1
    return max(deadline, min(day, horizon))


def parse_time_off(data: dict[str, Any], occurred_at: datetime) -> tuple[str, TimeOff]:
    """(employee id, period) of `employee.time_off`; every problem is named in one InvalidEvent."""
    employee_id, time_off_id, kind = data.get("employeeId"), data.get("timeOffId"), data.get("kind")
    start, end = parse_day(data.get("from")), parse_day(data.get("to"))
    problems = []
    if not is_valid_id(employee_id) or not is_valid_id(time_off_id):
        problems.append("employeeId and timeOffId must be 1–128 letters, digits, '_', '-' or '.'")
    if start is None or end is None:
        problems.append("from and to must be dates YYYY-MM-DD in 2000–2100")
    elif end < start or (end - start).days >= MAX_PERIOD_DAYS:
        problems.append(f"to must be on or after from, at most {MAX_PERIOD_DAYS} days in all")
    if kind not in KINDS:
        problems.append(f"kind must be one of {', '.join(KINDS)}")
    if problems or not (isinstance(employee_id, str) and isinstance(time_off_id, str) and isinstance(kind, str)):
        raise InvalidEvent("employee.time_off: " + "; ".join(problems), code="invalid_data")
    assert start is not None and end is not None  # problems named them otherwise
    return employee_id, TimeOff(time_off_id, start, end, kind, occurred_at)


def parse_cancellation(data: dict[str, Any]) -> tuple[str, str]:
    """(employee id, time off id) of `employee.time_off_cancelled`."""
    employee_id, time_off_id = data.get("employeeId"), data.get("timeOffId")
    if not is_valid_id(employee_id) or not is_valid_id(time_off_id):
        raise InvalidEvent("employee.time_off_cancelled: employeeId and timeOffId must be ids", code="invalid_data")
    return str(employee_id), str(time_off_id)


def _same(a: TimeOff, b: TimeOff) -> bool:
    return (a.start, a.end, a.kind) == (b.start, b.end, b.kind)


def _rank(p: TimeOff) -> tuple[datetime, date, date, str]:
    """The newest event wins; two of the same moment: the later period (the same whatever the order)."""
    return (p.occurred_at, p.end, p.start, p.kind)


def _kept(periods: tuple[TimeOff, ...]) -> tuple[TimeOff, ...]:
    """By id; beyond MAX_PERIODS the periods that ended first are let go (they move nothing any more)."""
    newest = sorted(periods, key=lambda p: (p.end, p.time_off_id))[-MAX_PERIODS:]
    return tuple(sorted(newest, key=lambda p: p.time_off_id))
