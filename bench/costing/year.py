"""The simulated organisation and its year: N people (a project lead per LEAD_SPAN people, the
rest developers, coaches and funding managers), all in Slack, welcomed and with goals from the
year before, then every day of the year: the 07:00 tick and, on business days, what people do
from outside (modelled per quarter and person, seeded so runs repeat): goals agreed on the
platform within the revision window (most) or late, the 1:1 marked held by a click (most), a
reflection logged (most, the rest are nudged weekly at the quarter's end)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from costing.counting import Meter
from costing.host import Host
from devplan.domain.calendar import STOCKHOLM, Quarter, add_business_days, is_business_day
from devplan.domain.cycle import opening_day
from devplan.domain.next_check import DUE_NOW
from devplan.services import platform_events, reviews
from devplan.services.inputs import PlatformEvent, Tick
from tests.fakes import FakeSlack

LEAD_SPAN = 8
ROLES = ("developer", "developer", "coach", "funding_manager")
GOALS_ON_TIME, HELD, REFLECTED = 0.8, 0.85, 0.7


@dataclass(frozen=True)
class Plan:
    """What one person does from outside in one quarter: business days after the opening (None: not at all)."""

    goals: int | None
    held: int | None
    reflection: int | None


def moment(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=STOCKHOLM).astimezone(UTC)


def people(n: int) -> list[tuple[str, dict]]:
    found = []
    for i in range(n):
        lead = i % LEAD_SPAN == 0
        eid = f"p{i:05d}"
        found.append(
            (
                eid,
                {
                    "name": f"Person Nummer{i:05d}",
                    "email": f"{eid}@bench.innerjourney.se",
                    "role": "project_lead" if lead else ROLES[i % len(ROLES)],
                    "leadId": None if lead else f"p{i - i % LEAD_SPAN:05d}",
                    "startDate": "2024-01-08",
                    "status": "active",
                    "language": "sv",
                    "onboarding": {"status": "welcomed"},
                    "goals": {
                        "deadline": "2024-01-22",
                        "setAt": datetime(2024, 1, 15, 9, tzinfo=UTC),
                        "items": [{"goalId": "g0", "title": f"Bli bättre på något, del {i}"}],
                    },
                    "slack": {"userId": f"U{i:06d}"},
                    "nextCheckOn": DUE_NOW.isoformat(),
                },
            )
        )
    return found


class Year:
    def __init__(self, n: int, year: int, seed: int = 1):
        self.n, self.year, self.random = n, year, random.Random(seed)
        self.meter = Meter()
        cast = people(n)
        self.slack = FakeSlack({doc["email"]: doc["slack"]["userId"] for _, doc in cast})
        self.host = Host(self.meter, self.slack)
        for eid, doc in cast:
            self.host.memory.set(f"employees/{eid}", doc)
        self.host.memory.set("ticks/due-index", {"since": f"{year - 1}-12-01"})  # the index exists
        self.meter.written.clear()
        self.ids = [eid for eid, _ in cast]
        self.plans: dict[tuple[str, Quarter], Plan] = {}

    def plan(self, eid: str, quarter: Quarter) -> Plan:
        key = (eid, quarter)
        if key not in self.plans:
            r = self.random
            self.plans[key] = Plan(
                goals=r.randint(1, 8)
                if r.random() < GOALS_ON_TIME
                else (r.randint(11, 30) if r.random() < 0.5 else None),
                held=r.randint(1, 15) if r.random() < HELD else None,
                reflection=r.randint(1, 55) if r.random() < REFLECTED else None,
            )
        return self.plans[key]

    def run(self, days: list[date] | None = None) -> None:
        first = date(self.year, 1, 1)
        for day in days or [first + timedelta(days=i) for i in range((date(self.year + 1, 1, 1) - first).days)]:
            self.day(day)

    def day(self, day: date) -> None:
        self.meter.day, self.meter.on = day, True
        self.host.now = moment(day, 7)
        self.host.daily(Tick(day, False, f"tick-{day}"))
        if not is_business_day(day):
            return
        self.host.now = moment(day, 11)
        quarter = Quarter.of(day)
        opening = opening_day(quarter)
        if day < opening:
            return
        for eid in self.ids:
            plan = self.plan(eid, quarter)
            if plan.goals is not None and day == add_business_days(opening, plan.goals):
                self._goals(eid, day)
            if plan.held is not None and day == add_business_days(opening, plan.held):
                self._held(eid, quarter, day)
            if plan.reflection is not None and day == add_business_days(opening, plan.reflection):
                self._reflection(eid, day)

    def _event(self, kind: str, data: dict, day: date) -> None:
        event = PlatformEvent(f"{kind}-{data['employeeId']}-{day}", kind, moment(day, 11), data, "d")
        self.host.invoke("platform-webhook", lambda: platform_events.handle(event, self.host.store))

    def _goals(self, eid: str, day: date) -> None:
        goals = [{"goalId": f"g{day:%Y%m%d}", "title": "Optimera Firebase-anropen"}]
        self._event("goals.set", {"employeeId": eid, "goals": goals}, day)

    def _reflection(self, eid: str, day: date) -> None:
        at = moment(day, 11).isoformat()
        self._event(
            "journal.reflection_logged", {"employeeId": eid, "entryId": f"r{day:%Y%m%d}", "occurredAt": at}, day
        )

    def _held(self, eid: str, quarter: Quarter, day: date) -> None:
        i = int(eid[1:])
        if i % LEAD_SPAN == 0:  # a project lead has no 1:1 of their own
            return
        ts = str(moment(day, 11).timestamp())
        self.host.invoke(
            "slack-events", lambda: reviews.mark_held(f"{eid}|{quarter.key}", f"U{i:06d}", ts, self.host.store)
        )
