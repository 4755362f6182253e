"""The Senior Coach rule at its edges: 19 vs 20 sessions, the day before vs the day of six
calendar months, configurable thresholds, and "Inte än" waiting for the next quarter's opening."""

from __future__ import annotations

from datetime import date

import pytest

from devplan.domain.advancement import (
    SENIOR_COACH,
    Criteria,
    add_months,
    ask_again_from,
    ask_round,
    due_to_ask,
    eligible,
    full_months,
)

START = date(2025, 1, 13)
DEFAULT = Criteria()


def test_six_calendar_months_from_13_january_is_13_july():
    assert add_months(START, 6) == date(2025, 7, 13)
    assert add_months(date(2025, 8, 31), 6) == date(2026, 2, 28)  # no 31 February: its last day
    assert add_months(date(2024, 8, 31), 6) == date(2025, 2, 28)
    assert add_months(date(2025, 9, 30), 4) == date(2026, 1, 30)


@pytest.mark.parametrize(
    ("sessions", "day", "expected"),
    [
        (20, date(2025, 7, 12), False),  # 5.9 months
        (20, date(2025, 7, 13), True),  # 6 months
        (19, date(2025, 7, 13), False),
        (19, date(2026, 7, 13), False),  # tenure alone is never enough
        (21, date(2025, 7, 13), True),
    ],
)
def test_the_rule_at_its_edges(sessions, day, expected):
    assert eligible(START, sessions, day, DEFAULT) is expected
    assert due_to_ask("coach", None, START, sessions, day, DEFAULT) is expected


def test_whole_months_served_are_the_evidence():
    assert full_months(START, date(2025, 7, 12)) == 5
    assert full_months(START, date(2025, 7, 13)) == 6
    assert full_months(START, date(2025, 1, 1)) == 0


def test_the_thresholds_are_configuration():
    quick = Criteria(months=3, sessions=5)
    assert eligible(START, 5, date(2025, 4, 13), quick)
    assert not eligible(START, 4, date(2025, 4, 13), quick)
    assert not eligible(START, 5, date(2025, 4, 12), quick)
    assert not eligible(START, 25, date(2025, 4, 13), DEFAULT)


def test_only_a_coach_not_senior_yet_is_asked_about():
    day = date(2025, 8, 1)
    assert not due_to_ask("developer", None, START, 30, day, DEFAULT)
    assert not due_to_ask("coach", SENIOR_COACH, START, 30, day, DEFAULT)


def test_after_inte_an_the_next_round_starts_at_the_next_quarters_opening():
    declined = date(2025, 7, 20)  # in Q3: Q4 opens Wednesday 1 October
    assert ask_again_from(declined) == date(2025, 10, 1)
    assert not due_to_ask("coach", None, START, 25, date(2025, 9, 30), DEFAULT, declined)
    assert due_to_ask("coach", None, START, 25, date(2025, 10, 1), DEFAULT, declined)
    assert ask_again_from(date(2025, 12, 15)) == date(2026, 1, 2)  # nyårsdagen off, the 2nd opens
    assert ask_round(None) == "first" and ask_round(declined) == "after-2025-07-20"
