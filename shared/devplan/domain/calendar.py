"""Business time for a Swedish company: quarters and Swedish business days.

Dates as text (month names, weekdays, quarter labels) live in devplan.messages.dates.

Pure domain code with no clock: callers turn their aware "now" into a Stockholm
date with `stockholm_date` and ask everything else in dates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays

# DE_FACTO exists from holidays 0.88; older versions fail here, loudly, rather
# than silently treating julafton as a working day.
from holidays.constants import DE_FACTO, PUBLIC
from holidays.countries.sweden import Sweden

from devplan.domain.limits import FIRST_SUPPORTED_DAY, LAST_SUPPORTED_DAY

STOCKHOLM = ZoneInfo("Europe/Stockholm")

_ONE_DAY = timedelta(days=1)


def stockholm_date(moment: datetime) -> date:
    """The calendar date in Stockholm at `moment`. A naive datetime is rejected:
    guessing its zone is how a job meant for "the first business day" runs a day
    early or late around midnight."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"moment must be timezone-aware, got naive {moment!r}")
    return moment.astimezone(STOCKHOLM).date()


# --- Quarters ----------------------------------------------------------------

# ASCII digits only: \d also matches "٢٠٢٥", which int() reads as 2025 and the key writes back as
# another text. The years are the supported days' (limits.py, within the holiday tables' range):
# year 0 or 9999 has no quarter start or next quarter, and no one has a cycle in 1999 or 2101.
_QUARTER_KEY = re.compile(r"([0-9]{4})-Q([1-4])")
_QUARTER_YEARS = range(FIRST_SUPPORTED_DAY.year, LAST_SUPPORTED_DAY.year + 1)


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter; field order (year, number) makes ordering chronological."""

    year: int
    number: int

    def __post_init__(self) -> None:
        if not 1 <= self.number <= 4:
            raise ValueError(f"quarter number must be 1-4, got {self.number}")

    @classmethod
    def of(cls, d: date) -> Quarter:
        return cls(d.year, (d.month - 1) // 3 + 1)

    @classmethod
    def parse(cls, key: str) -> Quarter:
        """Inverse of `.key`: "2025-Q2" -> Quarter(2025, 2), for a supported year only."""
        match = _QUARTER_KEY.fullmatch(key) if isinstance(key, str) else None
        if match is None or int(match[1]) not in _QUARTER_YEARS:
            years = f"{_QUARTER_YEARS[0]}-{_QUARTER_YEARS[-1]}"
            raise ValueError(f"invalid quarter {key!r:.40}: expected 'YYYY-QN' (N 1-4, year {years}), e.g. '2025-Q2'")
        return cls(int(match[1]), int(match[2]))

    @property
    def key(self) -> str:
        """Stable identifier, sortable as text; used in storage and messages."""
        return f"{self.year:04d}-Q{self.number}"

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        return self.next().start - _ONE_DAY

    def next(self) -> Quarter:
        if self.number == 4:
            return Quarter(self.year + 1, 1)
        return Quarter(self.year, self.number + 1)

    def previous(self) -> Quarter:
        return Quarter.of(self.start - _ONE_DAY)

    def __str__(self) -> str:
        return self.key


# --- Business days -----------------------------------------------------------
# A business day is Monday-Friday that is neither a Swedish public holiday
# ("allmän helgdag") nor one of the three eves Swedish employers give off:
# midsommarafton, julafton and nyårsafton. Those eves are not public holidays in
# law (1989:253), but the annual leave act (1977:480, 3 a §) treats them like
# Sundays and offices are closed; the `holidays` library calls them DE_FACTO.
# Half days ("från kl. 14.00", the library's BANK category) count as business days.


@cache  # Building a holiday table is slow relative to a lookup; years recur constantly.
def _days_off(year: int) -> holidays.HolidayBase:
    return Sweden(
        years=year,
        categories=(PUBLIC, DE_FACTO),
        # Older versions default to listing every Sunday as "Söndag"; weekends
        # are handled separately and must not show up as a holiday name.
        include_sundays=False,
        # Without it the names follow the process locale (English under C.UTF-8).
        language="sv",
        # A frozen per-year table: lookups outside the year must not mutate it.
        expand=False,
    )


def _require_date(d: date) -> None:
    # datetime is a subclass of date; its date() may not be the Stockholm date.
    if isinstance(d, datetime):
        raise TypeError("pass a date; convert datetimes with stockholm_date() first")


def holiday_name(d: date) -> str | None:
    """Swedish name of the public holiday or de-facto day off on `d`, if any; also
    on weekends (2026-06-06, a Saturday, is "Nationaldagen"). Coinciding days are
    joined with "; " by the library."""
    _require_date(d)
    return _days_off(d.year).get(d)


def is_business_day(d: date) -> bool:
    _require_date(d)
    return d.weekday() < 5 and d not in _days_off(d.year)


def next_business_day(d: date, *, include_today: bool = True) -> date:
    """First business day on or after `d` (strictly after if include_today=False)."""
    day = d if include_today else d + _ONE_DAY
    while not is_business_day(day):
        day += _ONE_DAY
    return day


def add_business_days(d: date, n: int) -> date:
    """The date `n` business days after `d`.

    A non-business `d` is first rolled forward to the next business day, then `n`
    is added (like numpy's busday_offset with roll="forward"): adding 0 to a
    Saturday gives Monday, adding 2 gives Wednesday; the clock starts when the
    office opens.
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    day = next_business_day(d)
    for _ in range(n):
        day = next_business_day(day, include_today=False)
    return day


def business_days_between(a: date, b: date) -> int:
    """Number of business days in (a, b]; 0 if b <= a. Half-open so that
    business_days_between(d, add_business_days(d, n)) == n for a business day d."""
    count, day = 0, a + _ONE_DAY
    while day <= b:
        count += is_business_day(day)
        day += _ONE_DAY
    return count


def first_business_day(q: Quarter) -> date:
    """The day the quarter "opens": its first business day."""
    return next_business_day(q.start)


def last_business_day(q: Quarter) -> date:
    day = q.end
    while not is_business_day(day):
        day -= _ONE_DAY
    return day
