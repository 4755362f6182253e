"""The cancelled ids a person's time off keeps are bounded: the newest MAX_CANCELLED by when they
were said, so the employee document stays far inside Firestore's 1 MiB whatever the platform
sends. An old cancellation forgotten lets at worst a very late booking of that id through."""

from __future__ import annotations

import json
import logging
from datetime import UTC, date, datetime, timedelta

from devplan.adapters.firestore.mapping.time_off import time_off_document, time_off_from
from devplan.domain.time_off import MAX_CANCELLED, VACATION, TimeOff, TimeOffBook, away
from tests.unit.test_entry_points_http import seed_team
from tests.unit.test_time_off_events_late_and_repeated import post

AT = datetime(2025, 5, 1, 9, tzinfo=UTC)
LONG_ID = "c" * 122


def cancelled_many(n: int, book: TimeOffBook | None = None) -> TimeOffBook:
    book = book or TimeOffBook()
    for i in range(n):
        book, outcome = book.cancel(f"{i:06d}{LONG_ID}", AT + timedelta(minutes=i + 1))
        assert outcome == "cancelled"
    return book


def test_many_cancellations_keep_the_newest_and_the_document_small():
    book = cancelled_many(MAX_CANCELLED * 5)
    assert len(book.cancelled) == MAX_CANCELLED
    assert f"{MAX_CANCELLED * 5 - 1:06d}{LONG_ID}" in book.cancelled and f"{0:06d}{LONG_ID}" not in book.cancelled
    document = time_off_document(book)
    assert len(json.dumps(document, default=str)) < 64 * 1024
    assert time_off_from(document) == book  # the moments kept, so the newest stay the newest after a read


def test_the_same_cancellations_in_any_order_keep_the_same_ids():
    ids = [(f"t{i}", AT + timedelta(hours=i % 7, minutes=i)) for i in range(MAX_CANCELLED + 20)]
    forwards, backwards = TimeOffBook(), TimeOffBook()
    for time_off_id, at in ids:
        forwards, _ = forwards.cancel(time_off_id, at)
    for time_off_id, at in reversed(ids):
        backwards, _ = backwards.cancel(time_off_id, at)
    assert forwards == backwards


def test_a_cancelled_period_whose_cancellation_is_forgotten_does_not_come_back():
    july = TimeOff("july", date(2025, 7, 1), date(2025, 7, 31), VACATION, AT)
    book, _ = TimeOffBook().booked(july)
    book, _ = book.cancel("july", AT)
    book = cancelled_many(MAX_CANCELLED, book)  # all newer than July's
    assert "july" not in book.cancelled and book.period("july") is None
    assert away(book, date(2025, 7, 10)) is None


def test_a_document_from_before_with_plain_ids_is_read():
    book = time_off_from({"periods": [], "cancelled": ["t1", "t2"]})
    assert book.cancelled == {"t1", "t2"}


def test_many_cancellations_from_the_platform_keep_the_employee_writable(env, caplog):
    seed_team(env)
    with caplog.at_level(logging.WARNING):
        for i in range(MAX_CANCELLED + 30):
            data = {"employeeId": "anna", "timeOffId": f"{i:06d}{LONG_ID}"}
            answer = post(env, "employee.time_off_cancelled", data, f"c{i}", "2025-05-01T09:00:00+02:00")
            assert answer.status_code == 200
    assert len(env.store.docs["employees/anna"]["timeOff"]["cancelled"]) == MAX_CANCELLED
    assert len(json.dumps(env.store.docs["employees/anna"], default=str)) < 64 * 1024
    assert any("forgotten" in r.getMessage() for r in caplog.records)  # what may come back is said
    late = {"employeeId": "anna", "timeOffId": f"{0:06d}{LONG_ID}", "from": "2025-07-01", "to": "2025-07-02"}
    answer = post(env, "employee.time_off", {**late, "kind": "other"}, "late", "2025-04-30T09:00:00+02:00")
    assert answer.get_json()["status"] == "recorded"  # forgotten: at worst a very late booking let through
