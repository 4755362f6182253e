"""`/utveckling` across quarters: this quarter's goals with status and progress, the deadline that
applies now (the first goals', then each quarter's revision), and what waits for whom."""

from dataclasses import replace
from datetime import date

import pytest

from devplan.domain.calendar import Quarter
from devplan.domain.goals import SmartGoal, first_goal_deadline
from devplan.domain.smart import Draft, Measure
from devplan.messages.status import progress_bar
from devplan.services import goals, quarterly_cycle, reviews
from devplan.services.inputs import EmployeeChunk
from devplan.services.plan_status import plan_status_for
from tests.fakes import InMemoryStore

START = date(2025, 1, 7)
Q1, Q2, Q3 = Quarter(2025, 1), Quarter(2025, 2), Quarter(2025, 3)
SESSIONS = Measure("genomförda coachingsessioner", 20, unit="sessioner")


def person(name, *, lead, role="coach"):
    return {
        "name": name,
        "email": f"{name.split()[0].lower()}@ij.se",
        "role": role,
        "leadId": lead,
        "startDate": START.isoformat(),
        "status": "active",
        "language": "sv",
        "goals": {"deadline": first_goal_deadline(START).isoformat()},
        "slack": {"userId": f"U_{name.split()[0].upper()}"},
        "onboarding": {"status": "welcomed"},
    }


@pytest.fixture
def store():
    s = InMemoryStore()
    s.set("employees/bo", person("Bo Joel Kvarnsmyr", lead=None, role="project_lead"))
    s.set("employees/maja", person("Maja Berg", lead="bo"))
    return s


def step(store, day, change):
    """One goal step on Maja's plan as the services save it (services/goals.save_plan)."""

    def work(uow):
        maja = uow.employee("maja")
        goals.save_plan(uow, maja, change(maja.goals), day)

    store.atomically(work)


def propose(goal_id, title, quarter, day, by="employee"):
    return lambda plan: plan.propose(goal_id, quarter, Draft(title, SESSIONS, None, None, None), by, day)[0]


def agree(goal_id, quarter, day, by="lead"):
    return lambda plan: plan.agree(goal_id, quarter, by, day)[0]


def status(store, user, day):
    return plan_status_for(user, store, day).text


def tick(store, day):
    quarterly_cycle.run_chunk(EmployeeChunk(day, ("bo", "maja"), f"m-{day}"), store)


def test_q1_shows_the_onboarding_deadline_and_a_proposal_waiting_for_the_lead(store):
    step(store, date(2025, 1, 13), propose("g1", "Tjugo sessioner", Q1, date(2025, 1, 13)))
    shown = status(store, "U_MAJA", date(2025, 1, 14))
    assert "Mål för Q1 2025" in shown
    assert "• Tjugo sessioner – föreslaget, inte godkänt ännu" in shown
    assert "▓░░░░░░░" not in shown and "░░░░░░░░ 0/20 sessioner" in shown
    assert "Sätt 1–3 SMART-mål senast den 21 januari 2025" in shown  # the onboarding deadline
    assert "Väntar på" in shown and "Bo Joel Kvarnsmyr: att godkänna ditt förslag Tjugo sessioner" in shown
    lead_view = status(store, "U_BO", date(2025, 1, 14))
    assert "Dig, från ditt team: 1 mål att godkänna och 0 att bekräfta" in lead_view


def test_q2_shows_the_revision_deadline_then_done_and_the_1_1_invited_then_held(store):
    step(store, date(2025, 1, 13), propose("g1", "Tjugo sessioner", Q1, date(2025, 1, 13)))
    step(store, date(2025, 1, 15), agree("g1", Q1, date(2025, 1, 15)))
    tick(store, date(2025, 4, 1))  # Q2 opens: g1 carried over
    shown = status(store, "U_MAJA", date(2025, 4, 2))
    assert "Mål för Q2 2025" in shown and "Tjugo sessioner – överenskommet (fört över från Q1 2025)" in shown
    assert "Kvartalets målrevidering: senast den 15 april 2025" in shown
    assert "21 januari" not in shown  # not the onboarding deadline any more
    assert "1:1 för Q2 2025: inbjudan skickad den 1 april 2025, inte markerat som genomfört ännu" in shown
    # A new goal agreed in Q2 revises the quarter (the carried-over one alone did not).
    step(store, date(2025, 4, 7), propose("g2", "Guida tio", Q2, date(2025, 4, 7)))
    assert store.get("cycles/maja:2025-Q2")["revision"]["done"] is False
    step(store, date(2025, 4, 8), agree("g2", Q2, date(2025, 4, 8)))
    assert store.get("cycles/maja:2025-Q2")["revision"] == {
        "deadline": "2025-04-15",
        "done": True,
        "doneOn": "2025-04-08",
    }
    reviews.mark_held("maja|2025-Q2", "U_BO", "1744102800.0", store)  # 8 April 2025, 11:00 Stockholm
    shown = status(store, "U_MAJA", date(2025, 4, 9))
    assert "Kvartalets målrevidering är klar (den 8 april 2025)" in shown
    assert "1:1 för Q2 2025: genomfört den 8 april 2025 ✅" in shown


def test_q3_after_carry_over_shows_progress_achievements_waiting_and_the_new_deadline(store):
    step(store, date(2025, 1, 13), propose("g1", "Tjugo sessioner", Q1, date(2025, 1, 13)))
    step(store, date(2025, 1, 15), agree("g1", Q1, date(2025, 1, 15)))
    tick(store, date(2025, 4, 1))
    step(store, date(2025, 5, 5), lambda plan: plan.with_progress("g1", Q2, 12, date(2025, 5, 5))[0])
    step(store, date(2025, 5, 6), propose("g2", "Guida tio", Q2, date(2025, 5, 6), by="lead"))
    step(store, date(2025, 5, 7), agree("g2", Q2, date(2025, 5, 7), by="employee"))
    step(store, date(2025, 6, 2), lambda plan: plan.with_progress("g2", Q2, 20, date(2025, 6, 2))[0])
    tick(store, date(2025, 7, 1))  # Q3 opens: g1 carried over again; g2 waits for Bo's confirmation in Q2
    shown = status(store, "U_MAJA", date(2025, 7, 2))
    assert "Tjugo sessioner – överenskommet (fört över från Q2 2025)" in shown
    assert "▓▓▓▓░░░░ 12/20 sessioner" in shown
    assert "Kvartalets målrevidering: senast den 15 juli 2025" in shown
    assert "1:1 för Q3 2025: inbjudan skickad den 1 juli 2025" in shown
    # Q2's achievement still awaits Bo's confirmation: shown, and waited for, until he answers
    assert "Guida tio – målet nått, väntar på bekräftelse" in shown and "att bekräfta att du nått Guida tio" in shown
    step(store, date(2025, 7, 3), propose("g3", "Senior Coach", Q3, date(2025, 7, 3), by="lead"))
    shown = status(store, "U_MAJA", date(2025, 7, 4))
    assert "Dig: Bo Joel Kvarnsmyr har föreslagit Senior Coach – godkänn eller föreslå en ändring" in shown
    step(store, date(2025, 7, 5), lambda plan: plan.with_progress("g1", Q3, 20, date(2025, 7, 5))[0])
    shown = status(store, "U_MAJA", date(2025, 7, 7))
    assert "Tjugo sessioner – målet nått, väntar på bekräftelse" in shown
    assert "Bo Joel Kvarnsmyr: att bekräfta att du nått Tjugo sessioner" in shown
    # Q3's Tjugo sessioner and Q2's Guida tio, which Bo has not answered yet
    assert "Dig, från ditt team: 0 mål att godkänna och 2 att bekräfta" in status(store, "U_BO", date(2025, 7, 7))


def test_kept_goals_and_a_held_1_1_revise_the_quarter_in_the_status_too(store):
    step(store, date(2025, 1, 13), propose("g1", "Tjugo sessioner", Q1, date(2025, 1, 13)))
    step(store, date(2025, 1, 15), agree("g1", Q1, date(2025, 1, 15)))
    tick(store, date(2025, 4, 1))
    assert "senast den 15 april 2025" in status(store, "U_MAJA", date(2025, 4, 2))
    reviews.mark_held("maja|2025-Q2", "U_MAJA", "1743667200.0", store)
    assert "Kvartalets målrevidering är klar." in status(store, "U_MAJA", date(2025, 4, 4))


def test_someone_unknown_or_without_goals_and_a_goal_without_a_number():
    store = InMemoryStore()
    assert "Jag hittar ingen utvecklingsplan" in plan_status_for("U_NOBODY", store, date(2025, 4, 2)).text
    store.set("employees/bo", person("Bo Joel Kvarnsmyr", lead=None, role="project_lead"))
    shown = status(store, "U_BO", date(2025, 1, 8))
    assert "Inga mål för Q1 2025 ännu." in shown and "Väntar på" not in shown
    assert "Projektledare:" not in shown and "Mentorskap: #dev, #coaching, #finance" in shown


def test_the_progress_bar_fills_by_eighths_and_never_overflows():
    goal = SmartGoal("g", Q1, Draft("Säkra finansiering", Measure("finansiering", 465865, unit="kr"), None, None, None))
    assert progress_bar("sv", replace(goal, progress=232932)) == "▓▓▓░░░░░ 232\u00a0932/465\u00a0865\u00a0kr"
    assert progress_bar("en", replace(goal, progress=500000)) == "▓▓▓▓▓▓▓▓ 500,000/465,865 SEK"
    assert progress_bar("sv", replace(goal, draft=replace(goal.draft, measure=None))) == ""


def test_a_deadline_passed_says_so(store):
    assert "Sätt 1–3 SMART-mål senast den 21 januari 2025" in status(store, "U_MAJA", date(2025, 1, 21))
    assert "skulle ha varit satta senast den 21 januari 2025" in status(store, "U_MAJA", date(2025, 1, 22))
    tick(store, date(2025, 4, 1))
    assert "skulle ha varit klar senast den 15 april 2025" in status(store, "U_MAJA", date(2025, 4, 16))
