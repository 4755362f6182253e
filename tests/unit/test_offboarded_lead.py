"""Someone offboarded has left the plan in every role: as a lead they are told nothing, asked
nothing and shown nothing of the team they led (services/leads.py), and whatever they type, click
or submit in Slack is answered politely and changes nothing (services/offboarded.stop_offboarded)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from devplan.domain.calendar import Quarter
from devplan.domain.meeting_notes import item_id
from devplan.errors import InvalidEvent
from devplan.messages.cycle import MARK_HELD_ACTION
from devplan.messages.goals import GOAL_AGREE, OPEN_GOAL_FORM
from devplan.messages.meeting_notes import NOTE_ACTION_DONE
from devplan.services import home, notes_reading, platform_events, quarterly_cycle
from devplan.services.inputs import EmployeeChunk, PlatformEvent
from devplan.services.responsibility import assigned_event
from tests.unit.goal_support import event, workspace
from tests.unit.slack_forms_support import ANNA_SLACK, BO_SLACK, GOOD_GOAL, Team

AT = datetime(2025, 5, 2, 8, tzinfo=UTC)
LEFT = "Din utvecklingsplan är avslutad"  # lifecycle.home_cleared: the answer to someone who left


def offboard(store, who: str = "bo", at: str = "2025-04-08T10:00:00+02:00") -> None:
    assert platform_events.handle(event("employee.offboarded", {"employeeId": who}, at=at), store) == "offboarded"


def pending_to(store, user: str) -> list[str]:
    return sorted(k for k, v in store.collection("outbox").items() if user in v["users"] and v["state"] == "pending")


def test_a_lead_who_left_is_not_told_of_their_teams_time_off_nor_sent_their_home():
    t = Team()
    t.store.docs["employees/bo"]["slack"]["homeOpened"] = True
    offboard(t.store)
    cleared = pending_to(t.store, BO_SLACK)  # his own Home, cleared as he left
    leave = {"employeeId": "anna", "timeOffId": "t1", "from": "2025-05-01", "to": "2025-05-20", "kind": "vacation"}
    assert platform_events.handle(event("employee.time_off", leave), t.store) == "recorded"
    assert t.store.docs["employees/anna"]["timeOff"]  # Anna's leave is recorded all the same
    assert pending_to(t.store, BO_SLACK) == cleared


def test_a_lead_who_left_gets_no_1_1_invites_and_the_quarter_opens_without_a_lead(caplog):
    store = workspace()
    offboard(store, at="2025-05-02T09:00:00+02:00")
    with caplog.at_level("WARNING"):
        quarterly_cycle.run_chunk(EmployeeChunk(date(2025, 7, 1), ("anna", "erik"), "m1"), store)
    assert pending_to(store, "U_BO") == []
    assert store.docs["cycles/anna:2025-Q3"]["review"]["status"] == "no_lead"  # waits for a new lead
    assert "lead bo is offboarded" in caplog.text


def test_a_lead_who_left_reads_no_1_1_notes_of_their_former_team():
    t = Team()
    t.store.docs["cycles/anna:2025-Q2"] = {
        "employeeId": "anna",
        "quarter": "2025-Q2",
        "openedOn": "2025-04-01",
        "review": {"status": "held", "heldOn": "2025-04-07"},
        "notes": {"text": "Hemligt om Anna", "writtenBy": "anna", "writtenOn": "2025-04-07"},
    }
    offboard(t.store)
    answer = notes_reading.show(t.store, BO_SLACK, f"<@{ANNA_SLACK}>", date(2025, 4, 10))
    assert answer["outcome"] == "refused" and "Hemligt" not in answer["text"]


def test_a_lead_who_left_is_answered_politely_and_shown_nothing_of_the_team():
    t = Team()
    course = {"employeeId": "anna", "requestId": "k1", "course": "Hemlig kurs", "provider": "AB", "costSek": 90000}
    platform_events.handle(event("training.requested", {**course, "requestedAt": "2025-04-08T09:00:00+02:00"}), t.store)
    offboard(t.store)
    before = t.snapshot()
    for asked in (f"historik <@{ANNA_SLACK}>", f"anteckningar <@{ANNA_SLACK}>", "ledig 2025-07-01 2025-07-31"):
        answer = t.command(BO_SLACK, asked)
        assert answer["outcome"] == "offboarded" and LEFT in answer["text"] and "Anna" not in answer["text"]
    more = home.open_more(t.store, t.slack, BO_SLACK, t.slack.issue_trigger(), date(2025, 4, 10))
    assert more["opened"] is False and t.slack.views == []  # "Visa mer": no team table
    assert t.store.docs == before


def test_someone_offboarded_cannot_book_time_off_and_their_lead_is_not_told():
    t = Team()
    offboard(t.store, "anna")
    before = t.snapshot()
    answer = t.command(ANNA_SLACK, "ledig 2025-07-01 2025-07-31")
    assert answer["outcome"] == "offboarded" and LEFT in answer["text"]
    assert t.store.docs == before


def test_a_click_by_a_lead_who_left_changes_nothing_and_is_answered_by_dm():
    t = Team()
    t.command(ANNA_SLACK, "mål")
    assert t.submit(ANNA_SLACK, GOOD_GOAL) == {}
    (goal,) = t.goals()
    offboard(t.store)
    answer = t.click(BO_SLACK, GOAL_AGREE, f"anna|{goal['goalId']}|2025-Q2", date(2025, 4, 9))
    assert answer["outcome"] == "offboarded" and LEFT in answer["text"]
    assert t.goals()[0]["status"] == "proposed"
    (reply,) = t.outbox("reply:offboarded-self:bo:").values()
    assert reply["users"] == [BO_SLACK] and LEFT in reply["text"]


def test_a_modal_submitted_by_someone_offboarded_closes_and_changes_nothing():
    t = Team()
    t.command(ANNA_SLACK, "mål")  # opened while still in the plan
    offboard(t.store, "anna")
    before = t.store.docs["employees/anna"]
    assert t.submit(ANNA_SLACK, GOOD_GOAL) == {}  # closes the modal
    assert t.store.docs["employees/anna"] == before and t.outbox("goal-proposal:") == {}
    assert LEFT in next(iter(t.outbox("reply:offboarded-self:anna:").values()))["text"]


def test_a_modal_about_someone_who_has_left_closes_writes_nothing_and_tells_the_submitter():
    """Bo opens the goal form for Anna; Anna leaves before he submits it."""
    t = Team()
    assert t.click(BO_SLACK, OPEN_GOAL_FORM, "anna", date(2025, 4, 8)) == {"opened": True}
    view = t.last_view()
    offboard(t.store, "anna")
    before = t.snapshot()
    assert t.submit(BO_SLACK, GOOD_GOAL, view) == {}  # closes the modal
    (reply,) = t.outbox("reply:offboarded:anna").values()
    assert reply["users"] == [BO_SLACK] and "Anna Lindqvist har slutat" in reply["text"]
    changed = {k for k, v in t.store.docs.items() if before.get(k) != v}
    assert not t.goals("anna") and pending_to(t.store, ANNA_SLACK) == []
    assert all(k.startswith("outbox/reply:offboarded:anna") for k in changed), changed


def test_the_1_1_notes_of_someone_who_has_left_are_not_written_after_they_left():
    t = Team()
    t.store.docs["cycles/anna:2025-Q2"] = {
        "employeeId": "anna",
        "quarter": "2025-Q2",
        "openedOn": "2025-04-01",
        "review": {"status": "invited", "invitedOn": "2025-04-01"},
    }
    assert t.click(BO_SLACK, MARK_HELD_ACTION, "anna|2025-Q2", date(2025, 4, 7))["notes"] == "opened"
    offboard(t.store, "anna")
    assert t.submit(BO_SLACK, {"actions": "Boka kurs", "notes": "Bra samtal"}) == {}
    assert "notes" not in t.store.docs["cycles/anna:2025-Q2"]


def test_a_lead_who_left_assigns_no_responsibility_through_the_platform():
    t = Team()
    offboard(t.store)
    data = {"employeeId": "anna", "subProject": "Firebase", "assignedBy": "bo"}
    before = t.snapshot()
    with pytest.raises(InvalidEvent) as refused:  # as any nominator who is not Anna's lead
        assigned_event(PlatformEvent("ev-late", "responsibility.assigned", AT, data, "ev-late"), t.store)
    assert (refused.value.status, refused.value.code) == (422, "nomination_refused")
    assert t.snapshot() == before


def test_someone_whose_lead_left_still_ticks_off_their_own_actions():
    t = Team()
    kurs = item_id(Quarter(2025, 2), "Boka kurs")
    t.store.docs["cycles/anna:2025-Q2"] = {
        "employeeId": "anna",
        "quarter": "2025-Q2",
        "openedOn": "2025-04-01",
        "review": {"status": "held", "heldOn": "2025-04-07"},
        "actions": [{"id": kurs, "text": "Boka kurs", "agreedIn": "2025-Q2"}],
    }
    offboard(t.store)
    assert t.click(ANNA_SLACK, NOTE_ACTION_DONE, f"anna|2025-Q2|{kurs}", date(2025, 5, 5))["outcome"] == "done"
    (told,) = t.outbox(f"note-done:anna:{kurs}").values()
    assert told["users"] == [ANNA_SLACK]  # not the lead who left
