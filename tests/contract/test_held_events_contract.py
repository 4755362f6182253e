"""The store's held events, the Slack link in a transaction and the release of a sender's claim,
run against the in-memory documents and against Firestore on the emulator."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from devplan.adapters.firestore.mapping import held_document, held_path
from devplan.domain.outbox import Claim, OutboxMessage
from devplan.services.held_events import HeldEvent
from devplan.services.inputs import PlatformEvent
from tests.contract.test_store_contract import ANNA, BO, add
from tests.fakes import NOW

EVENT = PlatformEvent(
    "evt/1",  # a '/' the document id cannot hold: the event keeps its own id
    "goals.set",
    datetime(2025, 2, 10, 9, 30, tzinfo=UTC),
    {"employeeId": "anna", "goals": [{"goalId": "g1", "title": "Optimera Firebase"}], "odd": [[1], {"": None}]},
    "delivery-1",
)


def test_a_held_event_round_trips_once_and_is_forgotten(store):
    assert store.atomically(lambda uow: uow.hold(EVENT, "anna")) is True
    assert store.atomically(lambda uow: uow.hold(EVENT, "anna")) is False
    assert store.held_events(employee_id="anna", limit=10) == [HeldEvent(EVENT, "anna", NOW)]
    assert store.held_events(employee_id="bo", limit=10) == []
    assert [h.event.id for h in store.held_events(limit=10)] == ["evt/1"]
    store.note_held_problem("evt/1", "no handler")
    assert store.held_events(limit=10)[0].problem == "no handler"
    store.forget_held_event("evt/1")
    assert store.held_events(limit=10) == []
    store.note_held_problem("evt/1", "late")  # on a forgotten event: nothing comes back
    assert store.held_events(limit=10) == []


def test_event_ids_firestore_cannot_hold_as_they_are_get_documents_of_their_own(store):
    ids = [".", "..", "__x__", "a/b", "a_b", "a%2Fb"]
    events = [replace(EVENT, id=event_id) for event_id in ids]
    assert [store.atomically(lambda uow, e=e: (uow.claim(f"held:{e.id}"), uow.hold(e, "anna"))) for e in events] == [
        (True, True)
    ] * len(ids)
    assert store.atomically(lambda uow: uow.claim("held:a/b")) is False
    assert sorted(h.event.id for h in store.held_events(limit=10)) == sorted(ids)
    for event_id in ids:
        store.forget_held_event(event_id)
    assert store.held_events(limit=10) == []


def test_held_events_are_asked_by_when_they_were_received(store):
    days = [40, 35, 2, 1]  # received so many days ago
    for n in days:
        event = replace(EVENT, id=f"evt-{n}")
        store.documents.set(held_path(event.id), held_document(event, "anna", NOW - timedelta(days=n)), merge=False)
    cutoff = NOW - timedelta(days=30)

    def ids(held):
        return [h.event.id for h in held]

    assert ids(store.held_events(received_since=cutoff, limit=10)) == ["evt-2", "evt-1"]  # oldest first
    assert ids(store.held_events(received_before=cutoff, limit=10)) == ["evt-35", "evt-40"]  # newest first
    assert ids(store.held_events(received_since=cutoff, limit=1)) == ["evt-2"]
    assert ids(store.held_events(received_before=cutoff, limit=1)) == ["evt-35"]


def test_a_query_may_be_ordered_by_a_field_after_an_equality_filter(store):
    """What the dead letters are listed by (state, newest lastSeenAt first; a composite index)."""
    for n, state in enumerate(["open", "open", "dismissed", "open"]):
        store.documents.set(f"deadLetters/l-{n}", {"state": state, "lastSeenAt": NOW + timedelta(hours=n)})
    store.documents.set("deadLetters/no-time", {"state": "open"})  # without the field: left out
    found = store.documents.query("deadLetters", [("state", "==", "open")], order_by=("lastSeenAt", "desc"), limit=2)
    assert [i for i, _ in found] == ["l-3", "l-1"]


def test_employees_are_found_by_email_and_linked_in_one_transaction(store):
    add(store, ANNA, BO)

    def link(uow):
        found = uow.employees_with_email("anna@innerjourney.se")
        for e in found:
            uow.link_slack_account(e.employee_id, "U_ANNA")
        return [e.employee_id for e in found]

    assert store.atomically(link) == ["anna"]
    assert store.employee("anna").slack_user_id == "U_ANNA" and store.employee("bo").slack_user_id is None


def test_a_claim_is_released_only_by_its_own_attempt(store):
    message = OutboxMessage("welcome:anna", users=("U1",), text="Hej")
    store.atomically(lambda uow: uow.emit(message))
    entry, version = store.outbox_entry("welcome:anna")
    mine = Claim("ev1", "a1", NOW, NOW + timedelta(seconds=120))
    assert store.claim_outbox("welcome:anna", mine, attempts=1, version=version)
    assert store.release_outbox("welcome:anna", Claim("ev0", "a0", NOW, NOW), at=NOW) is False
    assert store.release_outbox("welcome:anna", mine, at=NOW) is True
    entry, _ = store.outbox_entry("welcome:anna")
    assert entry.state == "sending" and entry.claim == Claim("ev1", "a1", NOW, NOW) and entry.attempts == 1


def _metric_event(event_id: str, kind: str, data: dict) -> PlatformEvent:
    return PlatformEvent(event_id, kind, datetime(2025, 4, 8, 9, tzinfo=UTC), data, f"delivery-{event_id}")


def test_a_coachs_sessions_before_her_onboarding_are_held_under_her_id_and_counted_when_she_arrives(store):
    from devplan.services import platform_events
    from tests import people

    done = {"coachId": "nya", "completedAt": "2025-04-08T10:00:00+02:00"}
    events = [
        _metric_event("c/1", "coaching.session_completed", {**done, "sessionId": "s.1"}),
        _metric_event("c/2", "coaching.session_completed", {**done, "sessionId": "s_2"}),
        _metric_event(
            "g/1", "onboarding.user_guided", {"coachId": "nya", "userId": "u1", "guidedAt": done["completedAt"]}
        ),
    ]
    assert [platform_events.handle(e, store) for e in events] == ["held", "held", "held"]
    assert sorted(h.event.id for h in store.held_events(employee_id="nya", limit=10)) == ["c/1", "c/2", "g/1"]
    cancel = _metric_event("x/2", "coaching.session_cancelled", {"sessionId": "s_2"})
    assert platform_events.handle(cancel, store) == "cancelled_before_completion"

    nya = {**people.ANNA, "employeeId": "nya", "email": "nya@innerjourney.se", "name": "Nya Nilsson"}
    assert platform_events.handle(_metric_event("o/1", "employee.onboarded", nya), store) == "accepted"
    assert store.held_events(limit=10) == []
    sessions = store.atomically(lambda uow: uow.tally("nya", "coaching_sessions"))
    assert {i: (m.on.isoformat(), m.cancelled) for i, m in sessions.items.items()} == {
        "s.1": ("2025-04-08", False),
        "s_2": ("2025-04-08", True),
    }
    assert store.atomically(lambda uow: uow.tally("nya", "users_guided")).count() == 1
    assert store.atomically(lambda uow: uow.metric_item_owner("coaching_sessions", "s_2")) == ("nya", True)
