"""How far and at what cost time off moves a deadline. Periods of time off placed end to end (each
valid, ≤550 days) must not make the tick walk the years they cover day by day: the daily tick asks
`moved` some 180 times per person, and a chunk of 25 has 60 s. What the periods move is the same
as the day-by-day walk computed (compared here on random period sets), up to a sane horizon."""

from __future__ import annotations

import logging
import time
from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from devplan.domain.calendar import is_business_day
from devplan.domain.limits import LAST_SUPPORTED_DAY
from devplan.domain.time_off import MAX_MOVE, MAX_PERIOD_DAYS, PARENTAL_LEAVE, TimeOff, TimeOffBook, away, moved
from devplan.services import quarterly_cycle
from devplan.services.inputs import EmployeeChunk
from tests.unit.test_entry_points_http import seed_team
from tests.unit.test_time_off_events_late_and_repeated import post

AT = datetime(2025, 6, 2, 9, tzinfo=UTC)
_DAY = timedelta(days=1)


def book(*periods: TimeOff) -> TimeOffBook:
    result = TimeOffBook()
    for p in periods:
        result, _ = result.booked(p)
    return result


def end_to_end(first: date, count: int) -> list[TimeOff]:
    """`count` of the longest periods, each starting the day after the one before."""
    periods, start = [], first
    for i in range(count):
        end = min(start + timedelta(days=MAX_PERIOD_DAYS - 1), LAST_SUPPORTED_DAY)
        periods.append(TimeOff(f"t{i:03d}", start, end, PARENTAL_LEAVE, AT))
        start = end + _DAY
        if start > LAST_SUPPORTED_DAY:
            break
    return periods


def walked(deadline: date, since: date, time_off: TimeOffBook) -> date:
    """The rule as it was first written, one day at a time: the reference."""
    owed, day = 0, since + _DAY
    while day <= deadline:
        owed += is_business_day(day) and away(time_off, day) is not None
        day += _DAY
    day = deadline
    while owed > 0 and day < LAST_SUPPORTED_DAY:
        day += _DAY
        if is_business_day(day) and away(time_off, day) is None:
            owed -= 1
    return day


days = st.dates(min_value=date(2025, 1, 1), max_value=date(2026, 12, 31))
periods = st.builds(
    lambda i, start, length: TimeOff(f"t{i}", start, start + timedelta(days=length), PARENTAL_LEAVE, AT),
    st.integers(0, 12),
    days,
    st.one_of(st.integers(0, 20), st.integers(0, 300)),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(periods, max_size=10), days, st.integers(0, 90), st.booleans())
def test_what_time_off_moves_is_what_the_day_by_day_walk_moved(periods, since, length, chained):
    if chained and periods:  # some end to end, as a person's leave and vacation booked after it
        periods = [*periods, *end_to_end(max(p.end for p in periods) + _DAY, 2)]
    time_off = book(*periods)
    deadline = since + timedelta(days=length)
    assert moved(deadline, since, time_off) == min(walked(deadline, since, time_off), deadline + MAX_MOVE)


def test_periods_end_to_end_move_a_deadline_at_most_to_the_horizon():
    time_off = book(*end_to_end(date(2025, 7, 1), 60))
    assert moved(date(2025, 7, 15), date(2025, 7, 1), time_off) == date(2025, 7, 15) + MAX_MOVE


def test_periods_end_to_end_to_2100_cost_the_tick_little_and_are_logged(env, caplog):
    seed_team(env)
    with caplog.at_level(logging.WARNING):
        for i, period in enumerate(end_to_end(date(2025, 1, 1), 60)):
            data = {"employeeId": "anna", "timeOffId": period.time_off_id, "kind": "parental_leave"}
            data.update({"from": period.start.isoformat(), "to": period.end.isoformat()})
            assert post(env, "employee.time_off", data, f"e{i}", "2025-01-01T09:00:00+01:00").status_code == 200
    assert any("horizon" in r.getMessage() for r in caplog.records)
    started = time.process_time()
    for day in (date(2025, 4, 1), date(2025, 4, 2)):
        quarterly_cycle.run_chunk(EmployeeChunk(day, ("anna", "bo"), f"m-{day}"), env.store)
    assert time.process_time() - started < 3  # the day-by-day walk took over 50 s
