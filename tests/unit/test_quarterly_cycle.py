from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from devplan.domain.calendar import Quarter
from devplan.domain.goals import GoalPlan
from devplan.domain.outbox import user_key
from devplan.domain.smart import Draft, Measure
from devplan.errors import InvalidEvent
from devplan.messages.goals import GOAL_MISSED, OPEN_GOAL_FORM
from devplan.services import daily_tick, delivery, goal_revision, goals, journal, quarterly_cycle, reviews, slack_routes
from devplan.services.inputs import EmployeeChunk, PlatformEvent, SlackRequest, Tick
from tests.fakes import FakePublisher, FakeSlack, InMemoryStore

OPENING = date(2026, 4, 1)


def employee(name, *, lead="bo", start="2025-09-01", slack=None, goals_set=True):
    doc = {
        "name": name,
        "email": f"{name.lower()}@ij.se",
        "role": "developer",
        "leadId": lead,
        "startDate": start,
        "status": "active",
        "language": "sv",
        "goals": {"deadline": "2025-09-15", "items": [{"goalId": "g1", "title": "Optimera Firebase"}]},
        "slack": {"userId": slack or f"U_{name.upper()}"},
        "onboarding": {"status": "welcomed"},
    }
    if goals_set:
        doc["goals"]["setAt"] = datetime(2025, 9, 10, tzinfo=UTC)
    return doc


@pytest.fixture
def store():
    s = InMemoryStore()
    s.set("employees/bo", {**employee("Bo", lead=None), "role": "project_lead", "leadId": None})
    s.set("employees/anna", employee("Anna"))
    return s


def chunk(day, *ids):
    return EmployeeChunk(day, ids, f"m-{day}")


def test_fan_out_publishes_chunks_once_per_day_and_not_on_days_off():
    store, publisher = InMemoryStore(), FakePublisher()
    for n in range(60):
        store.set(f"employees/e{n:02d}", employee(f"E{n}"))
    store.set("employees/gone", {**employee("Gone"), "status": "left"})
    assert daily_tick.fan_out(Tick(OPENING, False, "t1"), store, publisher, chunk_size=25) == "fanned_out"
    assert [len(m["employeeIds"]) for _, m in publisher.published] == [25, 25, 10]
    assert {t for t, _ in publisher.published} == {"devplan-employee-tick"}
    assert "gone" not in str(publisher.published)
    assert daily_tick.fan_out(Tick(OPENING, False, "t2"), store, publisher) == "already_done"
    assert daily_tick.fan_out(Tick(date(2026, 4, 4), False, "t3"), store, publisher) == "day_off"
    assert len(publisher.published) == 3
    assert daily_tick.fan_out(Tick(OPENING, True, "t4"), store, publisher, chunk_size=25) == "fanned_out"
    assert len(publisher.published) == 6


def test_opening_invites_employee_and_lead_with_the_agenda_once(store):
    outcome = quarterly_cycle.run_chunk(chunk(OPENING, "bo", "anna"), store)
    assert outcome == {"open_quarter": 2}
    cycle = store.get("cycles/anna:2026-Q2")
    assert cycle["openedOn"] == "2026-04-01" and cycle["revision"] == {"deadline": "2026-04-17", "done": False}
    invite = store.get("outbox/review-invite:anna:2026-Q2")
    assert invite["users"] == ["U_ANNA", "U_BO"]
    from devplan_tools.local.timeline import blocks_text

    text = blocks_text(invite["blocks"], "")
    assert "Optimera Firebase" in text and "17 april 2026" in text and "Hinder" in text and "Feedback" in text
    assert "{{huddle_url}}" in text  # filled in by the sender
    assert "outbox/review-invite:bo:2026-Q2" not in store.docs  # the project lead has no lead
    before = dict(store.docs)
    assert quarterly_cycle.run_chunk(chunk(OPENING, "bo", "anna"), store) == {"nothing_due": 2}
    assert store.docs == before
    # The business day after, everyone asks whether they led anyone last quarter: Bo did, Anna
    # gets no digest.
    assert quarterly_cycle.run_chunk(chunk(date(2026, 4, 2), "bo", "anna"), store) == {"quarter_digest": 2}
    assert "outbox/digest:bo:2026-Q1" in store.docs and "outbox/digest:anna:2026-Q1" not in store.docs


def test_sender_fills_the_huddle_link(store):
    quarterly_cycle.run_chunk(chunk(OPENING, "anna"), store)
    slack = FakeSlack()
    delivery.deliver("review-invite:anna:2026-Q2", "ev", store, slack, datetime.now(UTC))
    assert "https://app.slack.com/huddle/T_TEST/G-U_ANNA-U_BO" in str(slack.posted[0]["blocks"])


def test_ticks_out_of_order_send_nothing_stale(store):
    store.set("employees/anna", {"goals": {"setAt": None}})
    quarterly_cycle.run_chunk(chunk(OPENING, "anna"), store)
    assert quarterly_cycle.run_chunk(chunk(date(2026, 4, 20), "anna"), store) == {
        "quarter_digest+goal_overdue+review_reminder": 1
    }
    assert quarterly_cycle.run_chunk(chunk(date(2026, 4, 15), "anna"), store) == {"out_of_order": 1}
    assert "outbox/goal-nudge:revision:anna:2026-Q2" not in store.docs
    assert "outbox/goal-overdue:revision:anna:2026-Q2" in store.docs


def reflection(entry, employee_id="anna", event_id=None, when="2026-06-10T09:00:00+02:00"):
    return PlatformEvent(
        event_id or f"ev-{entry}",
        "journal.reflection_logged",
        datetime.now(UTC),
        {"employeeId": employee_id, "entryId": entry, "occurredAt": when},
        "d",
    )


def test_a_logged_reflection_stops_the_nudges(store):
    quarterly_cycle.run_chunk(chunk(OPENING, "anna"), store)
    assert "reflection_nudge" in str(quarterly_cycle.run_chunk(chunk(date(2026, 6, 9), "anna"), store))
    assert "outbox/reflection-nudge:2026-06-09:anna:2026-Q2" in store.docs
    assert journal.log_reflection(reflection("r1"), store) == "accepted"
    assert journal.log_reflection(reflection("r1"), store) == "duplicate"
    assert journal.log_reflection(reflection("r1", event_id="other-event"), store) == "duplicate"
    assert store.get("cycles/anna:2026-Q2")["reflections"] == 1
    assert "reflection_nudge" not in str(quarterly_cycle.run_chunk(chunk(date(2026, 6, 16), "anna"), store))


def test_a_reflection_for_an_unknown_employee_writes_nothing(store):
    before = dict(store.docs)
    assert journal.log_reflection(reflection("r9", employee_id="nobody"), store) == "unknown_employee"
    assert store.docs == before


def test_goals_set_mark_the_revision_done(store):
    quarterly_cycle.run_chunk(chunk(OPENING, "anna"), store)
    event = PlatformEvent(
        "g-1",
        "goals.set",
        datetime(2026, 4, 8, 10, tzinfo=UTC),
        {"employeeId": "anna", "goals": [{"goalId": "g2", "title": "Leda API-delprojektet"}]},
        "d",
    )
    assert goals.set_goals(event, store) == "accepted"
    assert store.get("cycles/anna:2026-Q2")["revision"]["done"] is True
    assert goal_titles(store, "anna", "2026-Q2") == ["Leda API-delprojektet"]
    assert "goal_nudge" not in str(quarterly_cycle.run_chunk(chunk(date(2026, 4, 15), "anna"), store))


def goal_titles(store, employee_id, quarter):
    """The titles of the person's goals of one quarter, as stored (withdrawn ones left out)."""
    items = store.get(f"employees/{employee_id}")["goals"]["items"]
    return [g["title"] for g in items if g.get("quarter") == quarter and g.get("status") != "withdrawn"]


def test_mark_held_by_a_participant_once_and_no_reminder_after(store):
    quarterly_cycle.run_chunk(chunk(OPENING, "anna"), store)
    ts = str(datetime(2026, 4, 9, 13, 30, tzinfo=UTC).timestamp())
    assert reviews.mark_held("anna|2026-Q2", "U_STRANGER", ts, store) == "not_a_participant"
    assert reviews.mark_held("anna|2026-Q2", "U_BO", ts, store) == "held"
    assert reviews.mark_held("anna|2026-Q2", "U_ANNA", ts, store) == "already_held"
    review = store.get("cycles/anna:2026-Q2")["review"]
    assert review["heldOn"] == "2026-04-09" and review["confirmedBy"] == {"employeeId": "bo", "slackUserId": "U_BO"}
    assert "review_reminder" not in str(quarterly_cycle.run_chunk(chunk(date(2026, 4, 17), "anna"), store))


def test_without_a_slack_account_the_opening_waits_and_happens_once_the_account_exists(store):
    store.docs["employees/anna"]["slack"] = {}
    assert quarterly_cycle.run_chunk(chunk(OPENING, "anna"), store) == {"waiting_for_slack": 1}
    assert store.get("cycles/anna:2026-Q2") is None  # nothing recorded as done
    store.set("employees/anna", {"slack": {"userId": "U_ANNA"}})
    assert quarterly_cycle.run_chunk(chunk(date(2026, 4, 2), "anna"), store) == {"open_quarter": 1}
    assert store.get("cycles/anna:2026-Q2")["revision"]["deadline"] == "2026-04-17"  # from the opening day
    assert store.get("outbox/review-invite:anna:2026-Q2")["users"] == ["U_ANNA", "U_BO"]
    # Her digest the business day after her own opening: past Easter (3 and 6 April off).
    assert quarterly_cycle.run_chunk(chunk(date(2026, 4, 3), "anna"), store) == {"nothing_due": 1}
    assert quarterly_cycle.run_chunk(chunk(date(2026, 4, 7), "anna"), store) == {"quarter_digest": 1}


def test_first_goal_reminders_are_sent_once_even_across_a_quarter_boundary():
    store = InMemoryStore()
    store.set("employees/bo", {**employee("Bo", lead=None), "role": "project_lead", "leadId": None})
    new = employee("Anna", start="2026-03-10", goals_set=False)
    new["goals"] = {"deadline": "2026-03-24", "items": []}
    store.set("employees/anna", new)
    assert "goal_overdue" in str(quarterly_cycle.run_chunk(chunk(date(2026, 3, 25), "anna"), store))
    assert "goal_overdue" in str(
        quarterly_cycle.run_chunk(chunk(OPENING, "anna"), store)
    )  # new quarter, same obligation
    told = [p for p in store.docs if p.startswith("outbox/goal-overdue:first")]
    assert told == ["outbox/goal-overdue:first:anna"]


def test_late_older_goals_and_reflections_do_not_replace_newer_ones(store):
    def goals_set(event_id, hour, title):
        return PlatformEvent(
            event_id,
            "goals.set",
            datetime(2026, 4, 8, hour, tzinfo=UTC),
            {"employeeId": "anna", "goals": [{"goalId": event_id, "title": title}]},
            "d",
        )

    assert goals.set_goals(goals_set("g-new", 10, "Nyare mål"), store) == "accepted"
    assert goals.set_goals(goals_set("g-old", 9, "Äldre mål"), store) == "accepted"  # a retried older event
    assert goal_titles(store, "anna", "2026-Q2") == ["Nyare mål"]
    journal.log_reflection(reflection("r-new", when="2026-06-12T09:00:00+02:00"), store)
    journal.log_reflection(reflection("r-old", when="2026-06-02T09:00:00+02:00"), store)
    cycle = store.get("cycles/anna:2026-Q2")
    assert cycle["reflections"] == 2 and cycle["lastReflection"]["entryId"] == "r-new"


# --- the quarter's close: carried over, the agenda's outcome, "Markera som ej uppnått" ----------

Q1, Q2 = Quarter(2026, 1), Quarter(2026, 2)
SESSIONS = Measure("genomförda coachingsessioner", 20, unit="sessioner")


def last_quarters_goals(*, with_proposal: bool = True) -> GoalPlan:
    """Q1 2026: one achieved, one reached and awaiting Bo, one agreed at 12 of 20, one proposed."""
    plan = GoalPlan(deadline=date(2025, 9, 15))
    for goal_id, title in (("g-ach", "Tjugo sessioner"), ("g-wait", "Senior Coach"), ("g-carry", "Tolv blir tjugo")):
        plan, _ = plan.propose(goal_id, Q1, Draft(title, SESSIONS, None, None, None), "employee", date(2026, 1, 12))
        plan, _ = plan.agree(goal_id, Q1, "lead", date(2026, 1, 13))
    plan, _ = plan.with_progress("g-ach", Q1, 20, date(2026, 2, 1))
    plan, _ = plan.confirm("g-ach", Q1, date(2026, 2, 2))
    plan, _ = plan.with_progress("g-wait", Q1, 20, date(2026, 3, 2))
    plan, _ = plan.with_progress("g-carry", Q1, 12, date(2026, 3, 3))
    if with_proposal:
        plan, _ = plan.propose("g-prop", Q1, Draft("Guida nya", None, None, None, None), "employee", date(2026, 3, 30))
    return plan


def texts(blocks):
    """Every text of the blocks (sections, their buttons), as people read them."""
    return "\n".join(b["text"]["text"] for b in blocks if isinstance(b.get("text"), dict))


def with_goals(store, employee_id, plan):
    store.atomically(lambda uow: uow.save_employee(replace(uow.employee(employee_id), goals=plan)))


def stored_goals(store, employee_id):
    return {(g["goalId"], g["quarter"]): g["status"] for g in store.get(f"employees/{employee_id}")["goals"]["items"]}


def test_the_opening_carries_last_quarters_open_goals_over_once_and_the_agenda_shows_how_each_ended(store):
    with_goals(store, "anna", last_quarters_goals())
    assert quarterly_cycle.run_chunk(chunk(OPENING, "anna"), store) == {"open_quarter": 1}
    assert stored_goals(store, "anna") == {
        ("g-ach", "2026-Q1"): "achieved",
        ("g-wait", "2026-Q1"): "awaiting_confirmation",
        ("g-carry", "2026-Q1"): "carried_over",
        ("g-prop", "2026-Q1"): "carried_over",
        ("g-carry", "2026-Q2"): "agreed",
        ("g-prop", "2026-Q2"): "proposed",
    }
    blocks = store.get("outbox/review-invite:anna:2026-Q2")["blocks"]
    shown = texts(blocks)
    assert "Så gick målen för Q1 2026" in shown
    assert "✅ *Tjugo sessioner* – uppnått (genomförda coachingsessioner: 20 sessioner)" in shown
    assert "⏳ *Senior Coach* – målet nått (genomförda coachingsessioner: 20 sessioner)" in shown
    assert "väntar på bekräftelse från Bo" in shown
    assert "↪️ *Tolv blir tjugo* – förs över till Q2 2026 (framsteg 12 av 20 sessioner)" in shown
    buttons = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    missed_buttons = [e for e in buttons if e["action_id"] == GOAL_MISSED]
    assert [b["value"] for b in missed_buttons] == ["anna|g-carry|2026-Q2", "anna|g-prop|2026-Q2"]
    assert all(b["text"]["text"] == "Markera som ej uppnått" for b in missed_buttons)
    assert {"action_id": OPEN_GOAL_FORM, "value": "anna"}.items() <= buttons[-1].items()
    assert "*Tolv blir tjugo* – överenskommet (fört över från Q1 2026)" in shown  # this quarter's goals
    before = dict(store.docs)
    assert quarterly_cycle.run_chunk(chunk(OPENING, "anna"), store) == {"nothing_due": 1}
    assert store.docs == before


def test_a_proposal_waiting_for_the_lead_counts_as_not_set_and_the_reminders_say_so(store):
    plan, _ = GoalPlan().propose("g-new", Q2, Draft("Nytt mål", SESSIONS, None, None, None), "employee", OPENING)
    with_goals(store, "anna", plan)
    quarterly_cycle.run_chunk(chunk(OPENING, "anna"), store)
    assert "goal_nudge" in str(quarterly_cycle.run_chunk(chunk(date(2026, 4, 15), "anna"), store))
    nudge = store.get("outbox/goal-nudge:revision:anna:2026-Q2")
    assert "Du har föreslagit mål som väntar på att Bo godkänner dem" in nudge["text"]
    assert "senast den 17 april 2026" in nudge["text"]
    assert "goal_overdue" in str(quarterly_cycle.run_chunk(chunk(date(2026, 4, 20), "anna"), store))
    told = store.get("outbox/goal-overdue:revision:anna:2026-Q2")
    assert told["users"] == ["U_BO"] and "Anna har föreslagit mål som väntar på ditt godkännande" in told["text"]


def test_carried_over_agreed_goals_get_a_revision_nudge_not_a_set_your_goals_one(store):
    with_goals(store, "anna", last_quarters_goals(with_proposal=False))
    quarterly_cycle.run_chunk(chunk(OPENING, "anna"), store)
    quarterly_cycle.run_chunk(chunk(date(2026, 4, 15), "anna"), store)
    text = store.get("outbox/goal-nudge:revision:anna:2026-Q2")["text"]
    assert "Kvartalets målrevidering ska vara klar senast den 17 april 2026" in text


def test_mark_missed_only_by_the_pair_once_and_it_revises_the_quarter(store):
    with_goals(store, "anna", last_quarters_goals())
    quarterly_cycle.run_chunk(chunk(OPENING, "anna"), store)
    ts = str(datetime(2026, 4, 8, 9, tzinfo=UTC).timestamp())
    before = dict(store.docs)
    outcome, refusal = goal_revision.mark_missed("anna|g-carry|2026-Q2", "U_STRANGER", ts, store)
    assert outcome == "not_a_participant" and refusal == "Bara Anna och Bo kan ändra de här målen."
    reply = f"outbox/reply:goal-missed-not-yours:anna:g-carry:2026-Q2:{user_key('U_STRANGER')}"
    assert set(store.docs) - set(before) == {reply} and store.get(reply)["users"] == ["U_STRANGER"]
    assert all(store.docs[path] == doc for path, doc in before.items())  # nothing else changed
    assert goal_revision.mark_missed("anna|g-carry|2026-Q2", "U_BO", ts, store) == ("missed", None)
    assert goal_revision.mark_missed("anna|g-carry|2026-Q2", "U_ANNA", ts, store) == ("not_carried", None)
    goals = stored_goals(store, "anna")
    assert goals[("g-carry", "2026-Q1")] == "missed" and goals[("g-carry", "2026-Q2")] == "withdrawn"
    told = store.get("outbox/goal-missed:anna:g-carry:2026-Q2")
    assert told["users"] == ["U_ANNA", "U_BO"] and "Bo markerade *Tolv blir tjugo* som ej uppnått för Q1 2026" in str(
        told["blocks"]
    )
    assert store.get("cycles/anna:2026-Q2")["revision"] == {
        "deadline": "2026-04-17",
        "done": True,
        "doneOn": "2026-04-08",
    }
    assert "goal_nudge" not in str(quarterly_cycle.run_chunk(chunk(date(2026, 4, 15), "anna"), store))
    with pytest.raises(InvalidEvent):
        goal_revision.mark_missed("anna|g-carry", "U_BO", ts, store)


def test_the_goal_missed_button_is_routed_and_answers_a_stranger_ephemerally(store):
    with_goals(store, "anna", last_quarters_goals())
    quarterly_cycle.run_chunk(chunk(OPENING, "anna"), store)
    payload = {"actions": [{"action_id": GOAL_MISSED, "value": "anna|g-prop|2026-Q2", "action_ts": "1775638800.1"}]}
    table = slack_routes.routes(store, FakeSlack(), lambda: datetime(2026, 4, 8, 9, tzinfo=UTC))
    stranger = slack_routes.route(SlackRequest("block_actions", GOAL_MISSED, "U_STRANGER", payload), table)
    assert stranger["outcome"] == "not_a_participant" and stranger["response_type"] == "ephemeral"
    answer = slack_routes.route(SlackRequest("block_actions", GOAL_MISSED, "U_ANNA", payload), table)
    assert answer == {"outcome": "missed"}
