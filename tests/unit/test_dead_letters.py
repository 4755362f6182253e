"""The dead-letter collection (adapters/firestore/dead_letters.py) over the in-memory documents, and
the one classification of failures (errors.failure_of) it is filled by."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from google.api_core import exceptions as google

from devplan.adapters.entry import event_delivery
from devplan.adapters.firestore.dead_letters import DeadLetterStore, Delivery
from devplan.adapters.firestore.mapping.dead_letters import MAX_EVENT_BYTES, dead_letter_path
from devplan.errors import InvalidEvent, TransientError, UnusableRecord, failure_of
from tests.fakes import NOW, MemoryDocuments


@pytest.fixture
def clock():
    moments = {"now": NOW}
    return moments


@pytest.fixture
def store(clock):
    return DeadLetterStore(MemoryDocuments(), clock=lambda: clock["now"])


def delivery(event_id="e-1", body='{"id": "e-1"}'):
    return Delivery(event_id, "google.cloud.pubsub.topic.v1.messagePublished", "//pubsub", None, body)


@pytest.mark.parametrize(
    "error, failure",
    [
        (InvalidEvent("x"), "malformed"),
        (UnusableRecord("employees/x"), "permanent"),
        (OverflowError("date value out of range"), "permanent"),
        (UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogates not allowed"), "permanent"),
        (KeyError("email"), "permanent"),
        (RecursionError(), "permanent"),
        (google.InvalidArgument("document too big"), "permanent"),
        (google.FailedPrecondition("x"), "permanent"),
        (TransientError("slack 503"), "transient"),
        (google.ServiceUnavailable("x"), "transient"),
        (google.DeadlineExceeded("x"), "transient"),
        (google.Aborted("contention"), "transient"),
        (google.TooManyRequests("x"), "transient"),
        (google.InternalServerError("x"), "transient"),
        (ConnectionError(), "transient"),
        (TimeoutError(), "transient"),
        (google.PermissionDenied("x"), "unknown"),  # ours to mend: retried until the age limit
        (RuntimeError("a bug"), "unknown"),
    ],
)
def test_one_classification_of_failures(error, failure):
    assert failure_of(error) == failure


def test_a_letter_is_kept_once_and_counts_what_failed_again(store, clock):
    letters = store.for_event("employee-tick", delivery())
    letters.set_aside("employee", "anna", UnusableRecord("employees/anna is not usable"))
    clock["now"] = NOW + timedelta(days=1)
    letters.set_aside("employee", "anna", KeyError("email"))
    (doc,) = store.documents.docs.values()
    assert doc["id"] == "employee-tick:employees/anna" and doc["record"] == "employees/anna"
    assert (doc["attempts"], doc["firstSeenAt"], doc["lastSeenAt"]) == (2, NOW, NOW + timedelta(days=1))
    assert doc["error"] == {"class": "KeyError", "message": "'email'"} and doc["state"] == "open"
    assert list(store.documents.docs) == ["deadLetters/employee-tick:employees%2Fanna"]
    assert store.letter("employee-tick:employees/anna").attempts == 2


def test_a_replayed_letter_that_fails_again_is_open_again_a_dismissed_one_stays_dismissed(store):
    letters = store.for_event("daily-tick", delivery())
    for state, after in (("replayed", "open"), ("dismissed", "dismissed")):
        letters.set_aside_event(ValueError("x"), reason="permanent")
        assert store.mark("daily-tick:e-1", state)
        letters.set_aside_event(ValueError("x"), reason="permanent")
        assert store.letter("daily-tick:e-1").state == after
    assert not store.mark("daily-tick:nothing", "dismissed")


def test_the_event_is_kept_as_it_came_unless_too_big_and_text_firestore_cannot_hold_is_escaped(store):
    huge = json.dumps({"data": "x" * (MAX_EVENT_BYTES + 1)})
    store.for_event("daily-tick", delivery("e-2", huge)).set_aside_event(ValueError("\ud800 lone"), reason="permanent")
    doc = store.documents.get(dead_letter_path("daily-tick:e-2"))
    assert "event" not in doc and doc["eventTooBig"] is True
    assert doc["error"]["message"] == "\\ud800 lone"
    doc["error"]["message"].encode("utf-8")  # storable


def test_the_document_id_is_a_valid_firestore_id_for_any_key():
    for key in ("a/b", "..", "__x__", "%2F", "x" * 3000):
        path = dead_letter_path(f"outbox-sweep:{key}")
        doc_id = path.removeprefix("deadLetters/")
        assert "/" not in doc_id and len(doc_id.encode()) <= 1500 and not doc_id.startswith("__")
    assert dead_letter_path("f:a/b") != dead_letter_path("f:a%2Fb")


def test_recording_a_batch_item_never_raises(store, caplog):
    store.documents.fail_next_set = lambda path, data: True
    store.for_event("outbox-sweep", delivery()).set_aside("outbox", "m-1", UnusableRecord("outbox/m-1"))
    assert store.documents.docs == {} and "could not record" in caplog.text


def test_open_letters_newest_first(store, clock):
    for n in range(3):
        clock["now"] = NOW + timedelta(minutes=n)
        store.for_event("daily-tick", delivery(f"e-{n}")).set_aside_event(ValueError(), reason="permanent")
    store.mark("daily-tick:e-1", "dismissed")
    assert [letter.id for letter in store.letters()] == ["daily-tick:e-2", "daily-tick:e-0"]
    assert len(store.letters(None)) == 3


def test_a_cloud_event_is_kept_in_structured_mode_with_bytes_as_base64():
    from cloudevents.http import CloudEvent, from_json

    event = CloudEvent({"id": "e-9", "source": "//firestore", "type": "t", "subject": "documents/x"}, b"\x0a\x01\xff")
    kept = event_delivery(event)
    again = from_json(kept.body)
    assert (again["id"], again["subject"], again.data) == ("e-9", "documents/x", b"\x0a\x01\xff")
    assert json.loads(kept.body)["data_base64"]


# --- batches set aside only the item ------------------------------------------------------------------


def batch_letters(store):
    from tests.unit.test_poison_events import letters

    return letters(type("Env", (), {"store": store})())


def test_a_person_failing_half_way_through_the_chunks_transaction_leaves_nothing_half_done(monkeypatch):
    from devplan.services import cycle_actions, quarterly_cycle
    from devplan.services.inputs import EmployeeChunk
    from tests.fakes import InMemoryStore
    from tests.unit.test_quarterly_cycle import OPENING, employee

    store = InMemoryStore()
    store.set("employees/bo", {**employee("Bo", lead=None), "role": "project_lead", "leadId": None})
    for name in ("Anna", "Erik"):
        store.set(f"employees/{name.lower()}", employee(name))
    opening = cycle_actions.ACTIONS["open_quarter"]

    def open_then_fail(turn, action, cycle):
        changed = opening(turn, action, cycle)  # the invite is emitted first…
        if turn.employee.employee_id == "anna":
            raise OverflowError("date value out of range")  # …then a value no date can hold
        return changed

    monkeypatch.setitem(cycle_actions.ACTIONS, "open_quarter", open_then_fail)
    letters = DeadLetterStore(store.memory, clock=lambda: NOW).for_event("employee-tick", delivery("m-1"))
    outcome = quarterly_cycle.run_chunk(EmployeeChunk(OPENING, ("anna", "erik"), "m-1", 0), store, letters)
    assert outcome == {"open_quarter": 1, "invalid_employee": 1}
    assert "outbox/review-invite:erik:2026-Q2" in store.docs
    assert "outbox/review-invite:anna:2026-Q2" not in store.docs and "cycles/anna:2026-Q2" not in store.docs
    assert batch_letters(store)["employee-tick:employees/anna"]["error"]["class"] == "OverflowError"


def test_the_catch_up_sets_aside_a_value_the_client_refuses_and_retries_what_may_pass_tomorrow():
    from devplan.services import onboarding
    from tests.fakes import FakeSlack, InMemoryStore
    from tests.unit.test_quarterly_cycle import employee

    class Slack(FakeSlack):
        def lookup_user_id(self, email):
            if email.startswith("maja"):
                raise UnicodeEncodeError("utf-8", email, 0, 1, "surrogates not allowed")
            if email.startswith("erik"):
                raise TransientError("slack users.lookupByEmail: ratelimited")
            return super().lookup_user_id(email)

    store = InMemoryStore()
    for name in ("Anna", "Maja", "Erik"):
        store.set(
            f"employees/{name.lower()}",
            {**employee(name, lead=None), "slack": {}, "onboarding": {"status": "waiting_for_slack"}},
        )
    letters = DeadLetterStore(store.memory, clock=lambda: NOW).for_event("onboarding-catch-up", delivery("m-1"))
    outcome = onboarding.catch_up(store, Slack({"anna@ij.se": "U_ANNA"}), NOW, letters, run_id="m-1")
    assert outcome == {"linked": 1, "unusable": 1, "still_failing": 1}
    assert list(batch_letters(store)) == ["onboarding-catch-up:employees/maja"]


def test_the_newest_letters_are_listed_however_many_old_ones_there_are(store, clock):
    for n in range(3):  # the oldest come first by id, as a query in no order would return them
        clock["now"] = NOW + timedelta(minutes=n)
        store.for_event("daily-tick", delivery(f"e-{n}")).set_aside_event(ValueError(), reason="permanent")
    assert [letter.id for letter in store.letters(limit=2)] == ["daily-tick:e-2", "daily-tick:e-1"]
