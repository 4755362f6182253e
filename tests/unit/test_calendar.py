"""Real Swedish calendar facts (checked against the `holidays` library and an almanac)."""

import dataclasses
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from devplan.domain.calendar import (
    STOCKHOLM,
    Quarter,
    add_business_days,
    business_days_between,
    first_business_day,
    holiday_name,
    is_business_day,
    last_business_day,
    next_business_day,
    stockholm_date,
)
from devplan.messages.dates import quarter_label, weekday_sv

UTC = UTC


# --- stockholm_date ------------------------------------------------------------


def test_stockholm_zone():
    assert STOCKHOLM.key == "Europe/Stockholm"


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        # Summer time started 30 March 2025: UTC+2.
        (datetime(2025, 3, 31, 23, 30, tzinfo=UTC), date(2025, 4, 1)),
        # Only UTC+2 (not +1) puts 22:30Z on the next day.
        (datetime(2025, 3, 31, 22, 30, tzinfo=UTC), date(2025, 4, 1)),
        (datetime(2025, 3, 31, 21, 59, tzinfo=UTC), date(2025, 3, 31)),
        # Winter: UTC+1, so 22:59Z is 23:59 local and 23:00Z is already tomorrow.
        (datetime(2025, 1, 1, 22, 59, tzinfo=UTC), date(2025, 1, 1)),
        (datetime(2025, 1, 1, 23, 0, tzinfo=UTC), date(2025, 1, 2)),
        # Any aware zone works, not only UTC.
        (datetime(2025, 1, 1, 18, 0, tzinfo=timezone(timedelta(hours=-5))), date(2025, 1, 2)),
    ],
)
def test_stockholm_date(moment, expected):
    assert stockholm_date(moment) == expected


def test_stockholm_date_rejects_naive_datetime():
    with pytest.raises(ValueError, match="timezone-aware"):
        stockholm_date(datetime(2025, 1, 1, 12, 0))


# --- Quarter -------------------------------------------------------------------


def test_quarter_parse_key_str_and_label():
    q = Quarter.parse("2025-Q2")
    assert q == Quarter(2025, 2)
    assert q.key == "2025-Q2"
    assert str(q) == "2025-Q2"
    assert quarter_label("sv", q) == quarter_label("en", q) == "Q2 2025"


@pytest.mark.parametrize(
    "bad", ["2025Q2", "2025-Q5", "2025-Q0", "25-Q1", "2025-q2", " 2025-Q2", "2025-Q2x", "", "Q2 2025"]
)
def test_quarter_parse_rejects_bad_input_with_clear_message(bad):
    with pytest.raises(ValueError, match=r"invalid quarter .*YYYY-QN"):
        Quarter.parse(bad)


def test_quarter_number_must_be_1_to_4():
    with pytest.raises(ValueError):
        Quarter(2025, 5)
    with pytest.raises(ValueError):
        Quarter(2025, 0)


def test_quarter_is_frozen_and_hashable():
    q = Quarter(2025, 1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        q.number = 2  # type: ignore[misc]
    assert {q, Quarter(2025, 1)} == {q}


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2025, 1, 1), Quarter(2025, 1)),
        (date(2025, 3, 31), Quarter(2025, 1)),
        (date(2025, 4, 1), Quarter(2025, 2)),
        (date(2025, 6, 30), Quarter(2025, 2)),
        (date(2025, 7, 1), Quarter(2025, 3)),
        (date(2025, 9, 30), Quarter(2025, 3)),
        (date(2025, 10, 1), Quarter(2025, 4)),
        (date(2025, 12, 31), Quarter(2025, 4)),
    ],
)
def test_quarter_of(d, expected):
    assert Quarter.of(d) == expected


def test_quarter_start_and_end():
    assert (Quarter(2024, 1).start, Quarter(2024, 1).end) == (date(2024, 1, 1), date(2024, 3, 31))
    assert (Quarter(2025, 2).start, Quarter(2025, 2).end) == (date(2025, 4, 1), date(2025, 6, 30))
    assert (Quarter(2025, 3).start, Quarter(2025, 3).end) == (date(2025, 7, 1), date(2025, 9, 30))
    assert (Quarter(2025, 4).start, Quarter(2025, 4).end) == (date(2025, 10, 1), date(2025, 12, 31))


def test_quarter_next_and_previous_cross_year_boundaries():
    assert Quarter(2025, 4).next() == Quarter(2026, 1)
    assert Quarter(2026, 1).previous() == Quarter(2025, 4)
    assert Quarter(2025, 1).next() == Quarter(2025, 2)
    assert Quarter(2025, 3).previous() == Quarter(2025, 2)


def test_quarter_ordering_is_chronological():
    shuffled = [Quarter(2026, 1), Quarter(2025, 2), Quarter(2024, 4), Quarter(2025, 1)]
    assert sorted(shuffled) == [Quarter(2024, 4), Quarter(2025, 1), Quarter(2025, 2), Quarter(2026, 1)]
    assert Quarter(2024, 4) < Quarter(2025, 1) < Quarter(2025, 4) < Quarter(2026, 1)


def test_quarter_walk_round_trips_through_key():
    q = Quarter(2023, 3)
    for _ in range(12):
        assert Quarter.parse(q.key) == q
        assert q.next().previous() == q
        assert q.next().start == q.end + timedelta(days=1)
        q = q.next()
    assert q == Quarter(2026, 3)


# --- Business days -------------------------------------------------------------


@pytest.mark.parametrize(
    ("d", "name"),
    [
        (date(2025, 1, 1), "Nyårsdagen"),
        (date(2025, 1, 6), "Trettondedag jul"),
        (date(2025, 6, 6), "Nationaldagen"),
        (date(2025, 6, 20), "Midsommarafton"),
        (date(2025, 12, 24), "Julafton"),
        (date(2025, 12, 31), "Nyårsafton"),
        (date(2026, 4, 3), "Långfredagen"),
        (date(2026, 4, 6), "Annandag påsk"),
        (date(2024, 4, 1), "Annandag påsk"),
    ],
)
def test_days_off_are_not_business_days_and_have_swedish_names(d, name):
    assert d.weekday() < 5  # all weekdays: only the holiday makes them days off
    assert holiday_name(d) == name
    assert not is_business_day(d)


def test_plain_wednesday_is_a_business_day():
    assert weekday_sv(date(2025, 4, 2)) == "onsdag"
    assert is_business_day(date(2025, 4, 2))
    assert holiday_name(date(2025, 4, 2)) is None


def test_half_days_count_as_business_days():
    # Trettondagsafton (Mon 5 Jan 2026) and skärtorsdagen (Thu 2 Apr 2026) close at 14:00, not all day.
    assert is_business_day(date(2026, 1, 5))
    assert is_business_day(date(2026, 4, 2))


def test_weekends_are_not_business_days_and_plain_sundays_have_no_holiday_name():
    assert not is_business_day(date(2025, 4, 5))  # Saturday
    assert not is_business_day(date(2025, 4, 6))  # Sunday
    assert holiday_name(date(2025, 4, 6)) is None  # not "Söndag"
    assert holiday_name(date(2026, 6, 6)) == "Nationaldagen"  # a Saturday


def test_datetimes_are_rejected_to_force_a_stockholm_conversion():
    with pytest.raises(TypeError):
        is_business_day(datetime(2025, 4, 2, 12, tzinfo=UTC))


@pytest.mark.parametrize(
    ("quarter", "opens", "weekday"),
    [
        ("2025-Q1", date(2025, 1, 2), "torsdag"),  # 1 Jan is nyårsdagen
        ("2026-Q1", date(2026, 1, 2), "fredag"),
        ("2028-Q1", date(2028, 1, 3), "måndag"),  # 1 Jan 2028 is a Saturday
        ("2024-Q2", date(2024, 4, 2), "tisdag"),  # 1 Apr 2024 was annandag påsk
        ("2026-Q2", date(2026, 4, 1), "onsdag"),  # before långfredagen 3 Apr
        ("2025-Q3", date(2025, 7, 1), "tisdag"),
        ("2025-Q4", date(2025, 10, 1), "onsdag"),
    ],
)
def test_first_business_day(quarter, opens, weekday):
    assert first_business_day(Quarter.parse(quarter)) == opens
    assert weekday_sv(opens) == weekday


def test_last_business_day():
    assert last_business_day(Quarter(2025, 4)) == date(2025, 12, 30)  # 31 Dec is nyårsafton
    assert last_business_day(Quarter(2025, 1)) == date(2025, 3, 31)
    assert last_business_day(Quarter(2028, 1)) == date(2028, 3, 31)
    assert last_business_day(Quarter(2025, 2)) == date(2025, 6, 30)


def test_next_business_day():
    assert next_business_day(date(2025, 4, 2)) == date(2025, 4, 2)
    assert next_business_day(date(2025, 4, 2), include_today=False) == date(2025, 4, 3)
    assert next_business_day(date(2025, 12, 24)) == date(2025, 12, 29)  # julafton..annandag jul, weekend
    assert next_business_day(date(2025, 12, 30), include_today=False) == date(2026, 1, 2)


def test_add_business_days():
    # Friday 3 Jan 2025 + 1 skips the weekend and trettondedag jul (Mon 6 Jan).
    assert add_business_days(date(2025, 1, 3), 1) == date(2025, 1, 7)
    # Easter 2026: långfredagen 3 Apr, annandag påsk 6 Apr.
    assert add_business_days(date(2026, 4, 1), 2) == date(2026, 4, 7)
    assert add_business_days(date(2025, 4, 2), 0) == date(2025, 4, 2)


def test_add_business_days_from_a_day_off_rolls_forward_first():
    saturday = date(2025, 1, 4)  # followed by Sunday and trettondedag jul
    assert add_business_days(saturday, 0) == date(2025, 1, 7)
    assert add_business_days(saturday, 1) == date(2025, 1, 8)


def test_add_business_days_rejects_negative_n():
    with pytest.raises(ValueError):
        add_business_days(date(2025, 4, 2), -1)


def test_business_days_between_is_half_open():
    assert business_days_between(date(2025, 1, 3), date(2025, 1, 7)) == 1  # only the 7th
    assert business_days_between(date(2025, 4, 2), date(2025, 4, 2)) == 0
    assert business_days_between(date(2025, 4, 9), date(2025, 4, 2)) == 0
    # Mon 22, Tue 23, Mon 29, Tue 30 Dec; Fri 2, Mon 5, Wed 7 Jan.
    assert business_days_between(date(2025, 12, 19), date(2026, 1, 7)) == 7


def test_business_days_between_inverts_add_business_days():
    start = date(2025, 12, 15)
    for offset in range(30):
        d = start + timedelta(days=offset)
        if not is_business_day(d):
            continue
        for n in range(8):
            assert business_days_between(d, add_business_days(d, n)) == n
