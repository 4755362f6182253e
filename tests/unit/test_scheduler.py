from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from devplan_tools import manifest
from devplan_tools.local.scheduler import LocalScheduler, fire_times, parse_cron
from devplan_tools.manifest import Schedule

STHLM = ZoneInfo("Europe/Stockholm")


def test_the_daily_tick_fires_at_seven_stockholm_time_summer_and_winter():
    daily = manifest.load().schedules[0]
    assert fire_times(daily, date(2025, 1, 15)) == [datetime(2025, 1, 15, 7, 0, tzinfo=STHLM)]
    summer = fire_times(daily, date(2025, 7, 1))[0]
    assert summer.astimezone(UTC).hour == 5  # CEST is UTC+2
    assert fire_times(daily, date(2025, 1, 15))[0].astimezone(UTC).hour == 6


def test_cron_fields_lists_ranges_steps_and_weekdays():
    weekdays = Schedule("w", "30 8,12 * * 1-5", "Europe/Stockholm", "t")
    assert [t.hour for t in fire_times(weekdays, date(2025, 4, 1))] == [8, 12]  # Tuesday
    assert fire_times(weekdays, date(2025, 4, 5)) == []  # Saturday
    quarterly = Schedule("q", "0 6 1 1,4,7,10 *", "Europe/Stockholm", "t")
    assert fire_times(quarterly, date(2025, 4, 1)) and not fire_times(quarterly, date(2025, 5, 1))
    assert parse_cron("*/15 * * * 7")[0] == {0, 15, 30, 45} and parse_cron("0 0 * * 7")[4] == {0}
    with pytest.raises(ValueError):
        parse_cron("61 * * * *")


def test_the_scheduler_knows_its_next_fire_across_midnight():
    daily = manifest.load().schedules[0]
    scheduler = LocalScheduler((daily,), publish=lambda *a: None)
    when, schedule = scheduler.next_fire(datetime(2025, 3, 31, 20, 0, tzinfo=UTC))
    assert when == datetime(2025, 4, 1, 7, 0, tzinfo=STHLM) and schedule is daily
