"""The store's contract for 1:1 notes and time off, against the in-memory documents and Firestore
on the emulator: a cycle's notes and actions round-trip (a cleared note and a dropped action do
not linger after a merge), and time off round-trips on the employee beside what else they hold."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from devplan.domain.calendar import Quarter
from devplan.domain.cycle_record import CycleRecord
from devplan.domain.meeting_notes import MeetingNotes, written
from devplan.domain.time_off import PARENTAL_LEAVE, VACATION, TimeOff, TimeOffBook
from tests.contract.test_store_contract import ANNA, add

AT = datetime(2025, 6, 2, 7, 0, tzinfo=UTC)
Q2 = Quarter(2025, 2)


def test_notes_and_actions_round_trip_and_a_rewrite_replaces_them(store):
    add(store, ANNA)
    first = written(
        CycleRecord("anna", Q2, opened_on=date(2025, 4, 1)),
        MeetingNotes("Bra kvartal", "bo", date(2025, 4, 3), "bo"),  # the pair's lead, kept
        ("Boka kurs", "Para med Maja"),
    )
    store.atomically(lambda uow: uow.save_cycle(first))
    assert store.atomically(lambda uow: uow.cycle("anna", Q2)) == first
    again = written(first, MeetingNotes(None, "anna", date(2025, 4, 4)), ("Boka kurs",))
    store.atomically(lambda uow: uow.save_cycle(again))
    read = store.atomically(lambda uow: uow.cycle("anna", Q2))
    assert read == again and read.notes is not None and read.notes.text is None
    assert [a.text for a in read.actions] == ["Boka kurs"]


def test_time_off_round_trips_on_the_employee(store):
    add(store, ANNA)
    book, _ = TimeOffBook().booked(TimeOff("t1", date(2025, 7, 1), date(2025, 7, 31), VACATION, AT))
    book, _ = book.booked(TimeOff("t2", date(2026, 1, 5), date(2026, 9, 30), PARENTAL_LEAVE, AT))
    book, _ = book.cancel("t0", AT)
    store.atomically(lambda uow: uow.save_employee(replace(uow.employee("anna"), time_off=book)))
    read = store.atomically(lambda uow: uow.employee("anna"))
    assert read is not None and read.time_off == book and read.name == "Anna Lindqvist"
