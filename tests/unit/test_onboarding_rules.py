"""Onboarding decided as a pure function (domain/onboarding.py), like the cycle's rules."""

from __future__ import annotations

from datetime import UTC, date, datetime

from devplan.domain.employees import PENDING, WAITING_FOR_SLACK, WELCOMED, Employee
from devplan.domain.goals import GoalPlan
from devplan.domain.onboarding import decide, goal_deadline

NOW = datetime(2025, 1, 7, 8, tzinfo=UTC)
ANNA = Employee("anna", "Anna Lindqvist", "anna@innerjourney.se", "developer", "bo", date(2025, 1, 7))


def test_a_new_employee_with_slack_is_welcomed_invited_and_their_lead_told():
    decision = decide(ANNA, slack_user_id="U_ANNA", lead_slack_user_id="U_BO", now=NOW)
    assert decision.outcome == WELCOMED
    assert [(a.kind, a.outbox_id, a.to) for a in decision.actions] == [
        ("welcome", "welcome:anna", "U_ANNA"),
        ("channel_invite", "invite:dev:anna", "U_ANNA"),
        ("lead_notice_new", "lead-notice:new-employee:anna", "U_BO"),
    ]
    saved = decision.employee
    assert saved.onboarding == WELCOMED and saved.slack_user_id == "U_ANNA" and saved.welcomed_at == NOW
    assert saved.goals.deadline == date(2025, 1, 21) == goal_deadline(ANNA)


def test_a_project_lead_is_invited_to_every_mentoring_channel_and_has_no_one_to_tell():
    bo = Employee("bo", "Bo Kvarnsmyr", "bo@innerjourney.se", "project_lead", None, date(2025, 1, 2))
    decision = decide(bo, slack_user_id="U_BO", lead_slack_user_id=None, now=NOW)
    assert [a.channel for a in decision.actions if a.kind == "channel_invite"] == ["dev", "coaching", "finance"]
    assert not [a for a in decision.actions if a.kind.startswith("lead_notice")]


def test_without_a_slack_account_the_person_waits_once_and_the_lead_is_told_once():
    first = decide(ANNA, slack_user_id=None, lead_slack_user_id="U_BO", now=NOW)
    assert first.outcome == WAITING_FOR_SLACK and first.employee.onboarding == WAITING_FOR_SLACK
    assert [a.kind for a in first.actions] == ["lead_notice_no_slack"]
    again = decide(first.employee, slack_user_id=None, lead_slack_user_id="U_BO", now=NOW)
    assert again.outcome == WAITING_FOR_SLACK and again.employee is None and again.actions == ()


def test_the_welcomed_and_the_unknown_are_left_alone():
    welcomed = decide(ANNA, slack_user_id="U_ANNA", lead_slack_user_id=None, now=NOW).employee
    assert decide(welcomed, slack_user_id="U_ANNA", lead_slack_user_id="U_BO", now=NOW).actions == ()
    assert decide(None, slack_user_id="U_ANNA", lead_slack_user_id=None, now=NOW).outcome == "nothing_to_do"


def test_a_deadline_once_set_stands():
    set_earlier = Employee(**{**ANNA.__dict__, "goals": GoalPlan(deadline=date(2025, 2, 3)), "onboarding": PENDING})
    assert decide(set_earlier, slack_user_id="U", lead_slack_user_id=None, now=NOW).employee.goals.deadline == date(
        2025, 2, 3
    )
