"""A quarter written by someone (a CLI argument, a button's value) is a quarter the calendar can
count in: ASCII digits, a year of the supported range. Anything else is "not a quarter", never a
crash further on (year 0 or 10000 has no dates) and never a record of a quarter nobody lives in."""

import argparse

import pytest

from devplan.domain.calendar import Quarter
from devplan.domain.limits import FIRST_SUPPORTED_DAY, LAST_SUPPORTED_DAY

NOT_QUARTERS = ["0000-Q1", "0001-Q1", "9999-Q4", "1999-Q4", "2101-Q1", "٢٠٢٥-Q2", "2025-Q0", "2025-Q5", "25-Q1", ""]


@pytest.mark.parametrize("key", NOT_QUARTERS)
def test_what_is_not_a_supported_quarter_is_refused(key):
    with pytest.raises(ValueError, match="quarter"):
        Quarter.parse(key)


def test_the_supported_years_are_the_calendars():
    first, last = Quarter.parse("2000-Q1"), Quarter.parse("2100-Q4")
    assert first.start == FIRST_SUPPORTED_DAY and last.end == LAST_SUPPORTED_DAY


@pytest.mark.parametrize("key", ["0000-Q1", "9999-Q4", "2101-Q1", "٢٠٢٥-Q2"])
def test_the_report_says_not_a_quarter_and_exits_2(key, capsys):
    from devplan_tools import report

    args = argparse.Namespace(quarter=key, csv=False, lead=None, lang="sv", project=None)
    assert report.run(args) == 2
    assert "Not a quarter" in capsys.readouterr().err
