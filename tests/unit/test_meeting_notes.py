"""1:1 notes that carry over: the held click opens the notes modal, the submission keeps the
agreed actions on the quarter's record (the pair only), the next quarter's agenda lists the open
ones with "Klar", and a ticked one is not listed again. Through the Slack route table, the real
store over in-memory documents and the quarterly tick."""

from dataclasses import replace
from datetime import date

import pytest

from devplan.domain.calendar import Quarter
from devplan.domain.cycle_record import CycleRecord
from devplan.domain.meeting_notes import ActionItem, action_lines, carried_into, item_id, on_agenda, ticked
from devplan.messages.cycle import MARK_HELD_ACTION
from devplan.messages.meeting_notes import NOTE_ACTION_DONE, NOTES_FORM
from devplan.services import quarterly_cycle
from devplan.services.inputs import EmployeeChunk
from tests.unit.slack_forms_support import ANNA_SLACK, BO_SLACK, MAJA_SLACK, Team

Q2, Q3, Q4 = Quarter(2025, 2), Quarter(2025, 3), Quarter(2025, 4)
HELD_ON = date(2025, 4, 10)


def held_click(team: Team, user: str, on: date = HELD_ON) -> dict:
    return team.click(user, MARK_HELD_ACTION, f"anna|{Q2.key}", on)


@pytest.fixture
def team():
    team = Team()
    team.store.docs["cycles/anna:2025-Q2"] = {
        "employeeId": "anna",
        "quarter": Q2.key,
        "openedOn": "2025-04-01",
        "review": {"status": "invited", "invitedOn": "2025-04-01"},
    }
    return team


def record(team: Team, quarter: Quarter = Q2) -> dict:
    return team.store.docs.get(f"cycles/anna:{quarter.key}", {})


def open_items(team: Team, quarter: Quarter) -> list[str]:
    return [a["text"] for a in record(team, quarter).get("actions", []) if not a.get("doneOn")]


def agenda_buttons(team: Team, quarter: Quarter) -> list[tuple[str, str]]:
    """(the line above it, the value) of each "Klar" button on the quarter's invite."""
    (invite,) = team.outbox(f"review-invite:anna:{quarter.key}").values()
    blocks = invite["blocks"]
    return [
        (blocks[n - 1]["text"]["text"], e["value"])
        for n, b in enumerate(blocks)
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == NOTE_ACTION_DONE
    ]


def tick(team: Team, day: date) -> None:
    quarterly_cycle.run_chunk(EmployeeChunk(day, ("anna", "bo"), f"m-{day}"), team.store)


def test_marking_the_1_1_held_opens_the_notes_modal_for_the_pair(team):
    # Someone else: refused, no modal.
    assert held_click(team, MAJA_SLACK)["outcome"] == "not_a_participant" and team.slack.views == []
    assert held_click(team, BO_SLACK)["notes"] == "opened"
    view = team.last_view()
    assert view["callback_id"] == NOTES_FORM and {b.get("block_id") for b in view["blocks"]} >= {"actions", "notes"}
    assert "Bara Anna Lindqvist och Bo Joel Kvarnsmyr ser anteckningarna" in view["blocks"][0]["text"]["text"]
    # A second click (the other of the pair): already held, and the modal again, pre-filled.
    assert held_click(team, ANNA_SLACK)["outcome"] == "already_held" and len(team.slack.views) == 2
    assert held_click(team, MAJA_SLACK)["notes"] == "not_opened" and len(team.slack.views) == 2


def test_the_agreed_actions_are_kept_for_the_pair_and_shown_to_them_once(team):
    held_click(team, BO_SLACK)
    view = team.last_view()
    values = {"actions": "- Boka kurs i Kubernetes\n\n• Para med Maja på VedAstro\n", "notes": "Bra kvartal."}
    assert team.submit(BO_SLACK, values, view) == {}
    kept = record(team)
    assert open_items(team, Q2) == ["Boka kurs i Kubernetes", "Para med Maja på VedAstro"]
    assert kept["notes"] == {"text": "Bra kvartal.", "writtenBy": "bo", "writtenOn": "2025-04-10", "leadId": "bo"}
    (saved,) = team.outbox("notes:anna:2025-Q2").values()
    assert sorted(saved["users"]) == sorted([ANNA_SLACK, BO_SLACK]) and "Boka kurs i Kubernetes" in str(saved)
    before = team.snapshot()
    assert team.submit(BO_SLACK, values, view) == {}  # the same modal again: nothing changes
    assert team.store.docs == before


def test_anyone_but_the_pair_is_refused_and_nothing_is_written(team):
    held_click(team, BO_SLACK)
    before = team.snapshot()
    errors = team.submit(MAJA_SLACK, {"actions": "Något"}, employee_id="maja")["errors"]
    assert "Bara Anna Lindqvist och Bo Joel Kvarnsmyr" in errors["actions"]
    assert team.store.docs == before
    assert team.command(MAJA_SLACK, "anteckningar <@U_ANNA>")["outcome"] == "refused"


@pytest.mark.parametrize(
    ("actions", "problem"),
    [("\n".join(f"Åtgärd {n}" for n in range(6)), "Högst 5"), ("x" * 301, "Högst 300 tecken")],
)
def test_too_many_or_too_long_actions_are_shown_in_the_modal(team, actions, problem):
    held_click(team, ANNA_SLACK)
    before = team.snapshot()
    assert problem in team.submit(ANNA_SLACK, {"actions": actions})["errors"]["actions"]
    assert team.store.docs == before


def test_open_actions_appear_on_the_next_agenda_until_ticked_off(team):
    held_click(team, ANNA_SLACK)
    team.submit(ANNA_SLACK, {"actions": "Boka kurs i Kubernetes\nPara med Maja"})
    tick(team, date(2025, 7, 1))  # Q3 opens
    buttons = agenda_buttons(team, Q3)
    assert [label for label, _ in buttons] == [
        "☐ Boka kurs i Kubernetes _(från Q2 2025)_",
        "☐ Para med Maja _(från Q2 2025)_",
    ]
    # Closed: Q2's notes can no longer change.
    closed = team.submit(ANNA_SLACK, {"actions": "Ny"}, team.slack.views[0])["errors"]["actions"]
    assert "Q2 2025 är avslutat" in closed
    kurs = buttons[0][1]
    assert team.click(MAJA_SLACK, NOTE_ACTION_DONE, kurs, date(2025, 7, 2))["outcome"] == "not_a_participant"
    assert team.click(BO_SLACK, NOTE_ACTION_DONE, kurs, date(2025, 7, 2))["outcome"] == "done"
    assert team.click(ANNA_SLACK, NOTE_ACTION_DONE, kurs, date(2025, 7, 3))["outcome"] == "already_done"
    assert open_items(team, Q3) == ["Para med Maja"]
    assert len(team.outbox("note-done:anna:")) == 1
    # Q3's 1:1 adds one; Q4's agenda lists the one still open from Q2 and Q3's, not the ticked one.
    team.store.docs["cycles/anna:2025-Q3"]["review"] = {"status": "invited", "invitedOn": "2025-07-01"}
    team.click(BO_SLACK, MARK_HELD_ACTION, f"anna|{Q3.key}", date(2025, 7, 8))
    team.submit(BO_SLACK, {"actions": "Skriva en reflektion i månaden"})
    tick(team, date(2025, 10, 1))
    shown = [label for label, _ in agenda_buttons(team, Q4)]
    assert shown == ["☐ Para med Maja _(från Q2 2025)_", "☐ Skriva en reflektion i månaden _(från Q3 2025)_"]


def test_the_pair_reads_the_notes_and_a_lead_asks_about_someone_they_lead(team):
    held_click(team, ANNA_SLACK)
    team.submit(ANNA_SLACK, {"actions": "Boka kurs", "notes": "Privat anteckning"})
    own = team.command(ANNA_SLACK, "anteckningar")["text"]
    assert "Privat anteckning" in own and "☐ Boka kurs" in own
    assert "Privat anteckning" in team.command(BO_SLACK, f"anteckningar <@{ANNA_SLACK}>")["text"]
    refused = team.command(MAJA_SLACK, f"anteckningar <@{ANNA_SLACK}>")
    assert "Privat" not in refused["text"] and refused["outcome"] == "refused"


def test_carrying_and_ticking_as_pure_rules():
    q2 = CycleRecord("anna", Q2, actions=(ActionItem(item_id(Q2, "A"), "A", Q2), ActionItem(item_id(Q2, "B"), "B", Q2)))
    q3 = carried_into(CycleRecord("anna", Q3), q2)
    assert [a.text for a in on_agenda(q3)] == ["A", "B"] and carried_into(q3, q2) == q3
    q3, outcome = ticked(q3, item_id(Q2, "A"), "bo", date(2025, 7, 2))
    assert outcome == "done" and ticked(q3, item_id(Q2, "A"), "bo", date(2025, 7, 3))[1] == "already_done"
    assert carried_into(q3, q2) == q3  # a second opening never undoes a tick
    assert [a.text for a in on_agenda(carried_into(CycleRecord("anna", Q4), q3))] == ["B"]
    assert action_lines("1. A\n2) a\n* B") == (("A", "B"), None)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_an_agenda_with_many_open_actions_stays_within_slacks_limits(lang):
    from devplan.domain.limits import MAX_SLACK_BLOCKS
    from devplan.messages.cycle import ReviewFacts, review_invite
    from devplan.messages.meeting_notes import MAX_SHOWN

    items = tuple(ActionItem(item_id(Q2, f"Åtgärd {n}"), f"Åtgärd {n} " + "x" * 280, Q2) for n in range(25))
    facts = ReviewFacts("Anna Lindqvist", "Bo Joel Kvarnsmyr", Q3, (), (), None, None, date(2025, 1, 7), None)
    blocks = review_invite(lang, replace(facts, open_actions=items), "anna").blocks
    buttons = [e for b in blocks if b["type"] == "actions" for e in b["elements"] if e["action_id"] == NOTE_ACTION_DONE]
    assert len(buttons) == MAX_SHOWN and len(blocks) <= MAX_SLACK_BLOCKS
    assert "17" in blocks[-3]["elements"][0]["text"]  # "…och 17 till"
    assert all(len(b["text"]["text"]) <= 3000 for b in blocks if b["type"] == "section")


def test_klar_on_an_agenda_of_a_closed_quarter_ticks_the_carried_copy_too(team):
    held_click(team, ANNA_SLACK)
    team.submit(ANNA_SLACK, {"actions": "Boka kurs"})
    tick(team, date(2025, 7, 1))
    [(_, q3_button)] = agenda_buttons(team, Q3)
    tick(team, date(2025, 10, 1))  # Q4 opened: the item was carried on
    assert open_items(team, Q4) == ["Boka kurs"]
    assert team.click(BO_SLACK, NOTE_ACTION_DONE, q3_button, date(2025, 10, 2))["outcome"] == "done"
    assert open_items(team, Q3) == open_items(team, Q4) == []
    tick(team, date(2026, 1, 2))
    assert agenda_buttons(team, Quarter(2026, 1)) == []
