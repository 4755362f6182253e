"""Time off "utan pekpinnar" as pure rules (domain/time_off.py) and in the cycle (domain/cycle.py)."""

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devplan.domain.calendar import Quarter, business_days_between, is_business_day
from devplan.domain.cycle import PAUSED_WHILE_AWAY, CycleFacts, EmployeeFacts, due_actions, review_due
from devplan.domain.time_off import (
    PARENTAL_LEAVE,
    VACATION,
    TimeOff,
    TimeOffBook,
    away,
    days_off,
    moved,
    parse_time_off,
)
from devplan.errors import InvalidEvent

AT = datetime(2025, 6, 2, 9, tzinfo=UTC)
Q3 = Quarter(2025, 3)
JULY = TimeOff("t1", date(2025, 7, 1), date(2025, 7, 31), VACATION, AT)
VETERAN = EmployeeFacts(
    "anna", date(2023, 9, 1), has_lead=True, first_goals_deadline=date(2023, 9, 15), first_goals_set=True
)


OPENED = frozenset({"open", "quarter-digest"})  # done once the opening and the next business day ran


def book(*periods: TimeOff) -> TimeOffBook:
    result = TimeOffBook()
    for p in periods:
        result, _ = result.booked(p)
    return result


def test_july_moves_the_q3_revision_deadline_by_the_23_business_days_missed():
    # Q3 2025 opens Tue 1 July; the revision is due 10 business days later, Tue 15 July.
    assert days_off(book(JULY), date(2025, 7, 1), date(2025, 7, 31)) == 23
    moved_to = moved(date(2025, 7, 15), date(2025, 7, 1), book(JULY))
    # Ten working days from Friday 1 August: the same ten days to do it, after the vacation.
    assert moved_to == date(2025, 8, 14)
    assert business_days_between(date(2025, 7, 31), moved_to) == 10


def test_nothing_moves_without_days_missed_before_the_deadline():
    august = TimeOff("t2", date(2025, 8, 4), date(2025, 8, 8), VACATION, AT)
    assert moved(date(2025, 7, 15), date(2025, 7, 1), book(august)) == date(2025, 7, 15)
    before = TimeOff("t3", date(2025, 6, 2), date(2025, 6, 27), VACATION, AT)  # before the clock started
    assert moved(date(2025, 7, 15), date(2025, 7, 1), book(before)) == date(2025, 7, 15)


def test_a_moved_deadline_skips_a_second_period_it_runs_into():
    week = TimeOff("t2", date(2025, 7, 16), date(2025, 7, 18), VACATION, AT)
    two_days = TimeOff("t1", date(2025, 7, 10), date(2025, 7, 11), VACATION, AT)
    # Deadline 15 July, two days missed before it: 17 July, but 16–18 are away too: 22 July.
    assert moved(date(2025, 7, 15), date(2025, 7, 1), book(two_days, week)) == date(2025, 7, 22)


def test_no_reminder_on_a_day_away_and_the_reminders_come_after():
    person = EmployeeFacts(**{**VETERAN.__dict__, "time_off": book(JULY)})
    opened = CycleFacts(opened_on=date(2025, 7, 1), revision_deadline=date(2025, 7, 15), done_keys=OPENED)
    for day in (date(2025, 7, 15), date(2025, 7, 16), date(2025, 7, 29)):  # due without the time off
        assert due_actions(person, Q3, opened, day) == []
        assert [a.kind for a in due_actions(VETERAN, Q3, opened, day)] != []
    # Back on Friday 1 August; the nudge two business days before the moved deadline (14 August).
    assert [a.kind for a in due_actions(person, Q3, opened, date(2025, 8, 11))] == []
    [nudge] = due_actions(person, Q3, opened, date(2025, 8, 12))
    assert (nudge.kind, nudge.deadline) == ("goal_nudge", date(2025, 8, 14))


def test_the_1_1_reminders_move_by_the_days_missed():
    assert review_due(Q3, TimeOffBook()) == date(2025, 7, 15)
    assert review_due(Q3, book(JULY)) == date(2025, 8, 14)


def test_the_quarter_still_opens_on_a_day_away():
    person = EmployeeFacts(**{**VETERAN.__dict__, "time_off": book(JULY)})
    kinds = [a.kind for a in due_actions(person, Q3, CycleFacts(), date(2025, 7, 1))]
    assert kinds == ["open_quarter"]


def test_the_newest_event_wins_and_a_cancellation_is_final_in_any_order():
    later = TimeOff("t1", date(2025, 7, 7), date(2025, 7, 25), VACATION, AT + timedelta(days=1))
    one, outcome = book(JULY).booked(later)
    two, stale = book(later).booked(JULY)
    assert one == two and (outcome, stale) == ("recorded", "stale")
    cancelled_first, _ = TimeOffBook().cancel("t1", AT)
    assert cancelled_first.booked(JULY) == (cancelled_first, "already_cancelled")
    cancelled_after, outcome = book(JULY).cancel("t1", AT)
    assert outcome == "cancelled" and away(cancelled_after, date(2025, 7, 10)) is None
    assert away(cancelled_first, date(2025, 7, 10)) is None
    assert book(JULY).booked(JULY) == (book(JULY), "unchanged")


@pytest.mark.parametrize(
    "data",
    [
        {"employeeId": "anna", "timeOffId": "t1", "from": "2025-07-31", "to": "2025-07-01", "kind": VACATION},
        {"employeeId": "anna", "timeOffId": "t1", "from": "2025-07-01", "to": "2027-07-01", "kind": PARENTAL_LEAVE},
        {"employeeId": "anna", "timeOffId": "t1", "from": "2025-07-01", "to": "2025-07-31", "kind": "sabbatical"},
        {"employeeId": "anna", "timeOffId": "t1", "from": "2025-07-01", "to": "2025-07-31"},
        {"employeeId": "anna", "timeOffId": "../x", "from": "2025-07-01", "to": "2025-07-31", "kind": VACATION},
        {"employeeId": "anna", "timeOffId": "t1", "from": "1.7.2025", "to": "2025-07-31", "kind": VACATION},
    ],
)
def test_an_unusable_period_is_refused(data):
    with pytest.raises(InvalidEvent) as refused:
        parse_time_off(data, AT)
    assert refused.value.code == "invalid_data"


days = st.dates(min_value=date(2025, 1, 1), max_value=date(2026, 12, 31))
periods = st.builds(
    lambda i, start, length: TimeOff(f"t{i}", start, start + timedelta(days=length), VACATION, AT),
    st.integers(0, 5),
    days,
    st.integers(0, 60),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(periods, max_size=4), days, st.integers(0, 30))
def test_a_deadline_never_moves_earlier_and_moves_by_exactly_the_business_days_missed(periods, since, length):
    time_off = book(*periods)
    deadline = since + timedelta(days=length)
    after = moved(deadline, since, time_off)
    assert after >= deadline
    # Every business day between the deadline and the moved one replaces one day away in (since, moved].
    assert business_days_between(deadline, after) == days_off(time_off, since + timedelta(days=1), after)
    if after != deadline:
        assert is_business_day(after) and away(time_off, after) is None


@settings(max_examples=300, deadline=None)
@given(st.lists(periods, min_size=1, max_size=3), st.integers(0, 200), st.booleans())
def test_no_reminder_or_nudge_is_sent_on_a_day_away(periods, offset, revised):
    time_off = book(*periods)
    person = EmployeeFacts(**{**VETERAN.__dict__, "time_off": time_off, "supervised": True})
    day = date(2025, 1, 2) + timedelta(days=offset)
    quarter = Quarter.of(day)
    opening = review_due(quarter, TimeOffBook(), 0)
    cycle = CycleFacts(
        opened_on=opening,
        revision_deadline=review_due(quarter, TimeOffBook()),
        revision_done=revised,
        done_keys=OPENED,
    )
    sent = {a.kind for a in due_actions(person, quarter, cycle, day)}
    if away(time_off, day) is not None:
        assert not sent & PAUSED_WHILE_AWAY


def test_in_the_tick_july_away_sends_the_invite_with_the_time_off_and_no_reminder_until_august():
    from devplan.services import quarterly_cycle
    from devplan.services.inputs import EmployeeChunk
    from tests.unit.slack_forms_support import BO_SLACK, Team

    team = Team()
    anna = team.store.docs["employees/anna"]
    anna["startDate"] = "2024-09-02"
    anna["timeOff"] = {
        "periods": [{"id": "t1", "from": "2025-07-01", "to": "2025-07-31", "kind": "vacation", "occurredAt": AT}]
    }
    day, sent = date(2025, 7, 1), {}
    while day <= date(2025, 8, 29):
        quarterly_cycle.run_chunk(EmployeeChunk(day, ("anna",), f"m-{day}"), team.store)
        for key in team.outbox():
            sent.setdefault(key, day)
        day += timedelta(days=1)
    invite = team.outbox("review-invite:anna:2025-Q3")["review-invite:anna:2025-Q3"]
    assert "Ledig från den 1 juli 2025 till den 31 juli 2025 (semester)" in json.dumps(
        invite["blocks"], ensure_ascii=False
    )
    assert sent.pop("review-invite:anna:2025-Q3") == date(2025, 7, 1)
    assert all(on >= date(2025, 8, 1) for on in sent.values()), sent
    # The revision nudge two business days before 14 August, the lead told the day after it,
    # the 1:1 reminded on 15 August (10 working days after the opening, July not counted).
    assert sent["goal-nudge:revision:anna:2025-Q3"] == date(2025, 8, 12)
    assert sent["goal-overdue:revision:anna:2025-Q3"] == date(2025, 8, 15)
    assert sent["review-reminder:anna:2025-Q3"] == date(2025, 8, 14)
    assert "den 14 augusti 2025" in team.outbox("goal-nudge:revision:anna")["goal-nudge:revision:anna:2025-Q3"]["text"]
    assert team.outbox("goal-overdue")["goal-overdue:revision:anna:2025-Q3"]["users"] == [BO_SLACK]


def test_the_plan_shows_the_deadline_as_time_off_moved_it():
    from devplan.services.plan_status import plan_status_for
    from tests.unit.slack_forms_support import ANNA_SLACK, BO_SLACK, Team

    team = Team()
    team.store.docs["employees/anna"]["timeOff"] = {
        "periods": [{"id": "t1", "from": "2025-07-01", "to": "2025-07-31", "kind": "vacation", "occurredAt": AT}]
    }
    team.store.docs["cycles/anna:2025-Q3"] = {
        "employeeId": "anna",
        "quarter": "2025-Q3",
        "openedOn": "2025-07-01",
        "revision": {"deadline": "2025-07-15", "done": False},
    }
    shown = plan_status_for(ANNA_SLACK, team.store, date(2025, 7, 20)).text
    assert "14 augusti 2025" in shown and "15 juli" not in shown
    # Her lead sees who is away, while she is.
    assert (
        "Anna Lindqvist är ledig till den 31 juli 2025 (semester)"
        in plan_status_for(BO_SLACK, team.store, date(2025, 7, 20)).text
    )
    assert "ledig" not in plan_status_for(BO_SLACK, team.store, date(2025, 8, 1)).text
