"""A new employee's first steps: goal deadline, welcome DM, mentoring channel, word to the lead.

Runs on every write of employees/{id} (at least once, in any order); the decision is the
domain's (domain/onboarding.py), and the employee's onboarding status and deterministic
outbox ids make every run after the first a no-op. Without a Slack account the employee
waits, the lead is told, and the welcome goes out when Slack reports the account (team_join,
services/slack_accounts.py) or the daily `catch_up` finds it.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from devplan.domain.employees import PENDING, WAITING_FOR_SLACK, Employee
from devplan.domain.language import chosen_language
from devplan.domain.onboarding import OnboardingAction, decide, goal_deadline, needs_onboarding
from devplan.domain.outbox import OutboxMessage, named
from devplan.errors import can_never_succeed
from devplan.messages import onboarding as render
from devplan.services import held_events
from devplan.services.inputs import EmployeeWritten
from devplan.services.leads import active_lead
from devplan.services.ports import DeadLetters, Slack, Store, UnitOfWork
from devplan.services.slack_accounts import link_account

log = logging.getLogger(__name__)


def _slack_user(person: Employee | None, slack: Slack) -> str | None:
    """Network look-ups stay outside the transaction, which may run several times."""
    if person is None:
        return None
    return person.slack_user_id or slack.lookup_user_id(person.email)


def welcome_new_employee(written: EmployeeWritten, store: Store, slack: Slack) -> str:
    # The write's payload first (most writes are of people welcomed long ago: no read), then the
    # record as it is now: the payload may predate an erasure or offboarding, and Slack is asked
    # about no one who has gone since.
    if not needs_onboarding(written.employee):
        return "nothing_to_do"
    after = store.employee(written.employee_id)
    if not needs_onboarding(after):
        return "nothing_to_do"
    user_id = _slack_user(after, slack)
    lead = active_lead(store, after)
    # The lead may be onboarded in the same minute and not linked to Slack yet: ask Slack.
    lead_user = _slack_user(lead, slack)
    team = store.employees_led_by(after.employee_id) if after.role == "project_lead" else []
    locale = _slack_locale(after, user_id, slack)

    def work(uow: UnitOfWork) -> str:
        if not uow.claim(f"firestore:{written.event_id}"):
            return "duplicate"
        employee = _with_language(uow.employee(written.employee_id), locale)
        decision = decide(employee, slack_user_id=user_id, lead_slack_user_id=lead_user, now=uow.now)
        if employee is not None and decision.employee is not None:
            for action in decision.actions:
                uow.emit(_message(action, employee, lead, team))
            uow.save_employee(decision.employee)
        return decision.outcome

    outcome = store.atomically(work)
    log.info(
        "onboarding %s: %s",
        written.employee_id,
        outcome,
        extra={"eventId": written.event_id, "employeeId": written.employee_id, "outcome": outcome},
    )
    return outcome


def _slack_locale(person: Employee, user_id: str | None, slack: Slack) -> str | None:
    """The Slack account's locale, asked once: when the account is found and the person's
    language is not decided yet (the platform's choice wins, domain/language.py)."""
    if user_id is None or person.language_from is not None:
        return None
    return slack.user_locale(user_id) or ""  # "": Slack knows none; decided, Swedish


def _with_language(employee: Employee | None, locale: str | None) -> Employee | None:
    if employee is None or employee.language_from is not None or locale is None:
        return employee
    language, source = chosen_language(None, locale)
    return replace(employee, language=language, language_from=source)


# The catalog key of each notice to the lead (domain/onboarding.py names the actions).
_LEAD_NOTICES = {"lead_notice_new": "new_employee", "lead_notice_no_slack": "no_slack"}


def _message(
    action: OnboardingAction, employee: Employee, lead: Employee | None, team: Sequence[Employee]
) -> OutboxMessage:
    """What an onboarding action says, and its topic (for logs and the demo timeline); about the
    new employee (and a new lead's welcome about the team it names)."""
    if action.kind == "channel_invite":
        return OutboxMessage(
            action.outbox_id,
            kind="invite",
            channel=action.channel,
            users=(action.to,),
            topic=f"invite to #{action.channel}",
            about=(employee.employee_id,),
        )
    about: tuple[str, ...] = (employee.employee_id,)
    deadline = goal_deadline(employee)
    if action.kind == "welcome":
        rendered = render.welcome(
            lang=employee.language,
            name=employee.name,
            role=employee.role,
            lead_name=lead.name if lead else None,
            deadline=deadline,
            team=[e.name for e in team],
        )
        topic = "welcome"
        about = named(employee, lead, *team)
    else:
        rendered = render.lead_notice(
            lang=lead.language if lead else employee.language,  # to the lead, in the lead's language
            key=_LEAD_NOTICES[action.kind],
            name=employee.name,
            role=employee.role,
            email=employee.email,
            start_date=employee.start_date,
            deadline=deadline,
        )
        topic = "lead notice"
    return OutboxMessage(
        action.outbox_id, users=(action.to,), text=rendered.text, blocks=rendered.blocks, topic=topic, about=about
    )


# users.lookupByEmail is Tier 3 (about 50 a minute): the daily catch-up stays well below it.
CATCH_UP_LIMIT = 40


def catch_up(
    store: Store, slack: Slack, now: datetime, dead_letters: DeadLetters | None = None, *, run_id: str
) -> dict[str, int]:
    """Daily: onboarding that never finished (its trigger gave up, a team_join was missed) is
    run again, and platform events held for someone who has arrived since are applied
    (services/held_events.py: what a crash between onboarding and release left). A random
    sample, so people who never get an account cannot starve the rest.
    Each person on their own: whatever one of them raises, the rest of the sample goes on; what
    can never succeed (an unreadable record, a value no date can hold) is set aside as a dead
    letter (`dead_letters`, once per person), what may pass (Slack or Firestore unavailable)
    is tried again tomorrow. Each person handled is reported `processed`: a replay of their
    letter is settled only when the sample included them.
    Held events first: an erasure among them must be applied before anyone is welcomed."""
    outcome = {f"held_{result}": count for result, count in held_events.release_all(store, now).items()}
    # Someone who left before their welcome keeps that status: never welcomed, never looked for
    # in Slack, and not worth a place in the sample, which would crowd out people still arriving.
    candidates = [e for e in store.employees_onboarding([PENDING, WAITING_FOR_SLACK]) if e.active]
    for employee in random.sample(candidates, min(len(candidates), CATCH_UP_LIMIT)):
        try:
            if employee.onboarding == WAITING_FOR_SLACK:
                user_id = slack.lookup_user_id(employee.email)
                result = "linked" if user_id and link_account(employee.email, user_id, store) else "still_waiting"
            else:
                written = EmployeeWritten(f"catch-up:{run_id}:{employee.employee_id}", employee.employee_id, employee)
                result = welcome_new_employee(written, store, slack)
            if dead_letters is not None:
                dead_letters.processed("employee", employee.employee_id)
        except Exception as exc:  # logged; the rest of the sample goes on
            result = "unusable" if can_never_succeed(exc) else "still_failing"
            log.error(
                "onboarding catch-up of %s: %s: %r",
                employee.employee_id,
                result,
                exc,
                extra={"employeeId": employee.employee_id},
            )
            if result == "unusable" and dead_letters is not None:
                dead_letters.set_aside("employee", employee.employee_id, exc)
        outcome[result] = outcome.get(result, 0) + 1
    if outcome:
        log.info("onboarding catch-up: %s", outcome, extra=outcome)
    return outcome
