"""The lifecycle's store operations and a person's records, against the in-memory documents and
Firestore on the emulator: the facts changed (a merge that keeps the plan's own fields), pending
messages to a Slack user cancelled in a transaction (array-contains), and export and erasure
finding the same documents in both."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from devplan.adapters.firestore import personal_records
from devplan.adapters.firestore.mapping.conversations import conversation_path
from devplan.adapters.firestore.mapping.outbox import outbox_document
from devplan.adapters.firestore.personal_records import PersonalRecords
from devplan.domain.lifecycle import offboard
from devplan.domain.outbox import OutboxMessage
from tests.contract.test_store_contract import ANNA, BO, add
from tests.fakes import NOW


def test_changed_facts_are_read_back_and_the_plans_own_fields_stay(store):
    add(store, BO, ANNA)
    store.atomically(lambda uow: uow.link_slack_account("anna", "U_ANNA"))
    times = {"role": NOW, "name": NOW}
    was = {"role": "developer"}
    moved = replace(store.employee("anna"), role="coach", name="Anna Lind", lifecycle_at=NOW, lifecycle_field_at=times)
    store.atomically(lambda uow: uow.change_employee(replace(moved, lifecycle_was=was)))
    read = store.employee("anna")
    assert (read.role, read.name, read.lifecycle_at, read.slack_user_id) == ("coach", "Anna Lind", NOW, "U_ANNA")
    assert (read.lifecycle_field_at, read.lifecycle_was) == (times, was)
    store.atomically(lambda uow: uow.change_employee(offboard(read, NOW)))
    assert not store.employee("anna").active and "anna" not in store.active_employee_ids()


def test_pending_messages_to_a_user_are_cancelled_and_no_others(store):
    def emit(uow):
        uow.emit(OutboxMessage("to-anna", users=("U_ANNA",), text="a"))
        uow.emit(OutboxMessage("pair", users=("U_ANNA", "U_BO"), text="b"))
        uow.emit(OutboxMessage("to-bo", users=("U_BO",), text="c"))
        uow.emit(OutboxMessage("sent", users=("U_ANNA",), text="d"))

    store.atomically(emit)
    store.mark_sent("sent", at=NOW, channel="D1", ts="1.0")
    cancelled = store.atomically(lambda uow: uow.cancel_pending_outbox("U_ANNA", "offboarded"))
    assert sorted(cancelled) == ["pair", "to-anna"]
    states = {i: store.outbox_entry(i)[0].state for i in ("to-anna", "pair", "to-bo", "sent")}
    assert states == {"to-anna": "cancelled", "pair": "cancelled", "to-bo": "pending", "sent": "sent"}
    assert store.outbox_entry("to-anna")[0].finished


def test_a_persons_records_are_found_and_erased_alike(store):
    add(store, BO, ANNA)
    store.atomically(lambda uow: uow.link_slack_account("anna", "U_ANNA"))
    store.atomically(lambda uow: uow.emit(OutboxMessage("to-anna", users=("U_ANNA",), text="Hej Anna")))
    records = PersonalRecords(store.documents, lambda: NOW)
    found = records.gather("anna")
    assert set(found["employee"]) == {"employees/anna"} and set(found["outbox"]) == {"outbox/to-anna"}
    assert records.gather("nobody") is None
    assert records.erase("anna")["employee"] == 1
    assert store.employee("anna").name == "(raderad)" and store.employee("anna").slack_user_id is None
    assert store.employee("anna").erased_at is not None  # no later update takes a fact (services/lifecycle.py)
    assert store.outbox_entry("to-anna")[0].message.text == "(raderad)"
    assert not any(records.erase("anna").values())


def test_messages_about_a_person_their_group_dms_and_the_1on1s_they_confirmed_are_found_alike(store):
    add(store, BO, ANNA)
    store.atomically(lambda uow: uow.link_slack_account("bo", "U_BO"))

    def emit(uow):
        uow.emit(OutboxMessage("about-bo", users=("U_ANNA",), text="Din lead", about=("bo",)))
        uow.emit(OutboxMessage("other", users=("U_ANNA",), text="Ingen"))

    store.atomically(emit)
    named = OutboxMessage("named", users=("U_ANNA",), text="Bo Kvarnsmyr godkände")  # before `about` existed
    store.documents.set("outbox/named", outbox_document(named, NOW - timedelta(days=1)), merge=False)
    store.keep_group_conversation(("U_ANNA", "U_BO"), "G1")
    store.documents.set(
        "cycles/anna:2025-Q2",
        {"employeeId": "anna", "review": {"confirmedBy": {"employeeId": "bo", "slackUserId": "U_BO"}}},
    )
    found = PersonalRecords(store.documents, lambda: NOW).gather("bo")
    assert set(found["outbox"]) == {"outbox/about-bo", "outbox/named"}
    assert set(found["conversations"]) == {conversation_path(("U_ANNA", "U_BO"))}
    assert set(found["confirmed"]) == {"cycles/anna:2025-Q2"}
    PersonalRecords(store.documents, lambda: NOW).erase("bo")
    assert store.documents.get(conversation_path(("U_ANNA", "U_BO"))) is None
    assert store.documents.get("cycles/anna:2025-Q2")["review"] == {"confirmedBy": {"employeeId": "bo"}}
    assert store.outbox_entry("other")[0].message.text == "Ingen"


def test_a_home_publication_keeps_no_recipient_once_sent(store):
    store.atomically(lambda uow: uow.emit(OutboxMessage("home:anna:2025-04-08:v", kind="home", users=("U_ANNA",))))
    store.mark_sent("home:anna:2025-04-08:v", at=NOW, channel=None, ts=None, forget_users=True)
    entry = store.outbox_entry("home:anna:2025-04-08:v")[0]
    assert entry.state == "sent" and entry.message.users == ()
    store.atomically(lambda uow: uow.emit(OutboxMessage("home:anna:2025-04-09:v", kind="home", users=("U_ANNA",))))
    store.mark_failed("home:anna:2025-04-09:v", at=NOW, error="user_not_found", forget_users=True)
    entry = store.outbox_entry("home:anna:2025-04-09:v")[0]
    assert entry.state == "failed" and entry.message.users == ()


def test_the_legacy_scan_pages_through_ties_up_to_the_first_message_with_about(store, monkeypatch):
    monkeypatch.setattr(personal_records, "LEGACY_PAGE", 2)
    add(store, BO, ANNA)
    legacy = [(f"old-{n}", NOW - timedelta(days=3 - n // 3)) for n in range(7)]  # three instants, ties
    for i, at in legacy:
        store.documents.set(
            f"outbox/{i}",
            outbox_document(OutboxMessage(i, users=("U_ANNA",), text=f"Bo Kvarnsmyr {i}"), at),
            merge=False,
        )
    first = OutboxMessage("new-0", users=("U_ANNA",), text="Bo Kvarnsmyr", about=("maja",))
    store.documents.set("outbox/new-0", outbox_document(first, NOW), merge=False)
    later = OutboxMessage("new-1", users=("U_ANNA",), text="Bo Kvarnsmyr")
    store.documents.set("outbox/new-1", outbox_document(later, NOW + timedelta(days=1)), merge=False)
    found = PersonalRecords(store.documents, lambda: NOW).gather("bo")
    assert set(found["outbox"]) == {f"outbox/old-{n}" for n in range(7)}
