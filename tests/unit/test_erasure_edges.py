"""Erasure at its edges: a Home that fails for good after it, the old record of someone rehired,
answers to clicks that name the person, messages written before `about` existed."""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime, timedelta

from devplan.adapters.firestore.mapping.outbox import outbox_document
from devplan.adapters.firestore.personal_records import PersonalRecords
from devplan.domain.outbox import OutboxMessage
from devplan.errors import PermanentError
from devplan.messages.cycle import MARK_HELD_ACTION
from devplan.services import delivery, platform_events, privacy
from tests.unit.goal_support import event
from tests.unit.slack_forms_support import ANNA_SLACK, BO_SLACK, Team

AT = datetime(2025, 4, 9, 8, tzinfo=UTC)
ANNA_NAME = "Anna Lindqvist"


def holding(t: Team, needle: str) -> list[str]:
    docs = t.store.docs.items()
    return sorted(p for p, d in docs if needle in p or needle in json.dumps(d, default=str, ensure_ascii=False))


def test_a_home_that_fails_for_good_after_erasure_keeps_no_slack_id():
    t = Team()
    t.store.docs["employees/anna"]["slack"]["homeOpened"] = True
    records = PersonalRecords(t.store.documents, lambda: AT)
    privacy.erase("anna", records, t.store)

    def gone(user_id, view):  # Anna left the workspace: her account is deactivated
        raise PermanentError("slack views.publish: user_not_found")

    t.slack.publish_home = gone
    for message_id, doc in t.store.collection("outbox").items():
        if doc["state"] == "pending":
            delivery.deliver(message_id, f"ev-{message_id}", t.store, t.slack, t.store.now)
    privacy.erase("anna", records, t.store)
    assert holding(t, ANNA_SLACK) == []


def test_erasing_the_old_record_of_someone_rehired_leaves_their_current_messages_alone():
    t = Team()
    platform_events.handle(event("employee.offboarded", {"employeeId": "anna"}), t.store)
    doc = copy.deepcopy(t.store.docs["employees/anna"])
    doc.update(status="active")
    doc.pop("lifecycle", None)
    t.store.docs["employees/anna2"] = doc  # rehired: a new record, the same Slack account
    t.store.docs["slackConversations/kept"] = {"users": [ANNA_SLACK, BO_SLACK], "channel": "G1"}
    nudge = OutboxMessage("goal-nudge:anna2:2025-Q2", users=(ANNA_SLACK,), text="Dags att sätta mål", about=("anna2",))
    t.store.atomically(lambda uow: uow.emit(nudge))
    privacy.erase("anna", PersonalRecords(t.store.documents, lambda: AT), t.store)
    kept = t.store.docs["outbox/goal-nudge:anna2:2025-Q2"]
    assert (kept["state"], kept["text"], kept["users"]) == ("pending", "Dags att sätta mål", [ANNA_SLACK])
    assert "slackConversations/kept" in t.store.docs
    assert t.store.docs["employees/anna"]["name"] != ANNA_NAME  # the old record itself is erased


def test_a_message_written_before_about_existed_is_found_however_many_came_before_it():
    t = Team()
    t0 = datetime(2025, 1, 2, 8, tzinfo=UTC)
    for n in range(2000):  # legacy messages to others (no `about`), older than the one naming Anna
        legacy = OutboxMessage(f"old-{n}", users=(BO_SLACK,), text=f"Påminnelse {n}")
        t.store.docs[f"outbox/old-{n}"] = outbox_document(legacy, t0 + timedelta(seconds=n // 7))  # ties too
    notice = OutboxMessage("old-notice", users=(BO_SLACK,), text=f"{ANNA_NAME} är ledig")
    t.store.docs["outbox/old-notice"] = outbox_document(notice, t0 + timedelta(days=1))
    privacy.erase("anna", PersonalRecords(t.store.documents, lambda: AT), t.store)
    assert ANNA_NAME not in t.store.docs["outbox/old-notice"].get("text", "")


def test_the_legacy_scan_stops_at_the_first_message_carrying_about():
    t = Team()
    t0 = datetime(2025, 1, 2, 8, tzinfo=UTC)
    first = OutboxMessage("new-0", users=(BO_SLACK,), text="Påminnelse", about=("maja",))
    t.store.docs["outbox/new-0"] = outbox_document(first, t0)
    later = OutboxMessage("new-1", users=(BO_SLACK,), text=f"{ANNA_NAME} i texten, inte i about")
    t.store.docs["outbox/new-1"] = outbox_document(later, t0 + timedelta(days=1))
    privacy.erase("anna", PersonalRecords(t.store.documents, lambda: AT), t.store)
    assert ANNA_NAME in t.store.docs["outbox/new-1"]["text"]  # written since `about`: not read


def test_an_answer_to_a_click_that_names_someone_is_erased_with_them():
    t = Team()
    platform_events.handle(event("employee.offboarded", {"employeeId": "anna"}), t.store)
    t.click(BO_SLACK, MARK_HELD_ACTION, "anna|2025-Q2", date(2025, 4, 10))  # answered: Anna has left, by name
    replies = [d for i, d in t.store.collection("outbox").items() if i.startswith("reply:")]
    assert replies and all(ANNA_NAME in d["text"] and d["about"] == ["anna"] for d in replies)
    privacy.erase("anna", PersonalRecords(t.store.documents, lambda: AT), t.store)
    assert holding(t, ANNA_NAME) == []
