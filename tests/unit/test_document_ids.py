"""Ids from outside become document ids one-to-one and as Firestore takes them: a different event
is never taken for a duplicate, and no id makes a path Firestore refuses."""

from __future__ import annotations

import json

import pytest
from google.api_core.exceptions import InvalidArgument
from hypothesis import example, given
from hypothesis import strategies as st

from devplan.adapters.firestore.mapping import document_id, held_path, ledger_path
from tests.fakes import MemoryDocuments, check_document_path
from tests.unit.entry_support import client, install_fakes, platform_headers

# Text made mostly of what an escaping can confuse: "/", "%", ".", "_" and escapes themselves.
TRICKY = st.text(st.sampled_from(["/", "%", ".", "_", "2", "F", "5", "E", "a", "é"]), min_size=1, max_size=12)
IDS = st.one_of(TRICKY, st.sampled_from([".", "..", "__x__", "__", "___", "%2F", "%2E", "%5F_x__", "a/b", "a_b"]))


@given(IDS, IDS)
@example("r/1", "r_1")
@example(".", "%2E")
def test_two_different_ids_never_share_a_document(a, b):
    if a != b:
        assert document_id(a) != document_id(b)
        assert ledger_path(f"platform:{a}") != ledger_path(f"platform:{b}")


@given(st.one_of(IDS, st.text(min_size=1, max_size=600)))
def test_every_id_makes_a_path_firestore_takes(text):
    check_document_path(held_path(text))
    check_document_path(ledger_path(f"held:{text}"))


@pytest.mark.parametrize(
    ("text", "doc_id"),
    [("evt-1", "evt-1"), ("a/b", "a%2Fb"), ("50%", "50%25"), (".", "%2E"), ("..", "%2E%2E"), ("__x__", "%5F_x__")],
)
def test_ids_are_escaped_as_documented(text, doc_id):
    assert document_id(text) == doc_id


def test_an_id_too_long_for_firestore_keeps_its_start_and_a_hash():
    doc_id = document_id("é" * 1000)  # 2,000 bytes
    assert doc_id.startswith("é" * 200 + "~") and len(doc_id.encode()) <= 1500
    assert doc_id != document_id("é" * 999 + "e")


@pytest.mark.parametrize("path", ["heldEvents/.", "heldEvents/..", "heldEvents/__x__", "a/b/c", "heldEvents/"])
def test_the_in_memory_documents_refuse_what_firestore_refuses(path):
    documents = MemoryDocuments()
    for touch in (
        lambda: documents.get(path),
        lambda: documents.set(path, {"a": 1}),
        lambda: documents.delete(path),
        lambda: documents.run_in_transaction(lambda tx: tx.set(path, {"a": 1}, merge=False)),
    ):
        with pytest.raises(InvalidArgument):
            touch()
    assert documents.docs == {}


def _post(env, body):
    raw = json.dumps(body).encode()
    response = client("platform_webhook").post("/", data=raw, headers=platform_headers(raw, env.now))
    return response.status_code, response.get_json()["status"]


def _reflection(event_id, employee_id, entry_id):
    return {
        "id": event_id,
        "type": "journal.reflection_logged",
        "occurredAt": "2025-04-03T09:00:00+02:00",
        "data": {"employeeId": employee_id, "entryId": entry_id},
    }


def test_events_whose_ids_differ_only_by_a_slash_are_both_applied(monkeypatch):
    env = install_fakes(monkeypatch)
    onboard = {
        "id": "on-cia",
        "type": "employee.onboarded",
        "occurredAt": "2025-04-01T09:00:00+02:00",
        "data": {
            "employeeId": "cia",
            "name": "Cia C",
            "email": "cia@innerjourney.se",
            "role": "developer",
            "leadId": "bo",
            "startDate": "2025-04-02",
        },
    }
    assert _post(env, onboard) == (200, "accepted")
    assert _post(env, _reflection("r/1", "cia", "e1")) == (200, "accepted")
    assert _post(env, _reflection("r_1", "cia", "e2")) == (200, "accepted")  # was taken for r/1's duplicate
    assert sorted(p for p in env.store.docs if "/reflections/" in p) == [
        "employees/cia/reflections/e1",
        "employees/cia/reflections/e2",
    ]
    assert _post(env, _reflection("r/1", "cia", "e1")) == (200, "duplicate")


@pytest.mark.parametrize("event_id", [".", "..", "__x__", "a/b", "a_b"])
def test_any_event_id_for_someone_not_onboarded_is_held(monkeypatch, event_id):
    env = install_fakes(monkeypatch)
    assert _post(env, _reflection(event_id, "dan", "e1")) == (200, "held")
    assert [h.event.id for h in env.store.held_events(limit=10)] == [event_id]
    assert _post(env, _reflection(event_id, "dan", "e1")) == (200, "duplicate")
    assert not [p for p in env.store.docs if p.startswith("deadLetters/")]
