"""One contract for the store the services use (services/ports.Store), run against the
in-memory documents and against Firestore on the emulator."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from devplan.domain.audit import ADVANCEMENT, WALLET, AuditEntry
from devplan.domain.calendar import Quarter
from devplan.domain.cycle_record import CycleRecord
from devplan.domain.employees import WAITING_FOR_SLACK, WELCOMED, Employee
from devplan.domain.goals import AGREED, AWAITING, EMPLOYEE, PLATFORM, GoalPlan, SmartGoal
from devplan.domain.metrics import COACHING_SESSIONS, MetricItem, Tally
from devplan.domain.outbox import FAILED, SENDING, SENT, Claim, OutboxMessage
from devplan.domain.reflections import Reflection
from devplan.domain.smart import Draft, Measure
from devplan.errors import UnusableRecord
from tests.fakes import NOW

Q2 = Quarter(2025, 2)
ANNA = Employee("anna", "Anna Lindqvist", "anna@innerjourney.se", "developer", "bo", date(2025, 1, 7))
BO = Employee("bo", "Bo Kvarnsmyr", "bo@innerjourney.se", "project_lead", None, date(2025, 1, 2))


def add(store, *employees):
    def work(uow):
        for e in employees:
            uow.add_employee(e, event_id=f"ev-{e.employee_id}", occurred_at=NOW)

    store.atomically(work)


def test_an_event_is_claimed_once(store):
    assert store.atomically(lambda uow: uow.claim("platform:evt-1")) is True
    assert store.atomically(lambda uow: uow.claim("platform:evt-1")) is False
    assert store.atomically(lambda uow: (uow.claim("firestore:a/b"), uow.claim("firestore:a/b"))) == (True, False)


def test_an_outbox_message_is_never_reset(store):
    message = OutboxMessage("welcome:anna", users=("U1",), text="Hej")
    assert store.atomically(lambda uow: (uow.emit(message), uow.emit(message))) == (True, False)
    entry, version = store.outbox_entry("welcome:anna")
    assert entry.message == message and entry.state == "pending" and entry.attempts == 0
    claim = Claim("ev-1", "a1", NOW, NOW + timedelta(minutes=2))
    assert store.claim_outbox("welcome:anna", claim, attempts=1, version=version)
    assert store.atomically(lambda uow: uow.emit(replace(message, text="Annat"))) is False
    entry, _ = store.outbox_entry("welcome:anna")
    assert entry.state == SENDING and entry.message.text == "Hej" and entry.claim == claim


def test_nothing_is_written_when_the_work_fails(store):
    def work(uow):
        uow.claim("ev-x")
        uow.add_employee(ANNA, event_id="ev-x", occurred_at=NOW)
        raise RuntimeError("the service failed half-way")

    with pytest.raises(RuntimeError):
        store.atomically(work)
    assert store.employee("anna") is None
    assert store.atomically(lambda uow: uow.claim("ev-x")) is True


def test_an_employee_round_trips_and_later_saves_keep_what_they_do_not_change(store):
    add(store, ANNA, BO)
    assert store.employee("anna") == ANNA and store.employee("nobody") is None
    sessions = Draft(
        "Genomföra minst 20 coachingsessioner",
        Measure("genomförda coachingsessioner", 20, 0, "st", COACHING_SESSIONS),
        "Två sessioner i veckan",
        "Senior Coach",
        date(2025, 3, 31),
    )
    q1 = Quarter(2025, 1)
    goals = GoalPlan(
        date(2025, 1, 21),
        (
            SmartGoal(
                "g0",
                q1,
                Draft("Optimera Firebase", None, None, None, None, "p95 < 200 ms"),
                AGREED,
                PLATFORM,
                date(2025, 1, 10),
                date(2025, 1, 10),
                set_at=NOW,
            ),
            SmartGoal(
                "g1",
                q1,
                sessions,
                AWAITING,
                EMPLOYEE,
                date(2025, 1, 12),
                date(2025, 1, 14),
                progress=20,
                reached_on=date(2025, 3, 3),
                counts_from=date(2025, 1, 12),
                carried_from=Quarter(2024, 4),
            ),
        ),
    )
    welcomed = replace(ANNA, slack_user_id="U_ANNA", onboarding=WELCOMED, welcomed_at=NOW, goals=goals)
    store.atomically(lambda uow: uow.save_employee(welcomed))
    assert store.employee("anna") == welcomed
    assert store.atomically(lambda uow: uow.employee("anna")) == welcomed
    store.atomically(lambda uow: uow.link_slack_account("anna", "U_OTHER"))
    assert store.employee("anna") == replace(welcomed, slack_user_id="U_OTHER")


def test_the_audit_trail_is_written_once_per_key_and_read_oldest_first(store):
    later = AuditEntry(
        "wallet:anna:1", "anna", WALLET, "training_request_recorded", "anna", NOW, None, {"costSek": 4200}
    )
    first = AuditEntry("senior-coach:anna", "anna", ADVANCEMENT, "senior_coach_approved", "bo", NOW - timedelta(days=1))
    assert store.atomically(lambda uow: uow.record(later)) is True
    assert store.atomically(lambda uow: uow.record(replace(later, why="again"))) is False  # never rewritten
    store.atomically(lambda uow: uow.record(first))
    store.atomically(lambda uow: uow.record(replace(first, key="other", employee_id="bo")))
    assert store.audit_of("anna") == [first, later]


def test_advancement_fields_round_trip(store):
    add(store, ANNA, BO)
    senior = replace(ANNA, level="senior_coach", responsibilities=("lead:VedAstro API",), training_budget_sek=8000)
    store.atomically(lambda uow: uow.save_employee(senior))
    assert store.employee("anna") == senior


def test_a_tally_and_the_owner_of_its_items_round_trip(store):
    tally = Tally("anna", COACHING_SESSIONS).with_item(MetricItem("s/1", 1, date(2025, 2, 3))).with_cancelled("s.2")
    store.atomically(lambda uow: uow.save_tally(tally))
    store.atomically(lambda uow: uow.record_metric_item_owner(COACHING_SESSIONS, "s/1", "anna", cancelled=False))
    assert store.atomically(lambda uow: uow.tally("anna", COACHING_SESSIONS)) == tally
    assert store.atomically(lambda uow: uow.tally("anna", "funding_sek")) == Tally("anna", "funding_sek")
    assert store.atomically(lambda uow: uow.metric_item_owner(COACHING_SESSIONS, "s/1")) == ("anna", False)
    assert store.atomically(lambda uow: uow.metric_item_owner(COACHING_SESSIONS, "s.2")) == (None, False)


def test_employees_are_found_by_lead_email_slack_id_and_onboarding(store):
    erik = replace(
        ANNA, employee_id="erik", name="Erik Holm", email="erik@innerjourney.se", onboarding=WAITING_FOR_SLACK
    )
    add(store, ANNA, BO, erik)
    store.atomically(lambda uow: uow.save_employee(replace(ANNA, slack_user_id="U_ANNA", onboarding=WELCOMED)))
    assert sorted(e.employee_id for e in store.employees_led_by("bo")) == ["anna", "erik"]
    assert [e.employee_id for e in store.atomically(lambda uow: uow.employees_with_email("erik@innerjourney.se"))] == [
        "erik"
    ]
    assert store.employee_with_slack_user("U_ANNA").employee_id == "anna"
    assert store.employee_with_slack_user("U_NONE") is None
    assert sorted(e.employee_id for e in store.employees_onboarding(["pending", WAITING_FOR_SLACK])) == ["bo", "erik"]
    assert sorted(store.active_employee_ids()) == ["anna", "bo", "erik"]


def test_a_quarter_cycle_round_trips(store):
    add(store, ANNA)
    assert store.atomically(lambda uow: (uow.cycle_exists("anna", Q2), uow.cycle("anna", Q2))) == (
        False,
        CycleRecord("anna", Q2),
    )
    cycle = (
        CycleRecord("anna", Q2, opened_on=date(2025, 4, 1))
        .with_reflection("r1", date(2025, 4, 3))
        .with_reflection("r0", date(2025, 4, 2))
        .with_goals_revised(date(2025, 4, 8))
        .held_by("bo", "U_BO", NOW, date(2025, 4, 9))
        .with_done(["open", "goal-nudge:revision"], date(2025, 4, 10))
    )
    store.atomically(lambda uow: uow.save_cycle(cycle))
    assert store.atomically(lambda uow: (uow.cycle_exists("anna", Q2), uow.cycle("anna", Q2))) == (True, cycle)
    assert cycle.reflections == 2 and cycle.last_reflection.entry_id == "r1"  # newest by day wins
    loaded = store.load(employees=["anna", "ghost"], cycles=[("anna", Q2), ("anna", Q2.next())])
    assert loaded.employee("anna") == ANNA and loaded.employee("ghost") is None
    assert loaded.cycle("anna", Q2) == cycle and loaded.cycle("anna", Q2.next()) is None


def test_a_quarters_records_are_found_by_the_lead_their_opening_recorded(store):
    """The digest's team of a quarter (services/digest.py): who had `bo` as lead at its opening."""
    add(store, ANNA, BO, replace(ANNA, employee_id="erik"), replace(ANNA, employee_id="maja", status="offboarded"))
    opened = CycleRecord("anna", Q2, opened_on=date(2025, 4, 1), lead_id="bo", lead_recorded=True)
    records = [
        opened,
        replace(opened, employee_id="maja"),
        replace(opened, employee_id="erik", lead_id="carl"),
        replace(opened, quarter=Q2.next()),
        replace(opened, employee_id="bo", lead_id=None),  # recorded: nobody
    ]
    store.atomically(lambda uow: [uow.save_cycle(c) for c in records])
    assert sorted(c.employee_id for c in store.cycles_led_by(["bo"], Q2)) == ["anna", "maja"]
    assert store.load(cycles=[("anna", Q2)]).cycle("anna", Q2) == opened
    nobody = store.load(cycles=[("bo", Q2)]).cycle("bo", Q2)
    assert nobody.lead_recorded and nobody.lead_id is None
    assert sorted(store.employee_ids()) == ["anna", "bo", "erik", "maja"]  # the offboarded too


def test_the_teams_of_many_leads_are_found_with_queries_of_at_most_30_leads(store):
    """The digest's day asks for a chunk's teams at once: Firestore's `in` takes 30 values."""
    add(store, ANNA, BO, replace(ANNA, employee_id="erik", lead_id="carl"))
    opened = CycleRecord("anna", Q2, opened_on=date(2025, 4, 1), lead_id="bo", lead_recorded=True)
    store.atomically(
        lambda uow: [uow.save_cycle(c) for c in (opened, replace(opened, employee_id="erik", lead_id="carl"))]
    )
    leads = ["bo", *(f"nobody{i}" for i in range(30)), "carl", "bo"]
    assert sorted(c.employee_id for c in store.cycles_led_by(leads, Q2)) == ["anna", "erik"]
    assert sorted(e.employee_id for e in store.employees_led_by_any(leads)) == ["anna", "erik"]
    assert store.employees_led_by_any([]) == [] and store.cycles_led_by([], Q2) == []
    with pytest.raises(TypeError):
        store.cycles_led_by("bo", Q2)  # one id as a string would be asked letter by letter


def test_reflections_are_recorded_once(store):
    reflection = Reflection("anna", "entry-1", NOW, date(2025, 1, 7), ("g1",), "ev-r")
    assert store.atomically(lambda uow: uow.has_reflection("anna", "entry-1")) is False
    store.atomically(lambda uow: uow.add_reflection(reflection))
    assert store.atomically(lambda uow: uow.has_reflection("anna", "entry-1")) is True


def test_a_prefetch_reads_what_the_work_then_uses(store):
    add(store, ANNA)
    message = OutboxMessage("review-invite:anna:2025-Q2", users=("U1", "U2"), text="1:1")

    def work(uow):
        uow.prefetch(employees=["anna", "ghost"], cycles=[("anna", Q2)], outbox=[message.id])
        return uow.employee("anna"), uow.employee("ghost"), uow.cycle("anna", Q2), uow.emit(message)

    assert store.atomically(work) == (ANNA, None, CycleRecord("anna", Q2), True)


def test_an_outbox_claim_needs_the_version_it_read(store):
    store.atomically(lambda uow: uow.emit(OutboxMessage("m1", users=("U1",), text="a")))
    entry, version = store.outbox_entry("m1")
    first = Claim("ev-1", "a1", NOW, NOW + timedelta(minutes=2))
    assert store.claim_outbox("m1", first, attempts=1, version=version) is True
    assert store.claim_outbox("m1", Claim("ev-2", "a2", NOW, NOW), attempts=1, version=version) is False
    assert store.outbox_entry("m1")[0].claim == first
    assert store.claim_outbox("never-written", first, attempts=1, version=version) is False


def test_sent_and_failed_are_recorded_and_the_unfinished_are_found(store):
    for n in range(4):
        store.atomically(lambda uow, n=n: uow.emit(OutboxMessage(f"m{n}", users=("U1",), text=str(n))))
    store.mark_sent("m0", at=NOW, channel="D1", ts="1.000001")
    store.mark_failed("m1", at=NOW, error="channel_not_found")
    assert store.outbox_entry("m0")[0].state == SENT and store.outbox_entry("m1")[0].state == FAILED
    assert store.unfinished_outbox(created_before=NOW + timedelta(seconds=1), limit=10) == ["m2", "m3"]
    assert len(store.unfinished_outbox(created_before=NOW + timedelta(seconds=1), limit=1)) == 1
    assert store.unfinished_outbox(created_before=NOW, limit=10) == []


def test_tick_progress_is_recorded(store):
    day = date(2025, 4, 1)
    assert store.tick_state(day) is None
    store.record_tick(day, "fanned_out", event_id="t1", employees=60, chunks=3)
    store.record_chunk(day, 0, employees=25, outcome={"nothing_due": 25})
    assert store.tick_state(day) == "fanned_out"


def test_an_unusable_record_is_named_and_skipped_by_queries(store):
    add(store, ANNA)
    broken = replace(BO, employee_id="broken", lead_id="bo", email="broken@innerjourney.se")
    add(store, broken)
    # A writer outside the product (a migration gone wrong) leaves a start date that is not a date.
    store.documents.set("employees/broken", {"startDate": "someday"})
    with pytest.raises(UnusableRecord, match="employees/broken"):
        store.employee("broken")
    assert [e.employee_id for e in store.employees_led_by("bo")] == ["anna"]


def test_the_goals_each_reflection_is_about_are_read_per_person(store):
    add(store, ANNA, BO)
    for who, entry, goals in (("anna", "r1", ("g1", "g2")), ("anna", "r2", ()), ("bo", "r3", ("g1",))):
        reflection = Reflection(who, entry, NOW, NOW.date(), goals)
        store.atomically(lambda uow, r=reflection: uow.add_reflection(r))
    assert sorted(store.reflection_goal_ids("anna")) == [(), ("g1", "g2")]
    assert store.reflection_goal_ids("bo") == [("g1",)] and store.reflection_goal_ids("nobody") == []
