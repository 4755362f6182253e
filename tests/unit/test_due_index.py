"""The due index (domain/next_check.py): the daily tick reads only who is due, and the rules act
on exactly the same people, the same days, as when every active employee is read every day.

The property runs a year twice over the real store and services: once the old way (every active
employee to the chunk every business day) and once through the fan-out's due query; random people
(some from before the index, without a next check day; some onboarded during the year, some
without Slack or without goals) and random events from outside the tick (goals set, reflections,
funding drafts) on random days. Each day's new outbox entries (which name the person and the rule)
must be the same in both."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devplan.domain.calendar import STOCKHOLM, Quarter, is_business_day
from devplan.domain.cycle import CycleFacts, EmployeeFacts, due_actions
from devplan.domain.next_check import DUE_NOW, NEVER, next_check_on
from devplan.services import daily_tick, onboarding, platform_events, quarterly_cycle
from devplan.services.inputs import EmployeeChunk, EmployeeWritten, PlatformEvent, Tick
from tests.fakes import FakePublisher, FakeSlack, InMemoryStore

YEAR = 2026
FIRST = date(YEAR, 1, 1)
ROLES = ("developer", "coach", "funding_manager")


@dataclass(frozen=True)
class Person:
    employee_id: str
    role: str
    joins: int  # day of the year the platform onboards them; negative: before the year (and before the index)
    starts_after: int  # days from joining to the start date
    in_slack: bool
    goals_set: bool


@dataclass(frozen=True)
class Outside:
    day: int
    who: int
    kind: str  # goals | reflection | funding
    days_ahead: int  # a draft's deadline, from the day


people = st.lists(
    st.builds(
        Person,
        employee_id=st.just(""),
        role=st.sampled_from(ROLES),
        joins=st.integers(-400, 330),
        starts_after=st.integers(0, 25),
        in_slack=st.booleans(),
        goals_set=st.booleans(),
    ),
    min_size=1,
    max_size=4,
)
events = st.lists(
    st.builds(
        Outside,
        day=st.integers(0, 364),
        who=st.integers(0, 3),
        kind=st.sampled_from(("goals", "reflection", "funding")),
        days_ahead=st.integers(1, 40),
    ),
    max_size=8,
)


def _moment(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=STOCKHOLM).astimezone(UTC)


def _legacy_doc(person: Person, start: date) -> dict:
    doc = {
        "name": f"Person {person.employee_id}",
        "email": f"{person.employee_id}@ij.se",
        "role": person.role,
        "leadId": "bo",
        "startDate": start.isoformat(),
        "status": "active",
        "language": "sv",
        "onboarding": {"status": "welcomed"},
        "goals": {"deadline": (start + timedelta(days=14)).isoformat()},
    }
    if person.in_slack:
        doc["slack"] = {"userId": f"U_{person.employee_id.upper()}"}
    if person.goals_set:
        doc["goals"]["setAt"] = _moment(start + timedelta(days=7), 9)
    return doc


class World:
    """One organisation through the year; `indexed` chooses how the daily tick finds its people."""

    def __init__(self, cast: list[Person], indexed: bool):
        self.indexed, self.cast = indexed, cast
        self.store = InMemoryStore(_moment(FIRST, 6))
        self.slack = FakeSlack({f"{p.employee_id}@ij.se": f"U_{p.employee_id.upper()}" for p in cast if p.in_slack})
        self.publisher = FakePublisher()
        self.looked_at = 0  # person-days the tick read
        bo = {**_legacy_doc(Person("bo", "project_lead", -900, 0, True, True), date(2023, 1, 2)), "leadId": None}
        self.store.set("employees/bo", bo)
        for p in cast:
            if p.joins < 0:  # from before the index: no next check day on the record
                self.store.set(f"employees/{p.employee_id}", _legacy_doc(p, FIRST + timedelta(days=p.joins)))

    def day(self, day: date, outside: list[Outside]) -> set[str]:
        before = set(self.store.collection("outbox"))
        self.store.now = _moment(day, 7)
        self._tick(day)
        self.store.now = _moment(day, 10)
        n = (day - FIRST).days
        for p in self.cast:
            if p.joins == n:
                self._onboard(p, day)
        for e in outside:
            if e.day == n and e.who < len(self.cast):
                self._outside(self.cast[e.who], e, day)
        return set(self.store.collection("outbox")) - before

    def _tick(self, day: date) -> None:
        if not is_business_day(day):
            return
        if self.indexed:
            self.publisher.published.clear()
            daily_tick.fan_out(Tick(day, False, f"tick-{day}"), self.store, self.publisher)
            chunks = [tuple(m["employeeIds"]) for _, m in self.publisher.published]
        else:
            chunks = [tuple(sorted(self.store.active_employee_ids()))]
        for ids in chunks:
            self.looked_at += len(ids)
            quarterly_cycle.run_chunk(EmployeeChunk(day, ids, f"m-{day}"), self.store)

    def _onboard(self, p: Person, day: date) -> None:
        data = {
            "employeeId": p.employee_id,
            "name": f"Person {p.employee_id}",
            "email": f"{p.employee_id}@ij.se",
            "role": p.role,
            "leadId": "bo",
            "startDate": (day + timedelta(days=p.starts_after)).isoformat(),
        }
        event = PlatformEvent(f"on-{p.employee_id}", "employee.onboarded", self.store.now, data, "d")
        platform_events.handle(event, self.store)
        written = EmployeeWritten(f"w-{p.employee_id}", p.employee_id, self.store.employee(p.employee_id))
        onboarding.welcome_new_employee(written, self.store, self.slack)

    def _outside(self, p: Person, e: Outside, day: date) -> None:
        if self.store.employee(p.employee_id) is None:
            return
        at = _moment(day, 10).isoformat()
        data: dict = {"employeeId": p.employee_id}
        if e.kind == "goals":
            data["goals"] = [{"goalId": f"g{e.day}", "title": "Optimera Firebase"}]
            kind = "goals.set"
        elif e.kind == "reflection":
            data |= {"entryId": f"r{e.day}", "occurredAt": at}
            kind = "journal.reflection_logged"
        else:
            deadline = day + timedelta(days=e.days_ahead)
            data |= {
                "applicationId": f"a{e.day}",
                "funder": "Vinnova",
                "programme": "Innovationsprojekt",
                "amountSek": 100000,
                "deadline": deadline.isoformat(),
                "status": "draft",
                "updatedAt": at,
            }
            kind = "funding.application_updated"
        event = PlatformEvent(f"{kind}-{p.employee_id}-{e.day}", kind, datetime.fromisoformat(at), data, "d")
        platform_events.handle(event, self.store)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cast=people, outside=events)
def test_the_rules_act_on_the_same_people_the_same_days_with_the_index_as_without(cast, outside):
    cast = [
        Person(f"p{i}", *(getattr(p, f) for f in list(Person.__dataclass_fields__)[1:])) for i, p in enumerate(cast)
    ]
    everyone, indexed = World(cast, indexed=False), World(cast, indexed=True)
    for n in range(365):
        day = FIRST + timedelta(days=n)
        assert indexed.day(day, outside) == everyone.day(day, outside), day
    assert indexed.looked_at < everyone.looked_at  # and it read less


def test_a_day_is_never_later_than_the_first_day_the_rules_act():
    # No lead (no 1:1 reminders): the first action is the goal nudge.
    person = EmployeeFacts("anna", date(2025, 1, 7), False, first_goals_deadline=date(2026, 4, 30))
    quarter = Quarter(2026, 2)
    # As the opening leaves it: last quarter's digest looked at (domain/cycle.py: at every opening).
    done = frozenset({"open", "quarter-digest"})
    cycle = CycleFacts(opened_on=date(2026, 4, 1), revision_deadline=None, reflections=0, done_keys=done)
    today = date(2026, 4, 1)
    checked = next_check_on(person, quarter, cycle, today)
    first_action = next(
        d for d in (today + timedelta(days=i) for i in range(1, 100)) if due_actions(person, quarter, cycle, d)
    )
    assert checked == first_action == date(2026, 4, 28)  # two business days before the deadline
    settled = replace(person, first_goals_set=True)
    reflected = replace(cycle, reflections=1)
    assert next_check_on(settled, quarter, reflected, today) == date(2026, 7, 1)  # at the latest the next opening
    gone = EmployeeFacts("anna", date(2025, 1, 7), True, active=False)
    assert next_check_on(gone, quarter, cycle, today) == NEVER


OPENING = date(2026, 4, 1)
DIGEST_DAY = date(2026, 4, 2)  # the business day after the opening: last quarter's digest


def _legacy_store() -> InMemoryStore:
    """Bo leads Anna and Erik (both in Slack, goals set), and someone who left: all from before the index."""
    store = InMemoryStore(_moment(OPENING, 7))
    bo = _legacy_doc(Person("bo", "project_lead", -900, 0, True, True), date(2023, 1, 2))
    store.set("employees/bo", {**bo, "leadId": None})
    for name in ("anna", "erik"):
        store.set(f"employees/{name}", _legacy_doc(Person(name, "developer", -300, 0, True, True), date(2025, 1, 7)))
    store.set(
        "employees/gone", {**_legacy_doc(Person("gone", "developer", -300, 0, True, True), FIRST), "status": "left"}
    )
    return store


def _opened(store: InMemoryStore) -> None:
    """The opening's tick and the next business day's (last quarter's digest)."""
    for day in (OPENING, DIGEST_DAY):
        publisher = FakePublisher()
        daily_tick.fan_out(Tick(day, False, f"t-{day}"), store, publisher)
        for _, message in publisher.published:
            quarterly_cycle.run_chunk(EmployeeChunk(day, tuple(message["employeeIds"]), f"m-{day}"), store)


def test_employees_from_before_the_index_are_due_once_then_only_when_due():
    store, publisher = _legacy_store(), FakePublisher()
    daily_tick.fan_out(Tick(OPENING, False, "t1"), store, publisher)
    assert [m["employeeIds"] for _, m in publisher.published] == [["anna", "bo", "erik"]]  # missing is due
    assert store.get("employees/anna")["nextCheckOn"] == DUE_NOW.isoformat()
    assert "nextCheckOn" not in store.get("employees/gone")
    quarterly_cycle.run_chunk(EmployeeChunk(OPENING, ("anna", "bo", "erik"), "m"), store)
    # Last quarter's digest: the business day after the opening, not with it.
    assert store.get("employees/anna")["nextCheckOn"] == DIGEST_DAY.isoformat()
    publisher.published.clear()
    daily_tick.fan_out(Tick(DIGEST_DAY, False, "t2"), store, publisher)
    assert [m["employeeIds"] for _, m in publisher.published] == [["anna", "bo", "erik"]]
    quarterly_cycle.run_chunk(EmployeeChunk(DIGEST_DAY, ("anna", "bo", "erik"), "m2"), store)
    due_on = store.get("employees/anna")["nextCheckOn"]
    # The revision nudge: two business days before its deadline, ten after the opening (Easter off).
    assert due_on == store.get("employees/bo")["nextCheckOn"] == "2026-04-15"
    publisher.published.clear()
    daily_tick.fan_out(Tick(date(2026, 4, 7), False, "t3"), store, publisher)
    assert publisher.published == []  # a quiet day reads nobody
    later = date.fromisoformat(due_on) + timedelta(days=1)  # the tick of the due day was missed
    daily_tick.fan_out(Tick(later, False, "t4"), store, publisher)
    assert [m["employeeIds"] for _, m in publisher.published] == [["anna", "bo", "erik"]]  # caught up


def test_a_change_from_outside_makes_the_person_due_at_the_next_tick():
    store = _legacy_store()
    _opened(store)
    day = date(2026, 4, 7)
    assert store.due_employee_ids(day) == []
    draft = {
        "employeeId": "erik",
        "applicationId": "a1",
        "funder": "Vinnova",
        "programme": "P",
        "amountSek": 1000,
        "deadline": "2026-04-14",
        "status": "draft",
        "updatedAt": "2026-04-06T10:00:00+02:00",
    }
    at = datetime(2026, 4, 6, 8, tzinfo=UTC)
    platform_events.handle(PlatformEvent("f1", "funding.application_updated", at, draft, "d"), store)
    assert store.due_employee_ids(day) == ["erik"]
    assert quarterly_cycle.run_chunk(EmployeeChunk(day, ("erik",), "m2"), store) == {"funding_reminder": 1}
    assert store.get("employees/erik")["nextCheckOn"] == "2026-04-13"  # the 3-day reminder next (Easter off)


def test_a_person_set_aside_stays_due_and_a_repeated_chunk_writes_nothing():
    store = _legacy_store()
    daily_tick.fan_out(Tick(OPENING, False, "t1"), store, FakePublisher())
    store.set("cycles/erik:2026-Q1", {"lastReflection": {"on": "x"}})  # a record no rule can read
    outcome = quarterly_cycle.run_chunk(EmployeeChunk(OPENING, ("anna", "bo", "erik"), "m"), store)
    assert outcome == {"open_quarter": 2, "invalid_employee": 1}
    # Erik is tried again by the next tick (the others are due then for last quarter's digest).
    assert store.due_employee_ids(DIGEST_DAY) == ["anna", "bo", "erik"]
    versions = dict(store.versions)
    assert quarterly_cycle.run_chunk(EmployeeChunk(OPENING, ("anna", "bo"), "m"), store) == {"nothing_due": 2}
    assert store.versions == versions
