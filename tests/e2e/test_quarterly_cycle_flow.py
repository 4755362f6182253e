"""The quarterly cycle on the whole local stack: tick → Pub/Sub → fan-out → chunks → outbox → Slack."""

from datetime import UTC, date, datetime

import pytest
from google.cloud import firestore

from devplan_tools.local import platform_client
from tests.conftest import posts, wait_for
from tests.e2e.test_onboarding_flow import ANNA, BO, onboard_team, send_signed

pytestmark = pytest.mark.e2e
OPENING = date(2025, 4, 1)
GROUP = "group DM Anna Lindqvist, Bo Joel Kvarnsmyr"


def db(stack):
    return firestore.Client(project=stack.project)


def cycle(stack, employee_id, quarter="2025-Q2"):
    snap = db(stack).document(f"cycles/{employee_id}:{quarter}").get()
    return snap.to_dict() if snap.exists else None


def group_posts(stack):
    return [p for p in posts(stack) if p["channel_name"] and p["channel_name"].startswith("group DM")]


def tick(stack, day, **extra):
    stack.tick(day, **extra)
    stack.wait_quiet(settle=1.0)


def test_quarter_opening_invites_both_once_and_the_button_records_who_held_it(clean_stack):
    onboard_team(clean_stack, BO, ANNA)
    clean_stack.wait_quiet()
    tick(clean_stack, OPENING)
    invites = wait_for(lambda: group_posts(clean_stack), what="1:1 invite")
    assert len(invites) == 1 and invites[0]["channel_name"] in (GROUP, "group DM Bo Joel Kvarnsmyr, Anna Lindqvist")
    text = str(invites[0]["args"]["blocks"])
    assert "https://app.slack.com/huddle/T0INNERJ/" + invites[0]["channel"] in text
    assert "Markera som genomfört" in text and "Framsteg mot varje mål" in text
    assert "Anna Lindqvist träffar Bo Joel Kvarnsmyr" in invites[0]["text"]
    assert cycle(clean_stack, "anna")["revision"] == {"deadline": "2025-04-15", "done": False}
    # The same day again, forced or not, and a duplicate delivery: nothing new.
    tick(clean_stack, OPENING)
    tick(clean_stack, OPENING, force=True)
    assert len(group_posts(clean_stack)) == 1
    # Bo clicks "Markera som genomfört" on 3 April 2025, 10:00 Stockholm.
    bo = clean_stack.stand_in.add_user(BO["email"], BO["name"])["user"]["id"]
    answer = clean_stack.client().click(
        bo, invites[0]["channel"], invites[0]["ts"], "review_mark_held", action_ts="1743667200.000100"
    )
    assert answer["ok"], answer
    wait_for(lambda: len(group_posts(clean_stack)) == 2, what="held confirmation")
    review = cycle(clean_stack, "anna")["review"]
    assert review["status"] == "held" and review["heldOn"] == "2025-04-03"
    assert review["confirmedBy"] == {"employeeId": "bo", "slackUserId": bo}
    tick(clean_stack, date(2025, 4, 16))  # 10 business days later: no 1:1 reminder, it was held
    assert not [p for p in group_posts(clean_stack) if "Påminnelse" in (p["text"] or "")]


def test_reminders_once_each_and_out_of_order_ticks_change_nothing(clean_stack):
    onboard_team(clean_stack, BO, ANNA)
    clean_stack.wait_quiet()
    tick(clean_stack, OPENING)
    tick(clean_stack, date(2025, 4, 11))  # two business days before the 15 April deadline
    tick(clean_stack, date(2025, 4, 11))
    to_anna = [p["text"] for p in posts(clean_stack, channel_name="DM Anna Lindqvist")]
    assert sum("senast *den 15 april 2025*" in t or "senast den 15 april 2025" in t for t in to_anna) == 1
    tick(clean_stack, date(2025, 4, 22))  # past the deadline (Easter 18–21 April): the lead is told
    tick(clean_stack, date(2025, 4, 14))  # a late tick from before: nothing
    to_bo = [p["text"] for p in posts(clean_stack, channel_name="DM Bo Joel Kvarnsmyr")]
    assert sum("har inte satt sina mål" in t for t in to_bo) == 1
    assert (
        len(
            [
                t
                for t in (p["text"] for p in posts(clean_stack, channel_name="DM Anna Lindqvist"))
                if "15 april 2025" in t
            ]
        )
        == 1
    )


def test_fan_out_covers_every_active_employee_in_chunks(clean_stack):
    batch = db(clean_stack).batch()
    for n in range(60):
        batch.set(
            db(clean_stack).document(f"employees/x{n:02d}"),
            {
                "name": f"Person {n}",
                "email": f"p{n}@ij.se",
                "role": "developer",
                "leadId": None,
                "startDate": "2024-01-08",
                "status": "active",
                "onboarding": {"status": "welcomed"},
                "slack": {"userId": f"UX{n}"},
            },
        )
    batch.commit()
    clean_stack.wait_quiet(settle=1.0)
    tick(clean_stack, OPENING)
    opened = [d for d in db(clean_stack).collection("cycles").stream() if d.to_dict().get("openedOn") == "2025-04-01"]
    assert len(opened) == 60
    record = db(clean_stack).document("ticks/2025-04-01").get().to_dict()
    assert record["employees"] == 60 and record["chunks"] == 3


def test_malformed_ticks_are_acknowledged_without_writes_and_an_unknown_employees_event_is_held(clean_stack):
    clean_stack.publish("devplan-daily-tick", {"asOf": "första april"})
    clean_stack.publish("devplan-employee-tick", {"employeeIds": "everyone"})
    clean_stack.wait_quiet(settle=1.0)
    assert list(db(clean_stack).collection("ticks").stream()) == []
    body = platform_client.envelope(
        "journal.reflection_logged",
        {"employeeId": "ghost", "entryId": "j1", "occurredAt": "2025-05-02T08:00:00Z"},
        event_id="evt-ghost",
    )
    answer = send_signed(clean_stack, body)
    assert answer.status_code == 200 and answer.json()["status"] == "held"  # until "ghost" is onboarded
    held = [d.to_dict() for d in db(clean_stack).collection("heldEvents").stream()]
    assert [(h["type"], h["employeeId"]) for h in held] == [("journal.reflection_logged", "ghost")]
    assert [d.id for d in db(clean_stack).collection("processedEvents").stream()] == ["held:evt-ghost"]


def test_reflections_stop_the_nudges(clean_stack):
    onboard_team(clean_stack, BO, ANNA)
    clean_stack.wait_quiet()
    tick(clean_stack, OPENING)
    tick(clean_stack, date(2025, 6, 10))  # 30 June − 21 days: first gentle nudge

    def nudges():
        return [p for p in posts(clean_stack, channel_name="DM Anna Lindqvist") if "reflektera" in p["text"]]

    assert len(nudges()) == 1
    body = platform_client.envelope(
        "journal.reflection_logged",
        {"employeeId": "anna", "entryId": "j-42", "occurredAt": "2025-06-11T18:00:00+02:00"},
    )
    assert send_signed(clean_stack, body).json()["status"] == "accepted"
    tick(clean_stack, date(2025, 6, 17))
    assert len(nudges()) == 1 and cycle(clean_stack, "anna")["reflections"] == 1


def test_the_opening_carries_an_open_goal_over_and_anna_marks_it_missed_in_the_revision(clean_stack):
    onboard_team(clean_stack, BO, ANNA)
    clean_stack.wait_quiet()
    body = platform_client.envelope(
        "goals.set",
        {"employeeId": "anna", "goals": [{"goalId": "g1", "title": "Optimera Firebase-databaser"}]},
        occurred_at=datetime(2025, 2, 3, 9, tzinfo=UTC),
    )
    assert send_signed(clean_stack, body).json()["status"] == "accepted"
    tick(clean_stack, OPENING)
    invite = wait_for(lambda: group_posts(clean_stack), what="1:1 invite")[0]
    shown = str(invite["args"]["blocks"])
    assert "Så gick målen för Q1 2025" in shown and "Optimera Firebase-databaser* – förs över till Q2 2025" in shown
    assert "Markera som ej uppnått" in shown and "Föreslå ett mål" in shown
    goals = db(clean_stack).document("employees/anna").get().to_dict()["goals"]["items"]
    assert {(g["quarter"], g["status"]) for g in goals} == {("2025-Q1", "carried_over"), ("2025-Q2", "agreed")}
    assert cycle(clean_stack, "anna")["revision"] == {"deadline": "2025-04-15", "done": False}
    # Anna says in the revision, on 3 April 2025 at 10:00 Stockholm, that it was missed.
    anna = clean_stack.stand_in.add_user(ANNA["email"], ANNA["name"])["user"]["id"]
    answer = clean_stack.client().click(
        anna, invite["channel"], invite["ts"], "goal_missed", action_ts="1743667200.000100"
    )
    assert answer["ok"], answer
    told = wait_for(
        lambda: [p for p in group_posts(clean_stack) if "som ej uppnått" in (p["text"] or "")], what="missed"
    )
    assert "Anna Lindqvist markerade Optimera Firebase-databaser som ej uppnått för Q1 2025" in told[0]["text"]
    goals = db(clean_stack).document("employees/anna").get().to_dict()["goals"]["items"]
    assert {(g["quarter"], g["status"]) for g in goals} == {("2025-Q1", "missed"), ("2025-Q2", "withdrawn")}
    assert cycle(clean_stack, "anna")["revision"] == {"deadline": "2025-04-15", "done": True, "doneOn": "2025-04-03"}
    tick(clean_stack, date(2025, 4, 11))  # the goal nudge's day: the revision is done, no nudge
    assert not [p for p in posts(clean_stack, channel_name="DM Anna Lindqvist") if "🎯" in (p["text"] or "")]
