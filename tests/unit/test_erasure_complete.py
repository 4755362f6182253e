"""Erasure finds everything the product wrote about the person, not only what it wrote to them:
messages about them to their lead and in channels (by the outbox's `about`, and by their name for
messages written before it), their name in a digest's chart, their Slack id wherever it was kept
(group DMs, 1:1s they confirmed as a lead, outbox ids), goal titles in the audit trail; and it
clears their App Home and their lead's."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from devplan.adapters.firestore.mapping.conversations import conversation_document, conversation_path
from devplan.adapters.firestore.personal_records import PersonalRecords
from devplan.domain.audit import ADVANCEMENT, AuditEntry
from devplan.domain.outbox import OutboxMessage
from devplan.messages.lifecycle import cleared_home
from devplan.services import delivery, home_refresh, platform_events, privacy, quarterly_cycle
from devplan.services.inputs import EmployeeChunk
from devplan.services.slack_replies import tell
from tests.unit.goal_support import event, workspace
from tests.unit.slack_forms_support import ANNA_SLACK, BO_SLACK, Team

AT = datetime(2025, 4, 9, 8, tzinfo=UTC)
ANNA_NAME = "Anna Lindqvist"


def where(store, needle: str) -> list[str]:
    """Every document whose path or content holds `needle`."""
    return sorted(
        p for p, d in store.docs.items() if needle in p or needle in json.dumps(d, default=str, ensure_ascii=False)
    )


def erase(store, employee_id: str):
    return privacy.erase(employee_id, PersonalRecords(store.documents, lambda: AT), store)


def send_all(t: Team) -> None:
    for message_id, doc in t.outbox().items():
        if doc["state"] == "pending":
            delivery.deliver(message_id, f"ev-{message_id}", t.store, t.slack, t.store.now)


def test_messages_about_the_person_to_their_lead_lose_her_name_and_slack_id():
    t = Team()
    t.store.docs["employees/anna"]["homeOpened"] = True
    # Anna books parental leave: Bo (her lead) is told in a DM to Bo alone, naming her
    for n, (start, end) in enumerate((("2025-05-01", "2025-10-31"), ("2025-12-01", "2025-12-05"))):
        data = {"employeeId": "anna", "timeOffId": f"t{n}", "from": start, "to": end, "kind": "parental_leave"}
        platform_events.handle(event("employee.time_off", data), t.store)
    assert any(ANNA_NAME in d["text"] for d in t.outbox().values() if d["users"] == [BO_SLACK])
    erase(t.store, "anna")
    send_all(t)  # her cleared Home is published with her Slack id; once sent, it keeps none
    assert where(t.store, ANNA_NAME) == [] and where(t.store, ANNA_SLACK) == []


def test_a_message_written_before_about_existed_is_found_by_her_name():
    t = Team()
    t.store.atomically(
        lambda uow: uow.emit(OutboxMessage("old-notice", users=(BO_SLACK,), text=f"{ANNA_NAME} är ledig"))
    )
    t.store.atomically(
        lambda uow: uow.emit(OutboxMessage("annan", users=(BO_SLACK,), text="Annas kurs, Anna Lindqvistsson"))
    )
    erase(t.store, "anna")
    assert t.store.docs["outbox/old-notice"]["text"] == "(raderad)"
    assert t.store.docs["outbox/annan"]["text"] == "Annas kurs, Anna Lindqvistsson"  # a whole name only


def test_a_celebration_in_general_is_erased_with_her():
    t = Team()
    t.store.atomically(
        lambda uow: uow.emit(
            OutboxMessage("goal-celebration:anna:g1", channel="general", text="Grattis!", about=("anna",))
        )
    )
    erase(t.store, "anna")
    doc = t.store.docs["outbox/goal-celebration:anna:g1"]
    assert doc["text"] == "(raderad)" and doc["state"] == "cancelled"


def test_erasing_the_lead_or_a_member_blanks_their_name_in_the_digest():
    store = workspace()
    for day in (date(2025, 7, 1), date(2025, 7, 2)):  # the opening, then the digest the business day after
        quarterly_cycle.run_chunk(EmployeeChunk(day, ("bo", "anna", "erik"), f"m-{day}"), store)
    digest = store.docs["outbox/digest:bo:2025-Q2"]
    assert set(digest["about"]) == {"bo", "anna", "erik"}
    names = {p["employeeId"]: p["name"] for p in digest["chart"]["people"]}
    for erased, name in (("anna", names["anna"]), ("bo", digest["chart"]["leadName"])):
        privacy.erase(erased, PersonalRecords(store.documents, lambda: AT), store)
        assert name not in json.dumps(store.docs["outbox/digest:bo:2025-Q2"], ensure_ascii=False, default=str)
    chart = store.docs["outbox/digest:bo:2025-Q2"]["chart"]
    assert chart["leadName"] == "(raderad)" and {p["name"] for p in chart["people"]} >= {"(raderad)", names["erik"]}


def test_home_and_reply_ids_name_no_slack_user():
    t = Team()
    home_refresh.opened(t.store, ANNA_SLACK, "Ev1", date(2025, 4, 8))
    home_refresh.opened(t.store, "U_STRANGER", "Ev2", date(2025, 4, 8))  # someone not in the plan
    t.store.atomically(lambda uow: tell(uow, ANNA_SLACK, "snooze:anna:x", "Redan"))
    ids = list(t.outbox())
    assert "home:anna:2025-04-08:Ev1" in ids and len(ids) == 3
    assert not [i for i in ids if ANNA_SLACK in i or "U_STRANGER" in i]
    assert all(d["users"] for d in t.outbox().values())  # the sender still knows whom to publish to


def test_delivery_records_with_her_slack_id_in_their_id_are_deleted():
    t = Team()
    for message_id, state in (("home:U_ANNA:2025-04-08:Ev1", "sent"), ("reply:x:U_ANNA", "pending")):
        t.store.atomically(
            lambda uow, i=message_id: uow.emit(
                OutboxMessage(i, kind="home" if i.startswith("home") else "message", users=(ANNA_SLACK,), text="x")
            )
        )
        t.store.docs[f"outbox/{message_id}"]["state"] = state
    t.store.docs[conversation_path((ANNA_SLACK, BO_SLACK))] = conversation_document((ANNA_SLACK, BO_SLACK), "G1", AT)
    erase(t.store, "anna")
    send_all(t)
    assert where(t.store, ANNA_SLACK) == []


def test_erasing_a_lead_drops_their_slack_id_from_the_1on1s_they_confirmed():
    t = Team()
    t.store.docs["cycles/anna:2025-Q2"] = {
        "employeeId": "anna",
        "quarter": "2025-Q2",
        "notes": {"text": "Anteckning", "writtenBy": "bo"},
        "review": {"status": "held", "confirmedBy": {"employeeId": "bo", "slackUserId": BO_SLACK}},
    }
    erase(t.store, "bo")
    cycle = t.store.docs["cycles/anna:2025-Q2"]
    assert cycle["review"]["confirmedBy"] == {"employeeId": "bo"}
    assert cycle["notes"]["text"] == "Anteckning"  # Anna's 1:1, not Bo's to erase


def test_goal_titles_in_the_audit_trail_are_erased_and_counted():
    t = Team()
    title = "Leda en workshop om min utbrändhet"
    t.store.atomically(
        lambda uow: uow.record(
            AuditEntry(
                "senior-coach-approved:anna",
                "anna",
                ADVANCEMENT,
                "senior_coach_approved",
                "bo",
                AT,
                detail={"sessions": 20, "months": 6, "goalsAchieved": [title, "Ett till"]},
            )
        )
    )
    erase(t.store, "anna")
    detail = t.store.docs["audit/senior-coach-approved:anna"]["detail"]
    assert detail == {"sessions": 20, "months": 6, "goalsAchieved": ["(raderad)", "(raderad)"]}


def test_erasure_clears_her_home_and_refreshes_her_leads():
    t = Team()
    home_refresh.opened(t.store, ANNA_SLACK, "Ev1", date(2025, 4, 8))
    home_refresh.opened(t.store, BO_SLACK, "Ev2", date(2025, 4, 8))
    before = set(t.outbox("home:"))
    erase(t.store, "anna")
    emitted = {i.split(":")[1]: d for i, d in t.outbox("home:").items() if i not in before}
    assert set(emitted) == {"anna", "bo"} and all(d["state"] == "pending" for d in emitted.values())
    send_all(t)
    assert ANNA_NAME not in json.dumps(t.slack.homes[BO_SLACK][-1], ensure_ascii=False)  # Bo's table without her
    assert t.slack.homes[ANNA_SLACK][-1] == cleared_home("sv")  # one closing line, though her record is erased
    assert t.store.docs["employees/anna"]["status"] == "offboarded"
    assert not any(erase(t.store, "anna").values())  # a second run changes nothing


def test_a_lead_named_in_messages_to_their_member_is_erased_from_them():
    t = Team()
    platform_events.handle(event("employee.updated", {"employeeId": "anna", "leadId": "maja"}), t.store)
    told = [d for d in t.outbox().values() if d["users"] == [ANNA_SLACK] and "Maja Berg" in d["text"]]
    assert told and all("maja" in d["about"] for d in told)  # to Anna, naming her new lead
    erase(t.store, "maja")
    assert where(t.store, "Maja Berg") == []
