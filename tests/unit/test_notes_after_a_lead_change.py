"""1:1 notes belong to the pair who held the 1:1: when Anna moves from Bo to Carl, what Anna and
Bo wrote stays theirs (the lead is recorded on the notes), while the actions carried into the
next quarter are on the new pair's agenda."""

from __future__ import annotations

import copy
from datetime import date

import pytest

from devplan.domain.calendar import Quarter
from devplan.messages.cycle import MARK_HELD_ACTION
from devplan.messages.meeting_notes import NOTE_ACTION_DONE
from devplan.services import meeting_notes, notes_reading, platform_events, quarterly_cycle
from devplan.services.inputs import EmployeeChunk
from tests.unit.goal_support import event
from tests.unit.slack_forms_support import ANNA_SLACK, BO, BO_SLACK, Team

Q2, Q3 = Quarter(2025, 2), Quarter(2025, 3)
CARL_SLACK = "U_CARL"
SECRET = "Anna funderar på att sluta; Bo lovar lönesamtal"


@pytest.fixture
def team() -> Team:
    """Bo leads Anna, whose Q2 1:1 is invited; Carl is another project lead."""
    t = Team()
    t.store.docs["employees/carl"] = {
        **copy.deepcopy(BO),
        "name": "Carl Ek",
        "email": "carl@innerjourney.se",
        "slack": {"userId": CARL_SLACK},
        "onboarding": {"status": "welcomed"},
    }
    t.store.docs["cycles/anna:2025-Q2"] = {
        "employeeId": "anna",
        "quarter": Q2.key,
        "openedOn": "2025-04-01",
        "review": {"status": "invited", "invitedOn": "2025-04-01"},
    }
    return t


def held_with_bo(t: Team) -> None:
    """Bo marks the 1:1 held and writes the notes in the modal it opens."""
    assert t.click(BO_SLACK, MARK_HELD_ACTION, f"anna|{Q2.key}", date(2025, 4, 10))["notes"] == "opened"
    assert t.submit(BO_SLACK, {"actions": "Boka lönesamtal", "notes": SECRET}) == {}


def moves_to_carl(t: Team) -> None:
    moved = event("employee.updated", {"employeeId": "anna", "leadId": "carl"}, at="2025-05-02T09:00:00+02:00")
    assert platform_events.handle(moved, t.store) == "updated"


def notes(t: Team, user: str, about: str = f"anteckningar <@{ANNA_SLACK}>") -> dict:
    return t.command(user, about)


def test_the_lead_who_held_the_1_1_is_recorded_on_its_notes(team):
    held_with_bo(team)
    assert team.store.docs["cycles/anna:2025-Q2"]["notes"]["leadId"] == "bo"


def test_a_new_lead_does_not_read_the_notes_of_the_pair_before_him(team):
    held_with_bo(team)
    moves_to_carl(team)
    carl = notes(team, CARL_SLACK)
    assert carl["outcome"] == "refused" and "lönesamtal" not in carl["text"]
    bo, anna = notes(team, BO_SLACK), notes(team, ANNA_SLACK, "anteckningar")
    for shown in (bo, anna):  # the pair who held it still read it, under their own names
        assert shown["outcome"] == "shown" and SECRET in shown["text"]
        assert "(Anna Lindqvist och Bo Joel Kvarnsmyr)" in shown["text"] and "Carl" not in shown["text"]


def test_notes_written_before_the_lead_was_recorded_stay_with_the_old_pair(team):
    doc = team.store.docs["cycles/anna:2025-Q2"]
    doc["review"] = {"status": "held", "heldOn": "2025-04-07"}
    doc["notes"] = {"text": SECRET, "writtenBy": "bo", "writtenOn": "2025-04-07"}  # no leadId: older records
    moves_to_carl(team)
    assert team.store.docs["cycles/anna:2025-Q2"]["notes"]["leadId"] == "bo"  # kept as Anna moved on
    assert notes_reading.show(team.store, CARL_SLACK, f"<@{ANNA_SLACK}>", date(2025, 5, 5))["outcome"] == "refused"
    assert notes_reading.show(team.store, BO_SLACK, f"<@{ANNA_SLACK}>", date(2025, 5, 5))["outcome"] == "shown"


def open_notes(t: Team, user: str) -> str:
    return meeting_notes.open_form(t.store, t.slack, user, t.slack.issue_trigger(), f"anna|{Q2.key}", date(2025, 5, 3))


def test_the_lead_who_held_the_1_1_writes_its_notes_after_a_lead_change(team):
    """Bo marks the 1:1 held, closes the modal and writes the notes later; meanwhile Anna moves."""
    assert team.click(BO_SLACK, MARK_HELD_ACTION, f"anna|{Q2.key}", date(2025, 4, 10))["outcome"] == "held"
    moves_to_carl(team)
    assert (open_notes(team, BO_SLACK), open_notes(team, CARL_SLACK)) == ("opened", "not_opened")


def test_a_1_1_the_employee_marked_held_is_the_notes_of_the_lead_when_the_quarter_opened(team):
    doc = team.store.docs["cycles/anna:2025-Q2"]
    doc.update(leadId="bo", leadRecorded=True)
    assert team.click(ANNA_SLACK, MARK_HELD_ACTION, f"anna|{Q2.key}", date(2025, 4, 10))["outcome"] == "held"
    moves_to_carl(team)
    assert (open_notes(team, BO_SLACK), open_notes(team, CARL_SLACK)) == ("opened", "not_opened")


def test_a_1_1_not_held_yet_is_the_new_leads(team):
    moves_to_carl(team)
    assert (open_notes(team, BO_SLACK), open_notes(team, CARL_SLACK)) == ("not_opened", "opened")


def test_a_new_lead_cannot_open_the_old_pairs_notes(team):
    held_with_bo(team)
    moves_to_carl(team)
    views = len(team.slack.views)
    clicked = team.click(CARL_SLACK, MARK_HELD_ACTION, f"anna|{Q2.key}", date(2025, 5, 5))
    assert clicked["outcome"] == "already_held" and clicked["notes"] == "not_opened"
    assert len(team.slack.views) == views


def test_the_actions_carried_into_the_next_quarter_are_the_new_pairs(team):
    held_with_bo(team)
    moves_to_carl(team)
    quarterly_cycle.run_chunk(EmployeeChunk(date(2025, 7, 1), ("anna", "bo", "carl"), "m-q3"), team.store)
    (invite,) = team.outbox(f"review-invite:anna:{Q3.key}").values()
    assert sorted(invite["users"]) == sorted([ANNA_SLACK, CARL_SLACK]) and "Boka lönesamtal" in str(invite)
    carl = notes_reading.show(team.store, CARL_SLACK, f"<@{ANNA_SLACK}>", date(2025, 7, 2))
    assert carl["outcome"] == "shown" and "☐ Boka lönesamtal" in carl["text"] and SECRET not in carl["text"]
    klar = next(
        e["value"]
        for b in invite["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == NOTE_ACTION_DONE
    )
    assert team.click(CARL_SLACK, NOTE_ACTION_DONE, klar, date(2025, 7, 2))["outcome"] == "done"
