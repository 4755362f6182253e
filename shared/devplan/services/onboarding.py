"""A new employee's first steps: goal deadline, welcome DM, mentoring channel, word to the lead.

Runs on every write of employees/{id} (at least once, in any order); the employee's
onboarding status and deterministic outbox ids make every run after the first a no-op.
Without a Slack account (users_not_found) the employee waits, the lead is told, and the
welcome goes out when Slack reports the account (team_join, services/slack_accounts.py) or
the daily `catch_up` finds it.
"""
from __future__ import annotations

import logging
import random
from datetime import date, datetime
from typing import Any

from devplan.adapters import messages
from devplan.adapters.events import DocumentChange
from devplan.domain.calendar import Quarter
from devplan.domain.employees import MENTORING_CHANNELS
from devplan.domain.goals import first_goal_deadline
from devplan.domain.outbox import OutboxMessage
from devplan.errors import TransientError
from devplan.services.slack_accounts import link_account

log = logging.getLogger(__name__)
WELCOMED, WAITING_FOR_SLACK = "welcomed", "waiting_for_slack"


def slack_user_of(employee: dict[str, Any] | None) -> str | None:
    return ((employee or {}).get("slack") or {}).get("userId")


def _deadline(employee: dict[str, Any]) -> date:
    goals = employee.get("goals") or {}
    if goals.get("deadline"):
        return date.fromisoformat(goals["deadline"])
    return first_goal_deadline(date.fromisoformat(employee["startDate"]))


def welcome_new_employee(change: DocumentChange, store: Any, slack: Any) -> str:
    after = change.after
    if after is None or (after.get("onboarding") or {}).get("status") == WELCOMED:
        return "nothing_to_do"
    employee_id, path = change.document_id, change.path
    # Network look-ups stay outside the transaction, which may run several times.
    user_id = slack_user_of(after) or slack.lookup_user_id(after["email"])
    lead = store.get(f"employees/{after['leadId']}") if after.get("leadId") else None
    # The lead may be onboarded in the same minute and not linked to Slack yet: ask Slack.
    lead_user = slack_user_of(lead) or (slack.lookup_user_id(lead["email"]) if lead else None)
    team = [d["name"] for _, d in store.find("employees", "leadId", employee_id)] \
        if after["role"] == "project_lead" else []

    def work(uow: Any) -> str:
        if not uow.claim(f"firestore:{change.event_id}"):
            return "duplicate"
        employee = uow.get(path)
        status = ((employee or {}).get("onboarding") or {}).get("status")
        if employee is None or status == WELCOMED:
            return "nothing_to_do"
        deadline = _deadline(employee)
        lang = employee.get("language", "sv")
        update: dict[str, Any] = {"goals": {"deadline": deadline.isoformat(),
                                            "quarter": Quarter.of(deadline).key}}
        facts = dict(lang=lang, name=employee["name"], role=employee["role"], email=employee["email"],
                     start_date=date.fromisoformat(employee["startDate"]), deadline=deadline)
        if user_id is None:
            if status == WAITING_FOR_SLACK:
                return WAITING_FOR_SLACK      # no write: our own write would trigger us again
            if lead_user:
                notice = messages.lead_notice(key="no_slack", **facts)
                uow.emit(OutboxMessage(f"lead-notice:no-slack:{employee_id}", users=(lead_user,),
                                       text=notice.text, blocks=notice.blocks, topic="lead notice"))
            uow.put(path, {**update, "onboarding": {"status": WAITING_FOR_SLACK}})
            return WAITING_FOR_SLACK
        welcome = messages.welcome(lang=lang, name=employee["name"], role=employee["role"],
                                   lead_name=(lead or {}).get("name"), deadline=deadline, team=team)
        uow.emit(OutboxMessage(f"welcome:{employee_id}", users=(user_id,), text=welcome.text,
                               blocks=welcome.blocks, topic="welcome"))
        for channel in MENTORING_CHANNELS[employee["role"]]:
            uow.emit(OutboxMessage(f"invite:{channel}:{employee_id}", kind="invite", channel=channel,
                                   users=(user_id,), topic=f"invite to #{channel}"))
        if lead_user:
            notice = messages.lead_notice(key="new_employee", **facts)
            uow.emit(OutboxMessage(f"lead-notice:new-employee:{employee_id}", users=(lead_user,),
                                   text=notice.text, blocks=notice.blocks, topic="lead notice"))
        uow.put(path, {**update, "slack": {"userId": user_id},
                       "onboarding": {"status": WELCOMED, "welcomedAt": uow.now}})
        return WELCOMED

    outcome = store.atomically(work)
    log.info("onboarding %s: %s", employee_id, outcome, extra={"eventId": change.event_id,
                                                               "employeeId": employee_id, "outcome": outcome})
    return outcome


# users.lookupByEmail is Tier 3 (about 50 a minute): the daily catch-up stays well below it.
CATCH_UP_LIMIT = 40


def catch_up(store: Any, slack: Any, now: datetime, *, run_id: str) -> dict[str, int]:
    """Daily: onboarding that never finished (its trigger gave up, a team_join was missed) is
    run again. A random sample, so people who never get an account cannot starve the rest."""
    candidates = store.find("employees", "onboarding.status", "pending") + \
        store.find("employees", "onboarding.status", WAITING_FOR_SLACK)
    outcome: dict[str, int] = {}
    for employee_id, employee in random.sample(candidates, min(len(candidates), CATCH_UP_LIMIT)):
        change = DocumentChange(f"catch-up:{run_id}:{employee_id}", "catch-up", now,
                                f"employees/{employee_id}", None, employee)
        try:
            if (employee.get("onboarding") or {}).get("status") == WAITING_FOR_SLACK:
                user_id = slack.lookup_user_id(employee["email"])
                result = "linked" if user_id and link_account(employee["email"], user_id, store) else "still_waiting"
            else:
                result = welcome_new_employee(change, store, slack)
        except TransientError as exc:
            log.error("onboarding catch-up of %s failed: %s", employee_id, exc, extra={"employeeId": employee_id})
            result = "still_failing"
        outcome[result] = outcome.get(result, 0) + 1
    if outcome:
        log.info("onboarding catch-up: %s", outcome, extra=outcome)
    return outcome
