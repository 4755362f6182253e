"""Cloud Scheduler, locally: the manifest's cron jobs publish to the Pub/Sub emulator.

Cloud Scheduler has no emulator. `fire_times` answers when a job fires on a given day in its
time zone (unix cron, as Cloud Scheduler reads it); `LocalScheduler` publishes at those
moments in real time for `devplan local up`, and the demo walks days on an accelerated clock.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from devplan_tools.manifest import Schedule

log = logging.getLogger(__name__)
_RANGES = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 7))


def _field(spec: str, low: int, high: int) -> set[int]:
    values: set[int] = set()
    for part in spec.split(","):
        body, _, step = part.partition("/")
        if body == "*":
            start, end = low, high
        elif "-" in body:
            start, end = (int(x) for x in body.split("-"))
        else:
            start = end = int(body)
            if step:
                end = high
        if not (low <= start <= end <= high):
            raise ValueError(f"cron field {part!r} is outside {low}-{high}")
        values.update(range(start, end + 1, int(step) if step else 1))
    return values


def parse_cron(expression: str) -> tuple[set[int], ...]:
    fields = expression.split()
    if len(fields) != 5:
        raise ValueError(f"cron needs 5 fields (minute hour day month weekday): {expression!r}")
    minutes, hours, days, months, weekdays = (_field(f, lo, hi) for f, (lo, hi) in zip(fields, _RANGES, strict=True))
    return minutes, hours, days, months, {d % 7 for d in weekdays}


def fire_times(schedule: Schedule, day: date) -> list[datetime]:
    """The moments (aware, in the job's zone) at which the job fires on `day`."""
    minutes, hours, days, months, weekdays = parse_cron(schedule.cron)
    dom_any, dow_any = schedule.cron.split()[2] == "*", schedule.cron.split()[4] == "*"
    dom_ok, dow_ok = day.day in days, (day.isoweekday() % 7) in weekdays
    # Unix cron: when both day fields are restricted, either may match.
    matches = (dom_ok and dow_ok) if (dom_any or dow_any) else (dom_ok or dow_ok)
    if day.month not in months or not matches:
        return []
    zone = ZoneInfo(schedule.time_zone)
    return [datetime.combine(day, time(h, m), zone) for h in sorted(hours) for m in sorted(minutes)]


class LocalScheduler:
    """Publishes each schedule's payload at its fire times, in real time (daemon thread)."""

    def __init__(
        self,
        schedules: tuple[Schedule, ...],
        publish: Callable[[str, dict[str, Any]], Any],
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ):
        self.schedules, self.publish, self.clock = schedules, publish, clock
        self._stop = threading.Event()

    def next_fire(self, after: datetime) -> tuple[datetime, Schedule] | None:
        candidates = []
        for schedule in self.schedules:
            local_day = after.astimezone(ZoneInfo(schedule.time_zone)).date()
            for offset in range(0, 370):
                times = [t for t in fire_times(schedule, local_day + timedelta(days=offset)) if t > after]
                if times:
                    candidates.append((times[0], schedule))
                    break
        return min(candidates, key=lambda c: c[0]) if candidates else None

    def run(self) -> None:
        while not self._stop.is_set():
            upcoming = self.next_fire(self.clock())
            if upcoming is None:
                return
            when, schedule = upcoming
            if self._stop.wait(max(0.0, (when - self.clock()).total_seconds())):
                return
            log.info("schedule %s fires (%s)", schedule.name, when.isoformat())
            self.publish(schedule.topic, dict(schedule.payload))

    def start(self) -> LocalScheduler:
        threading.Thread(target=self.run, daemon=True, name="local-scheduler").start()
        return self

    def stop(self) -> None:
        self._stop.set()
