"""An event that names someone not onboarded yet is held, applied when they arrive, never dropped."""

from datetime import UTC, datetime, timedelta

import pytest

from devplan.adapters.firestore.mapping import held_document
from devplan.services import held_events, journal, platform_events
from devplan.services.inputs import PlatformEvent
from tests import people
from tests.fakes import NOW, InMemoryStore

REFLECTED_AT = "2025-02-12T09:00:00+01:00"


def event(event_id, kind, data, occurred_at=NOW):
    return PlatformEvent(event_id, kind, occurred_at, data, "delivery-" + event_id)


def reflection(event_id="r-ev", employee_id="anna", entry="j1"):
    data = {"employeeId": employee_id, "entryId": entry, "occurredAt": REFLECTED_AT}
    return event(event_id, "journal.reflection_logged", data)


def goals(event_id="g-ev", employee_id="anna", title="Optimera Firebase"):
    data = {"employeeId": employee_id, "goals": [{"goalId": "g1", "title": title}]}
    return event(event_id, "goals.set", data, datetime(2025, 2, 10, 9, tzinfo=UTC))


def onboarded(person, event_id="o-ev"):
    return event(event_id, "employee.onboarded", person)


@pytest.fixture
def store():
    return InMemoryStore()


def test_an_event_before_its_employee_is_held_once_and_applied_when_they_are_onboarded(store):
    assert platform_events.handle(reflection(), store) == "held"
    assert platform_events.handle(goals(), store) == "held"
    assert platform_events.handle(reflection(), store) == "duplicate"  # the same delivery again
    held = store.collection("heldEvents")
    assert sorted(held) == ["g-ev", "r-ev"]
    assert held["r-ev"]["employeeId"] == "anna" and held["r-ev"]["type"] == "journal.reflection_logged"
    assert store.get("cycles/anna:2025-Q1") is None  # nothing applied while anna is unknown

    assert platform_events.handle(onboarded(people.ANNA), store) == "accepted"
    assert store.collection("heldEvents") == {}
    cycle = store.get("cycles/anna:2025-Q1")
    assert cycle["reflections"] == 1 and cycle["lastReflection"] == {"entryId": "j1", "on": "2025-02-12"}
    assert cycle["revision"] == {"done": True, "doneOn": "2025-02-10"}
    assert store.get("employees/anna")["goals"]["items"][0]["title"] == "Optimera Firebase"
    assert store.get("employees/anna/reflections/j1")["eventId"] == "r-ev"  # the event's own id, as if direct
    # A late redelivery of a released event is a duplicate, like any other.
    assert platform_events.handle(reflection(), store) == "duplicate"
    assert store.get("cycles/anna:2025-Q1")["reflections"] == 1


def test_held_then_released_ends_like_applied_directly(store):
    direct = InMemoryStore()
    for e in (onboarded(people.ANNA), reflection(), goals()):
        platform_events.handle(e, direct)
    for e in (reflection(), goals(), onboarded(people.ANNA)):
        platform_events.handle(e, store)
    for path in ("employees/anna", "cycles/anna:2025-Q1", "employees/anna/reflections/j1"):
        assert store.get(path) == direct.get(path)


def test_an_onboarding_that_lands_between_the_handler_and_the_hold_applies_the_event(store, monkeypatch):
    calls = []

    def racing_log_reflection(e, s):
        calls.append(e.id)
        if len(calls) == 1:  # the handler found nobody; the onboarding commits right after
            outcome = journal.log_reflection(e, s)
            platform_events.handle(onboarded(people.ANNA), s)
            return outcome
        return journal.log_reflection(e, s)

    monkeypatch.setitem(held_events.APPLY, "journal.reflection_logged", racing_log_reflection)
    assert platform_events.handle(reflection(), store) == "accepted"
    assert calls == ["r-ev", "r-ev"] and store.collection("heldEvents") == {}
    assert store.get("cycles/anna:2025-Q1")["reflections"] == 1


def test_the_daily_release_applies_what_a_crash_left_and_reports_what_waits_too_long(store):
    store.set("employees/anna", {**people.ANNA, "status": "active"})  # onboarded; its release was cut short
    old = NOW - held_events.OVERDUE_AFTER - timedelta(days=1)
    for e, employee_id, received in (
        (reflection(), "anna", NOW),
        (reflection("ghost-ev", employee_id="ghost"), "ghost", NOW),
        (reflection("ghost-old", employee_id="ghost", entry="j0"), "ghost", old),
    ):
        store.set(f"heldEvents/{e.id}", held_document(e, employee_id, received), merge=False)
    assert held_events.release_all(store, NOW) == {"accepted": 1, "waiting": 1, "overdue": 1}
    assert store.get("cycles/anna:2025-Q1")["reflections"] == 1
    assert sorted(store.collection("heldEvents")) == ["ghost-ev", "ghost-old"]  # kept, not dropped
    assert held_events.release_all(store, NOW) == {"waiting": 1, "overdue": 1}


def test_a_held_event_that_can_never_apply_is_kept_with_the_reason_and_the_rest_go_on(store):
    store.set("employees/anna", {**people.ANNA, "status": "active"})
    broken = held_document(reflection("bad-ev", entry="j9"), "anna", NOW)
    store.set("heldEvents/bad-ev", {**broken, "type": "journal.deleted"}, merge=False)
    store.set("heldEvents/r-ev", held_document(reflection(), "anna", NOW), merge=False)
    store.set("heldEvents/junk", {"type": "goals.set"}, merge=False)  # not ours to read: skipped, logged
    assert held_events.release_all(store, NOW) == {"unusable": 1, "accepted": 1}
    assert "no handler" in store.get("heldEvents/bad-ev")["problem"]
    assert sorted(store.collection("heldEvents")) == ["bad-ev", "junk"]


def test_a_transient_failure_keeps_the_event_for_the_next_release(store, monkeypatch):
    from devplan.errors import TransientError

    store.set("employees/anna", {**people.ANNA, "status": "active"})
    store.set("heldEvents/r-ev", held_document(reflection(), "anna", NOW), merge=False)

    def unavailable(e, s):
        raise TransientError("firestore unavailable")

    monkeypatch.setitem(held_events.APPLY, "journal.reflection_logged", unavailable)
    assert held_events.release_all(store, NOW) == {"still_failing": 1}
    assert "r-ev" in store.collection("heldEvents")


def test_any_json_the_platform_sends_is_held_as_it_came(store):
    data = {"employeeId": "anna", "entryId": "j1", "occurredAt": REFLECTED_AT, "extra": [[1, 2], {"": None}]}
    assert platform_events.handle(event("odd", "journal.reflection_logged", data), store) == "held"
    [held] = store.held_events(employee_id="anna", limit=10)
    assert held.event.data == data and held.event.type == "journal.reflection_logged" and held.received == NOW


def test_the_daily_catch_up_applies_what_a_crash_between_onboarding_and_release_left(store, monkeypatch):
    from devplan.services import onboarding
    from tests.fakes import FakeSlack

    assert platform_events.handle(reflection(), store) == "held"
    monkeypatch.setattr(held_events, "release", lambda employee_id, s: {})  # the crash: onboarded, never released
    assert platform_events.handle(onboarded(people.ANNA), store) == "accepted"
    assert sorted(store.collection("heldEvents")) == ["r-ev"]
    monkeypatch.undo()

    outcome = onboarding.catch_up(store, FakeSlack(), NOW + timedelta(days=1), run_id="day-2")
    assert outcome["held_accepted"] == 1
    assert store.collection("heldEvents") == {}
    assert store.get("cycles/anna:2025-Q1")["reflections"] == 1


def test_events_whose_employee_never_came_cannot_hide_newer_ones_from_the_daily_release(store, monkeypatch):
    monkeypatch.setattr(held_events, "RELEASE_LIMIT", 3)
    store.set("employees/anna", {**people.ANNA, "status": "active"})
    old = NOW - held_events.OVERDUE_AFTER - timedelta(days=1)
    for n in range(5):  # ghosts, first by id and by age
        ghost = reflection(f"a-ghost-{n}", employee_id="ghost", entry=f"j{n}")
        store.set(f"heldEvents/{ghost.id}", held_document(ghost, "ghost", old - timedelta(days=n)), merge=False)
    store.set("heldEvents/r-ev", held_document(reflection(), "anna", NOW - timedelta(days=1)), merge=False)
    assert held_events.release_all(store, NOW) == {"accepted": 1, "overdue": 3}
    assert store.get("cycles/anna:2025-Q1")["reflections"] == 1
    assert "r-ev" not in store.collection("heldEvents")


def test_a_held_event_that_applied_but_could_not_be_forgotten_does_not_stop_the_rest(store, monkeypatch):
    from google.api_core.exceptions import ServiceUnavailable

    assert platform_events.handle(reflection(), store) == "held"
    assert platform_events.handle(goals(), store) == "held"
    forget = store.forget_held_event

    def forget_but_not_the_reflection(event_id):
        if event_id == "r-ev":
            raise ServiceUnavailable("firestore unavailable")
        forget(event_id)

    monkeypatch.setattr(store, "forget_held_event", forget_but_not_the_reflection)
    # The onboarding committed: a later failure to tidy up does not turn its answer into an error.
    assert platform_events.handle(onboarded(people.ANNA), store) == "accepted"
    assert store.get("cycles/anna:2025-Q1")["reflections"] == 1
    assert store.get("employees/anna")["goals"]["items"][0]["title"] == "Optimera Firebase"
    assert sorted(store.collection("heldEvents")) == ["r-ev"]
    monkeypatch.undo()
    assert held_events.release(people.ANNA["employeeId"], store) == {"duplicate": 1}  # found again, forgotten now
    assert store.collection("heldEvents") == {}


def test_a_problem_that_cannot_be_noted_does_not_stop_the_rest(store, monkeypatch):
    from google.api_core.exceptions import ServiceUnavailable

    store.set("employees/anna", {**people.ANNA, "status": "active"})
    broken = held_document(reflection("bad-ev", entry="j9"), "anna", NOW)
    store.set("heldEvents/bad-ev", {**broken, "type": "journal.deleted"}, merge=False)
    store.set("heldEvents/r-ev", held_document(reflection(), "anna", NOW), merge=False)

    def unavailable(event_id, problem):
        raise ServiceUnavailable("firestore unavailable")

    monkeypatch.setattr(store, "note_held_problem", unavailable)
    assert held_events.release_all(store, NOW) == {"unusable": 1, "accepted": 1}
    assert sorted(store.collection("heldEvents")) == ["bad-ev"]
