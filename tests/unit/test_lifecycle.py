"""employee.updated and employee.offboarded: a new role's channel, a new lead taking over the
1:1 and what waits for approval (the old lead's buttons no longer act), audit entries, stale and
duplicate updates, and offboarding stopping reminders, pending messages, clicks and late events."""

from __future__ import annotations

import copy
from datetime import date

import pytest

from devplan.domain.calendar import Quarter
from devplan.domain.goals import AWAITING, EMPLOYEE, PROPOSED, GoalPlan, SmartGoal
from devplan.domain.lifecycle import parse_update
from devplan.domain.smart import Draft, Measure
from devplan.errors import InvalidEvent
from devplan.messages.goals import GOAL_AGREE, GOAL_CONFIRM
from devplan.services import platform_events, quarterly_cycle
from devplan.services.inputs import EmployeeChunk
from tests.unit.goal_support import event
from tests.unit.slack_forms_support import ANNA_SLACK, BO, BO_SLACK, Team

Q2 = Quarter.parse("2025-Q2")
CARL_SLACK = "U_CARL"


def team() -> Team:
    """Bo leads Anna (a developer) and Maja; Carl is another project lead."""
    t = Team()
    t.store.docs["employees/carl"] = {
        **copy.deepcopy(BO),
        "name": "Carl Ek",
        "email": "carl@innerjourney.se",
        "slack": {"userId": CARL_SLACK},
        "onboarding": {"status": "welcomed"},
    }
    return t


def updated(at: str = "2025-04-08T09:00:00+02:00", **data):
    return event("employee.updated", {"employeeId": "anna", **data}, at=at)


def offboarded(who: str = "anna", at: str = "2025-04-08T10:00:00+02:00"):
    return event("employee.offboarded", {"employeeId": who}, at=at)


def handle(t: Team, *events) -> list[str]:
    return [platform_events.handle(e, t.store) for e in events]


def audit_actions(t: Team, who: str = "anna") -> list[str]:
    return sorted(d["action"] for d in t.store.collection("audit").values() if d["employeeId"] == who)


def to(t: Team, user: str) -> dict[str, dict]:
    return {k: v for k, v in t.outbox().items() if user in v["users"]}


def goal(goal_id: str, status: str) -> SmartGoal:
    draft = Draft(f"Mål {goal_id}", Measure("antal", 5, 0, "st", None), "plan", "varför", Q2.end)
    return SmartGoal(goal_id, Q2, draft, status, EMPLOYEE, Q2.start, None if status == PROPOSED else date(2025, 4, 2))


def give(t: Team, *goals: SmartGoal) -> None:
    from dataclasses import replace

    t.store.atomically(lambda uow: uow.save_employee(replace(uow.employee("anna"), goals=GoalPlan(items=goals))))


# --- the rule ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [{"employeeId": "anna"}, {"employeeId": "anna", "role": "boss"}, {"employeeId": "a/b", "name": "X"}],
)
def test_an_update_without_a_usable_change_is_refused(data):
    with pytest.raises(InvalidEvent):
        parse_update(data, updated().occurred_at)


def test_an_update_naming_the_person_their_own_lead_is_refused_and_writes_nothing():
    t = team()
    before = t.snapshot()
    with pytest.raises(InvalidEvent):
        handle(t, updated(leadId="anna"))
    assert t.snapshot() == before


# --- role -------------------------------------------------------------------------------------


def test_a_new_role_invites_to_its_mentoring_channel_tells_the_person_and_is_audited():
    t = team()
    assert handle(t, updated(role="coach")) == ["updated"]
    doc = t.store.docs["employees/anna"]
    assert doc["role"] == "coach" and doc["leadId"] == "bo"
    invite = t.outbox("invite:coaching:anna")["invite:coaching:anna"]
    assert invite["kind"] == "invite" and invite["users"] == [ANNA_SLACK]
    (told,) = t.outbox("role-changed:anna:coach").values()
    assert "coach" in told["text"] and "#coaching" in told["text"]
    assert audit_actions(t) == ["role_changed"]
    entry = next(iter(t.store.collection("audit").values()))
    assert entry["kind"] == "lifecycle" and entry["detail"] == {"to": "coach"}


def test_the_same_update_twice_and_an_older_one_change_nothing_more():
    t = team()
    newer = updated(at="2025-04-09T09:00:00+02:00", name="Anna Lind")
    older = updated(at="2025-04-08T09:00:00+02:00", name="Anna Gammal")
    assert handle(t, newer, newer, older) == ["updated", "duplicate", "stale"]
    assert t.store.docs["employees/anna"]["name"] == "Anna Lind"
    # each name the platform said, the older too (the trail is the same in any order); not the name itself
    assert audit_actions(t) == ["name_changed", "name_changed"]
    # its digest only, to tell whether it moved (domain/lifecycle.py `said`)
    assert all(set(d["detail"]) == {"digest"} for d in t.store.collection("audit").values())
    assert "Anna" not in str([d["detail"] for d in t.store.collection("audit").values()])


def test_an_update_for_someone_not_onboarded_yet_is_held_like_other_events():
    t = team()
    early = event("employee.updated", {"employeeId": "nils", "name": "Nils"})
    assert handle(t, early) == ["held"]
    assert "heldEvents/" + early.id in t.store.docs


# --- lead -------------------------------------------------------------------------------------


def test_a_new_lead_gets_what_waited_for_the_old_one_and_only_the_new_lead_can_act():
    t = team()
    give(t, goal("g1", PROPOSED), goal("g2", AWAITING))
    assert handle(t, updated(leadId="carl")) == ["updated"]
    moved = to(t, CARL_SLACK)
    proposal = next(k for k in moved if k.startswith("goal-proposal:anna:g1:") and k.endswith(":lead-carl"))
    reached = next(k for k in moved if k.startswith("goal-reached:anna:g2:") and k.endswith(":lead-carl"))
    (notice,) = (v for k, v in moved.items() if k.startswith("lead-changed:anna:carl:"))
    assert "Anna Lindqvist" in notice["text"] and "Bo Joel Kvarnsmyr" in notice["text"]
    assert "mål att godkänna: 1" in notice["text"] and "uppnådda mål att bekräfta: 1" in notice["text"]
    assert any(k.startswith("lead-changed:anna:2025") for k in to(t, ANNA_SLACK))
    assert audit_actions(t) == ["lead_changed"]

    on = date(2025, 4, 9)
    old = t.click(BO_SLACK, GOAL_AGREE, t.button(proposal, GOAL_AGREE), on)
    assert old["outcome"] != "agreed"
    assert t.click(CARL_SLACK, GOAL_AGREE, t.button(proposal, GOAL_AGREE), on)["outcome"] == "agreed"
    assert t.click(CARL_SLACK, GOAL_CONFIRM, t.button(reached, GOAL_CONFIRM), on)["outcome"] == "achieved"


def test_a_new_lead_gets_this_quarters_1_1_invite_with_the_person_and_the_next_quarters_too():
    t = team()
    quarterly_cycle.run_chunk(EmployeeChunk(date(2025, 4, 1), ("anna",), "m-1"), t.store)
    assert set(t.outbox("review-invite:anna:2025-Q2")["review-invite:anna:2025-Q2"]["users"]) == {
        ANNA_SLACK,
        BO_SLACK,
    }
    handle(t, updated(leadId="carl"))
    moved = t.outbox("review-invite:anna:2025-Q2:lead-carl")["review-invite:anna:2025-Q2:lead-carl"]
    assert set(moved["users"]) == {ANNA_SLACK, CARL_SLACK} and "Carl Ek" in moved["text"]
    quarterly_cycle.run_chunk(EmployeeChunk(date(2025, 7, 1), ("anna",), "m-2"), t.store)
    assert set(t.outbox("review-invite:anna:2025-Q3")["review-invite:anna:2025-Q3"]["users"]) == {
        ANNA_SLACK,
        CARL_SLACK,
    }


# --- offboarded -------------------------------------------------------------------------------


def test_offboarding_cancels_pending_messages_and_stops_the_tick_history_kept():
    t = team()
    quarterly_cycle.run_chunk(EmployeeChunk(date(2025, 4, 1), ("anna",), "m-1"), t.store)
    t.store.docs["outbox/sent-before"] = {**t.outbox()["review-invite:anna:2025-Q2"], "state": "sent"}
    leaving = offboarded()
    assert handle(t, leaving, leaving, offboarded()) == ["offboarded", "duplicate", "already_offboarded"]
    assert t.store.docs["employees/anna"]["status"] == "offboarded"
    assert t.outbox()["review-invite:anna:2025-Q2"]["state"] == "cancelled"
    assert t.outbox()["sent-before"]["state"] == "sent"
    assert "cycles/anna:2025-Q2" in t.store.docs  # history kept
    assert audit_actions(t) == ["offboarded"]
    before = len(t.outbox())
    assert quarterly_cycle.run_chunk(EmployeeChunk(date(2025, 4, 15), ("anna",), "m-2"), t.store) == {"nothing_due": 1}
    assert len(t.outbox()) == before


def test_late_events_about_someone_offboarded_are_acknowledged_and_ignored(caplog):
    t = team()
    handle(t, offboarded())
    before = t.snapshot()
    reflection = event(
        "journal.reflection_logged", {"employeeId": "anna", "entryId": "r1", "wentWell": "Bra", "challenges": "Svårt"}
    )
    with caplog.at_level("INFO"):
        assert handle(t, reflection) == ["offboarded"]
    assert "acknowledged and ignored: anna is offboarded" in caplog.text
    changed = {k for k in t.snapshot() if t.snapshot()[k] != before.get(k)}
    assert all(k.startswith("processedEvents/") for k in changed)  # only the claim


def test_a_late_update_about_someone_offboarded_is_recorded_as_a_fact_and_wakes_nobody(caplog):
    t = team()
    handle(t, offboarded())
    before = t.snapshot()
    with caplog.at_level("INFO"):
        assert handle(t, updated(at="2025-04-09T09:00:00+02:00", role="coach")) == ["offboarded"]
    assert "recorded as facts only: anna is offboarded" in caplog.text
    doc = t.store.docs["employees/anna"]
    assert (doc["role"], doc["status"]) == ("coach", "offboarded")
    changed = {k for k in t.snapshot() if t.snapshot()[k] != before.get(k)}
    assert {k.split("/")[0] for k in changed} == {"processedEvents", "employees", "audit"}  # no message


def test_a_click_on_a_button_about_someone_offboarded_answers_politely_and_changes_nothing():
    t = team()
    give(t, goal("g1", PROPOSED))
    handle(t, offboarded())
    before = t.store.docs["employees/anna"]
    answer = t.click(BO_SLACK, GOAL_AGREE, "anna|g1|2025-Q2", date(2025, 4, 9))
    assert answer["outcome"] == "offboarded" and "har slutat" in answer["text"]
    assert t.store.docs["employees/anna"] == before


def test_the_leads_plan_no_longer_counts_what_an_offboarded_person_waits_for():
    t = team()
    give(t, goal("g1", PROPOSED))
    assert "1 mål att godkänna" in t.command(BO_SLACK, "")["text"]
    handle(t, offboarded())
    assert "1 mål att godkänna" not in t.command(BO_SLACK, "")["text"]


def test_the_app_home_of_someone_offboarded_is_one_closing_line_in_their_language():
    from devplan.messages.lifecycle import cleared_home

    for lang, words in (("sv", "avslutad"), ("en", "closed")):
        view = cleared_home(lang)
        assert view["type"] == "home" and len(view["blocks"]) == 1 and words in view["blocks"][0]["text"]["text"]


def test_a_click_about_someone_whose_record_cannot_be_read_is_left_to_the_route():
    t = team()
    t.store.docs["employees/anna"] = {"name": "Anna"}  # no e-mail, role, start: unusable
    from devplan.errors import UnusableRecord

    with pytest.raises(UnusableRecord):  # the goal route's own answer (the entry point's dead letter)
        t.click(BO_SLACK, GOAL_AGREE, "anna|g1|2025-Q2", date(2025, 4, 9))


def test_the_history_reads_each_change_as_a_line():
    t = team()
    handle(
        t,
        updated(role="coach"),
        updated(at="2025-04-09T09:00:00+02:00", leadId="carl"),
        offboarded(at="2025-04-10T09:00:00+02:00"),
    )
    shown = t.command(CARL_SLACK, f"historik <@{ANNA_SLACK}>")["text"]
    assert "Ny roll: coach (tidigare developer)" in shown and "Ny närmaste chef: carl (tidigare bo)" in shown
    assert "Anställningen avslutades" in shown


def test_the_sender_never_claims_a_message_cancelled_after_its_trigger_read_it():
    """The trigger carried the message as pending; the offboarding cancelled it since: the
    sender's claim finds it changed, reads it again and leaves it."""
    from devplan.services import delivery
    from tests.fakes import FakeSlack

    t = team()
    quarterly_cycle.run_chunk(EmployeeChunk(date(2025, 4, 1), ("anna",), "m-1"), t.store)
    known = t.store.outbox_entry("review-invite:anna:2025-Q2")
    handle(t, offboarded())
    slack = FakeSlack()
    outcome = delivery.deliver("review-invite:anna:2025-Q2", "ev-1", t.store, slack, t.store.now, known=known)
    assert outcome == "nothing_to_do" and slack.posted == []
    assert t.outbox()["review-invite:anna:2025-Q2"]["state"] == "cancelled"


def opened_home(t: Team, *who: str) -> None:
    from dataclasses import replace

    for person in who:
        t.store.atomically(lambda uow, p=person: uow.save_employee(replace(uow.employee(p), home_opened=True)))


def homes_to(t: Team, user: str) -> list[str]:
    return sorted(k for k, v in t.outbox("home:").items() if v["users"] == [user] and v["state"] == "pending")


def test_offboarding_clears_their_app_home_and_refreshes_the_leads_team_table():
    from devplan.services import home

    t = team()
    opened_home(t, "anna", "bo")
    handle(t, offboarded())
    assert homes_to(t, ANNA_SLACK) and homes_to(t, BO_SLACK)  # published after the pending ones were cancelled
    view = home.view_for(t.store, ANNA_SLACK, date(2025, 4, 8))
    assert len(view["blocks"]) == 1 and "avslutad" in view["blocks"][0]["text"]["text"]
    assert "Anna" not in str(home.view_for(t.store, BO_SLACK, date(2025, 4, 8)))


def test_a_new_lead_and_the_old_one_both_see_the_team_change_on_their_app_home():
    t = team()
    opened_home(t, "bo", "carl")
    handle(t, updated(leadId="carl"))
    assert homes_to(t, BO_SLACK) and homes_to(t, CARL_SLACK)
