"""Time-off events from the platform as they really come: late, on odd edges of the calendar, and
changed back and forth. App Home is refreshed as of the day the event is handled (an event's own
day may be months past, or outside the calendar), and the lead is told of every change, also
one back to days told before, once per event."""

from __future__ import annotations

import json
from datetime import date

import pytest

from devplan.services import home_refresh
from tests.unit.entry_support import client, platform_headers
from tests.unit.test_entry_points_http import ANNA_SLACK, seed_team

FEBRUARY = {"employeeId": "anna", "timeOffId": "feb", "from": "2025-02-10", "to": "2025-02-14", "kind": "vacation"}


def post(env, kind: str, data: dict, event_id: str, occurred_at: str):
    body = json.dumps({"id": event_id, "type": kind, "occurredAt": occurred_at, "data": data}).encode()
    return client("platform_webhook").post("/", data=body, headers=platform_headers(body, env.now))


def home_days(env, employee_id: str) -> set[str]:
    return {k.split(":")[2] for k in env.store.collection("outbox") if k.startswith(f"home:{employee_id}:")}


def homes_opened(env) -> None:
    seed_team(env)
    for person in ("anna", "bo"):
        env.store.docs[f"employees/{person}"]["slack"]["homeOpened"] = True


def test_a_late_time_off_event_refreshes_home_as_of_today_not_as_of_its_own_past_day(env):
    homes_opened(env)
    home_refresh.opened(env.store, ANNA_SLACK, "Ev1", date(2025, 4, 8))
    # It happened in February, in Q1, and is delivered on 8 April (a retry, a backlog).
    answer = post(env, "employee.time_off", FEBRUARY, "late", "2025-02-01T09:00:00+01:00")
    assert answer.get_json()["status"] == "recorded"
    assert home_days(env, "anna") == home_days(env, "bo") == {"2025-04-08"}
    cancelled = post(env, "employee.time_off_cancelled", FEBRUARY, "late-cancel", "2025-02-03T09:00:00+01:00")
    assert cancelled.get_json()["status"] == "cancelled"
    assert home_days(env, "anna") == home_days(env, "bo") == {"2025-04-08"}


@pytest.mark.parametrize("occurred_at", ["2100-12-31T23:30:00-05:00", "2000-01-01T00:30:00+05:00"])
def test_an_event_on_the_edge_of_the_calendar_never_shows_home_as_of_a_day_outside_it(env, occurred_at):
    homes_opened(env)
    july = {**FEBRUARY, "timeOffId": "t1", "from": "2025-07-01", "to": "2025-07-31"}
    assert post(env, "employee.time_off", july, "e1", occurred_at).status_code == 200
    assert post(env, "employee.time_off_cancelled", july, "e2", occurred_at).status_code == 200
    assert home_days(env, "anna") == {"2025-04-08"}


def lead_notices(env) -> list[str]:
    return [m["text"] for k, m in env.store.collection("outbox").items() if k.startswith("time-off:")]


def test_the_lead_is_told_when_a_period_changes_back_to_days_told_before(env):
    seed_team(env)
    t1 = {"employeeId": "anna", "timeOffId": "t1", "kind": "vacation"}
    july, august = {"from": "2025-07-01", "to": "2025-07-31"}, {"from": "2025-08-01", "to": "2025-08-29"}
    for event_id, days, occurred_at in (
        ("a", july, "2025-05-01T09:00:00+02:00"),
        ("b", august, "2025-05-02T09:00:00+02:00"),
        ("c", july, "2025-05-03T09:00:00+02:00"),
    ):
        assert post(env, "employee.time_off", {**t1, **days}, event_id, occurred_at).get_json()["status"] == "recorded"
    assert env.store.docs["employees/anna"]["timeOff"]["periods"][0]["from"] == "2025-07-01"
    told = lead_notices(env)
    # July told twice (booked, then booked again after August), August once.
    assert sorted("juli" in t and "augusti" not in t for t in told) == [False, True, True]
    # The same event again (a redelivery under another delivery id) tells nothing twice.
    post(env, "employee.time_off", {**t1, **july}, "c", "2025-05-03T09:00:00+02:00")
    assert len(lead_notices(env)) == 3
