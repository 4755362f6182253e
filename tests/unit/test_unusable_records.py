"""A stored record that cannot be read as its record (written by someone else, an older
version, a migration gone wrong) sets aside only what depends on it, with a log line."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from devplan.services import goals, journal, onboarding, quarterly_cycle
from devplan.services.inputs import EmployeeChunk, PlatformEvent
from tests.fakes import FakeSlack, InMemoryStore
from tests.unit.test_quarterly_cycle import OPENING, employee, goal_titles

UTC = UTC


@pytest.fixture
def store():
    s = InMemoryStore()
    s.set("employees/bo", {**employee("Bo", lead=None), "role": "project_lead", "leadId": None})
    for name in ("Anna", "Maja", "Erik"):
        s.set(f"employees/{name.lower()}", employee(name))
    return s


def goals_set(event_id, at, title, employee_id="anna"):
    data = {"employeeId": employee_id, "goals": [{"goalId": event_id, "title": title}]}
    return PlatformEvent(event_id, "goals.set", at, data, "d")


def chunk(day, *ids):
    return EmployeeChunk(day, ids, f"m-{day}", 0)


def test_a_bad_record_of_last_quarter_sets_aside_one_person_not_the_chunk(store):
    store.set("cycles/maja:2026-Q1", {"employeeId": "maja", "quarter": "2026-Q1", "lastReflection": {"on": "x"}})
    outcome = quarterly_cycle.run_chunk(chunk(OPENING, "anna", "maja", "erik"), store)
    assert outcome == {"open_quarter": 2, "invalid_employee": 1}
    assert {"outbox/review-invite:anna:2026-Q2", "outbox/review-invite:erik:2026-Q2"} <= set(store.docs)
    assert "cycles/maja:2026-Q2" not in store.docs
    assert store.get("ticks/2026-04-01/chunks/0")["outcome"] == outcome


def test_an_unreadable_lead_is_not_taken_for_no_lead(store):
    store.set("employees/bo", {"startDate": "someday"})
    assert quarterly_cycle.run_chunk(chunk(OPENING, "anna"), store) == {"invalid_lead": 1}
    assert "cycles/anna:2026-Q2" not in store.docs  # nothing recorded as done without the 1:1
    store.set("employees/bo", {**employee("Bo", lead=None), "role": "project_lead", "leadId": None}, merge=False)
    assert quarterly_cycle.run_chunk(chunk(date(2026, 4, 2), "anna"), store) == {"open_quarter": 1}
    assert store.get("outbox/review-invite:anna:2026-Q2")["users"] == ["U_ANNA", "U_BO"]


def test_a_reflection_needs_only_that_the_employee_exists(store):
    store.set("employees/anna", {"email": None})  # a field the reflection does not need is broken
    event = PlatformEvent(
        "r-1",
        "journal.reflection_logged",
        datetime(2026, 4, 8, 10, tzinfo=UTC),
        {"employeeId": "anna", "entryId": "j1"},
        "d",
    )
    assert journal.log_reflection(event, store) == "accepted"
    assert store.get("cycles/anna:2026-Q2")["reflections"] == 1


def test_a_late_older_goals_event_writes_no_goals(store):
    newer = goals_set("g-2", datetime(2026, 4, 8, 12, tzinfo=UTC), "Nyare")
    older = goals_set("g-1", datetime(2026, 4, 8, 9, tzinfo=UTC), "Äldre")
    assert goals.set_goals(newer, store) == "accepted"
    version = store.versions["employees/anna"]
    assert goals.set_goals(older, store) == "accepted"
    assert store.versions["employees/anna"] == version  # no write: no trigger fires for nothing
    assert goal_titles(store, "anna", "2026-Q2") == ["Nyare"]


def test_the_catch_up_goes_on_past_a_person_whose_lead_cannot_be_read():
    store, slack = InMemoryStore(), FakeSlack({"anna@ij.se": "U_ANNA", "erik@ij.se": "U_ERIK", "kim@ij.se": "U_KIM"})
    store.set("employees/bo", {"startDate": "someday"})
    store.set(
        "employees/kim",
        {
            **employee("Kim", lead=None),
            "role": "project_lead",
            "leadId": None,
            "slack": {},
            "onboarding": {"status": "pending"},
        },
    )
    for name, lead in (("Anna", "bo"), ("Erik", "kim")):
        store.set(
            f"employees/{name.lower()}", {**employee(name, lead=lead), "slack": {}, "onboarding": {"status": "pending"}}
        )
    outcome = onboarding.catch_up(store, slack, datetime(2026, 4, 1, 6, tzinfo=UTC), run_id="r1")
    assert outcome.get("unusable") == 1 and outcome.get("welcomed") == 2
    assert "outbox/welcome:erik" in store.docs and "outbox/welcome:anna" not in store.docs


def test_a_missing_status_is_not_active():
    store = InMemoryStore()
    doc = employee("Anna")
    del doc["status"]
    store.set("employees/anna", doc)
    assert quarterly_cycle.run_chunk(chunk(OPENING, "anna"), store) == {"nothing_due": 1}


def test_the_cycle_document_keeps_its_layout(store):
    store.set("employees/nils", employee("Nils", start="2026-03-20"))  # a new starter at the opening
    quarterly_cycle.run_chunk(chunk(OPENING, "nils"), store)
    assert store.get("cycles/nils:2026-Q2")["revision"] == {"deadline": None, "done": False}
    early = goals_set("g-0", datetime(2026, 3, 31, 10, tzinfo=UTC), "Mål", employee_id="erik")
    goals.set_goals(early, store)
    assert store.get("cycles/erik:2026-Q1")["revision"] == {"done": True, "doneOn": "2026-03-31"}
