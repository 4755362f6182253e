"""Export and erasure of one person: everything of theirs found (and nobody else's), personal data
removed with the counts kept, idempotent, an unknown id said so; the platform's events through
the webhook entry point; the CLI's exit codes."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from devplan.adapters.firestore.mapping.employees import employee_from
from devplan.adapters.firestore.personal_records import PersonalRecords
from devplan.domain.audit import APPROVAL, WALLET, AuditEntry
from devplan.domain.employees import employee_problems
from devplan.domain.outbox import OutboxMessage
from devplan.services import platform_events, privacy
from tests.unit.entry_support import client, platform_headers
from tests.unit.goal_support import event
from tests.unit.slack_forms_support import ANNA_SLACK, BO_SLACK, Team

AT = datetime(2025, 4, 9, 8, tzinfo=UTC)
SECRET_TEXT = "Det var svårt med chefen"


def seeded() -> Team:
    """Anna with a reflection, a training request, an audit trail (one entry Bo's, one where she
    acted for Maja), a tally, messages to her and to Bo, a held event and a cycle."""
    t = Team()
    reflection = event(
        "journal.reflection_logged",
        {"employeeId": "anna", "entryId": "r1", "wentWell": "Bra", "challenges": SECRET_TEXT, "visibility": "shared"},
    )
    course = event(
        "training.requested",
        {
            "employeeId": "anna",
            "requestId": "k1",
            "course": "Hemlig kurs",
            "provider": "AB",
            "costSek": 1200,
            "requestedAt": "2025-04-08T09:00:00+02:00",
        },
    )
    session = event(
        "coaching.session_completed", {"sessionId": "s1", "coachId": "anna", "completedAt": "2025-04-08T10:00:00+02:00"}
    )
    for e in (reflection, course, session):
        platform_events.handle(e, t.store)

    def more(uow):
        uow.record(AuditEntry("x:maja", "maja", APPROVAL, "senior_coach_approved", "anna", AT, "för att", {}))
        uow.record(AuditEntry("x:bo", "bo", WALLET, "training_request_recorded", None, AT, None, {"course": "Bos"}))
        uow.emit(OutboxMessage("to-bo", users=(BO_SLACK,), text="Till Bo"))
        uow.emit(OutboxMessage("to-anna", users=(ANNA_SLACK,), text=f"Till Anna: {SECRET_TEXT}"))

    t.store.atomically(more)
    t.store.docs["cycles/anna:2025-Q2"] = {
        "employeeId": "anna",
        "quarter": "2025-Q2",
        "review": {"status": "held", "confirmedBy": {"employeeId": "bo", "slackUserId": "U_BO"}},
        # the 1:1's notes and agreed actions as the cycle mapping writes them (mapping/meeting_notes.py)
        "notes": {"text": SECRET_TEXT, "writtenBy": "bo", "writtenOn": "2025-04-09"},
        "actions": [
            {"id": "a1", "text": f"Åtgärd: {SECRET_TEXT}", "agreedIn": "2025-Q2", "doneOn": None, "doneBy": None}
        ],
    }
    platform_events.handle(event("employee.updated", {"employeeId": "nils", "name": "Nils"}), t.store)
    return t


def records(t: Team) -> PersonalRecords:
    return PersonalRecords(t.store.documents, lambda: AT)


def test_export_has_everything_of_the_persons_and_nothing_of_anyone_elses():
    t = seeded()
    exported = privacy.export("anna", records(t), AT)
    assert exported is not None
    sections = exported["sections"]
    assert set(sections) == {
        "employee",
        "reflections",
        "tallies",
        "wallets",
        "cycles",
        "confirmed",
        "audit",
        "outbox",
        "heldEvents",
        "metricItems",
        "conversations",
        "deadLetters",
    }
    text = json.dumps(exported, ensure_ascii=False)  # JSON as it is printed: times as ISO 8601
    assert SECRET_TEXT in text and "Hemlig kurs" in text
    assert "employees/anna/reflections/r1" in sections["reflections"]
    assert set(sections["audit"]) >= {"audit/x:maja"} and "audit/x:bo" not in sections["audit"]
    assert "outbox/to-anna" in sections["outbox"] and "outbox/to-bo" not in sections["outbox"]
    assert "Bo Joel" not in json.dumps(sections["employee"])
    assert exported["counts"]["reflections"] == 1 and exported["counts"]["metricItems"] == 1


def test_erase_removes_personal_data_keeps_the_counts_and_a_second_erase_changes_nothing():
    t = seeded()
    tally_before = t.store.docs["employees/anna/tallies/coaching_sessions"]
    changed = privacy.erase("anna", records(t), t.store)
    assert changed and changed["employee"] == 1 and changed["reflections"] == 1
    text = json.dumps(t.store.docs, default=str, ensure_ascii=False)
    for personal in (SECRET_TEXT, "Anna Lindqvist", "anna@innerjourney.se", ANNA_SLACK, "Hemlig kurs"):
        assert personal not in text, personal
    employee = t.store.docs["employees/anna"]
    assert employee["status"] == "offboarded" and employee["role"] == "developer" and employee["leadId"] == "bo"
    assert employee_problems(employee_from("anna", employee)) == []  # still a record the plan can read
    reflection = t.store.docs["employees/anna/reflections/r1"]
    assert reflection["on"] and reflection["visibility"] == "shared"
    (request,) = t.store.docs["employees/anna/wallets/2025"]["requests"]
    assert request["costSek"] == 1200
    assert t.store.docs["employees/anna/tallies/coaching_sessions"] == tally_before
    assert t.store.docs["audit/x:maja"]["actorId"] == "erased" and t.store.docs["audit/x:maja"]["kind"] == APPROVAL
    assert t.store.docs["audit/x:bo"]["detail"] == {"course": "Bos"}  # Bo's own trail untouched
    assert t.store.docs["outbox/to-anna"]["state"] == "cancelled" and t.store.docs["outbox/to-bo"]["text"] == "Till Bo"
    cycle = t.store.docs["cycles/anna:2025-Q2"]
    assert cycle["review"] == {"status": "held", "confirmedBy": {"employeeId": "bo"}}
    assert cycle["notes"] == {"text": "(raderad)", "writtenBy": "bo", "writtenOn": "2025-04-09"}
    assert [(a["id"], a["text"], a["doneOn"]) for a in cycle["actions"]] == [("a1", "(raderad)", None)]
    before = dict(t.store.docs)
    assert not any(privacy.erase("anna", records(t), t.store).values())
    assert t.store.docs == before


def test_export_and_erase_of_an_id_with_nothing_stored_say_so():
    t = seeded()
    assert privacy.export("nobody", records(t), AT) is None
    assert privacy.erase("nobody", records(t), t.store) is None
    # Held events alone are someone's (not onboarded yet): exported and erased, by their id.
    assert privacy.export("nils", records(t), AT)["counts"] == {"heldEvents": 1}


def post(env, kind: str, employee_id: str):
    body = json.dumps(
        {
            "id": f"{kind}-{employee_id}",
            "type": kind,
            "occurredAt": "2025-04-08T09:00:00+02:00",
            "data": {"employeeId": employee_id},
        }
    ).encode()
    return client("platform_webhook").post("/", data=body, headers=platform_headers(body, env.now))


def test_the_platforms_export_is_answered_in_the_body_and_its_erasure_erases(env):
    env.store.docs["employees/anna"] = {
        "name": "Anna Lindqvist",
        "email": "anna@innerjourney.se",
        "role": "coach",
        "leadId": "bo",
        "startDate": "2025-01-07",
        "status": "active",
        "slack": {"userId": ANNA_SLACK},
    }
    exported = post(env, "employee.export_requested", "anna").get_json()
    assert exported["ok"] and exported["status"] == "exported"
    assert exported["export"]["sections"]["employee"]["employees/anna"]["name"] == "Anna Lindqvist"
    assert post(env, "employee.erasure_requested", "anna").get_json()["status"] == "erased"
    assert env.store.docs["employees/anna"]["name"] == "(raderad)"
    assert post(env, "employee.erasure_requested", "anna").get_json()["status"] == "already_erased"
    assert post(env, "employee.export_requested", "nobody").get_json()["status"] == "unknown_employee"
