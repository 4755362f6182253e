"""A new employee's first steps as a pure decision: from what is known now to what to do.

The service (services/onboarding.py) looks people up in Slack, loads the records, asks
`decide` and applies the answer in one transaction: the employee record to save (None:
write nothing, since our own write would trigger us again) and the messages to send,
each with a deterministic outbox id so a second run sends nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import TypeGuard

from devplan.domain.employees import MENTORING_CHANNELS, WAITING_FOR_SLACK, WELCOMED, Employee
from devplan.domain.goals import first_goal_deadline
from devplan.domain.lifecycle import is_offboarded

NOTHING_TO_DO = "nothing_to_do"


@dataclass(frozen=True)
class OnboardingAction:
    kind: str  # welcome | channel_invite | lead_notice_new | lead_notice_no_slack
    outbox_id: str
    to: str  # the Slack user id it goes to (or who is invited)
    channel: str | None = None  # for channel_invite


@dataclass(frozen=True)
class OnboardingDecision:
    outcome: str  # welcomed | waiting_for_slack | nothing_to_do
    employee: Employee | None  # the record to save; None: write nothing
    actions: tuple[OnboardingAction, ...] = ()


def needs_onboarding(employee: Employee | None) -> TypeGuard[Employee]:
    """Not welcomed yet, and still here: someone offboarded before their welcome (or erased as
    they were onboarded, services/privacy.py) is never welcomed nor looked for in Slack."""
    return employee is not None and employee.onboarding != WELCOMED and not is_offboarded(employee)


def goal_deadline(employee: Employee) -> date:
    """The first goals' deadline: once set at onboarding it stays, even if rules change."""
    return employee.goals.deadline or first_goal_deadline(employee.start_date)


def decide(
    employee: Employee | None, *, slack_user_id: str | None, lead_slack_user_id: str | None, now: datetime
) -> OnboardingDecision:
    """`slack_user_id`: the person's account if Slack knows it now; `lead_slack_user_id` likewise."""
    if not needs_onboarding(employee):
        return OnboardingDecision(NOTHING_TO_DO, None)
    planned = replace(employee, goals=replace(employee.goals, deadline=goal_deadline(employee)))
    who = employee.employee_id
    if slack_user_id is None:
        if employee.onboarding == WAITING_FOR_SLACK:
            return OnboardingDecision(WAITING_FOR_SLACK, None)  # already waiting: no write
        notice = (
            (OnboardingAction("lead_notice_no_slack", f"lead-notice:no-slack:{who}", lead_slack_user_id),)
            if lead_slack_user_id
            else ()
        )
        return OnboardingDecision(WAITING_FOR_SLACK, replace(planned, onboarding=WAITING_FOR_SLACK), notice)
    actions = [OnboardingAction("welcome", f"welcome:{who}", slack_user_id)]
    actions += [
        OnboardingAction("channel_invite", f"invite:{channel}:{who}", slack_user_id, channel)
        for channel in MENTORING_CHANNELS[employee.role]
    ]
    if lead_slack_user_id:
        actions.append(OnboardingAction("lead_notice_new", f"lead-notice:new-employee:{who}", lead_slack_user_id))
    welcomed = replace(planned, slack_user_id=slack_user_id, onboarding=WELCOMED, welcomed_at=now)
    return OnboardingDecision(WELCOMED, welcomed, tuple(actions))
