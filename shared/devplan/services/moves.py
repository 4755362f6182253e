"""What follows a new role or a new lead (services/lifecycle.py applies the change itself).

A new role invites the person to its mentoring channels (onboarding's outbox ids, so once per
channel). A new lead takes over from now on: this quarter's 1:1 invite (if not held yet) and
everything waiting for the lead (goals to agree, achievements to confirm, training requests over
budget, the Senior Coach question) are sent again to the new lead, under ids naming that lead (so
each is sent once per lead); the 1:1 notes written with the old lead stay that pair's.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date, datetime
from typing import Any, cast

from devplan.domain.calendar import Quarter, stockholm_date
from devplan.domain.cycle import Action
from devplan.domain.cycle_record import HELD
from devplan.domain.employees import Employee
from devplan.domain.goal import AWAITING, LEAD, PROPOSED
from devplan.domain.lifecycle import (
    Change,
)
from devplan.domain.meeting_notes import held_with
from devplan.domain.outbox import OutboxMessage
from devplan.domain.wallet import PENDING as WALLET_PENDING
from devplan.messages import lifecycle as render
from devplan.messages.blocks import Rendered
from devplan.services import goal_notices, money_notices, senior_coach, wallet
from devplan.services.cycle_actions import Turn, open_quarter
from devplan.services.leads import active_lead
from devplan.services.ports import UnitOfWork

log = logging.getLogger(__name__)


def moved_role(uow: UnitOfWork, change: Change, at: datetime) -> None:
    person = change.after
    if not person.slack_user_id:
        log.warning("role change of %s: no Slack account yet", person.employee_id)
        return
    for channel in change.new_channels:  # onboarding's id: invited once per channel, whatever the order
        uow.emit(
            OutboxMessage(
                f"invite:{channel}:{person.employee_id}",
                kind="invite",
                channel=channel,
                users=(person.slack_user_id,),
                topic=f"invite to #{channel}",
                about=(person.employee_id,),
            )
        )
    told = render.role_changed(person.language, person.role, change.new_channels)
    _dm(uow, f"role-changed:{person.employee_id}:{person.role}:{at.isoformat()}", person, told, "role changed", person)


def moved_lead(uow: UnitOfWork, change: Change, at: datetime) -> None:
    person, previous = change.after, change.before.lead_id
    lead = active_lead(uow, person)  # a new lead already offboarded: as one not onboarded yet
    today = stockholm_date(at)
    if previous:
        _keep_notes_with(uow, person, previous, today)
    previous_lead = uow.employee(previous) if previous else None
    if lead is not None:
        readdressed = cast(UnitOfWork, _Readdressed(uow, f"lead-{lead.employee_id}"))
        waiting = _move_approvals(readdressed, person, lead, today.year)
        senior_coach.consider(readdressed, person.employee_id, today)  # asks only if due
        _move_review(readdressed, person, lead, today)
        told = render.lead_changed_lead(
            lead.language, person.name, previous_lead.name if previous_lead else previous, waiting
        )
        _dm(
            uow,
            f"lead-changed:{person.employee_id}:{lead.employee_id}:{at.isoformat()}",
            lead,
            told,
            "new lead",
            person,
            previous_lead,
        )
        told = render.lead_changed_employee(person.language, lead.name)
        _dm(uow, f"lead-changed:{person.employee_id}:{at.isoformat()}", person, told, "lead changed", person, lead)
    elif person.lead_id:
        log.warning("new lead %s of %s is not onboarded yet: approvals wait", person.lead_id, person.employee_id)


def _keep_notes_with(uow: UnitOfWork, person: Employee, previous: str, today: date) -> None:
    """The 1:1 notes the person wrote with the lead they leave stay that pair's (the ones `/utveckling
    anteckningar` reads: this quarter's and last), also those written before the lead was kept."""
    quarter = Quarter.of(today)
    for cycle in [uow.cycle(person.employee_id, q) for q in (quarter, quarter.previous())]:
        kept = held_with(cycle, previous)
        if kept != cycle:
            uow.save_cycle(kept)


def _move_approvals(uow: UnitOfWork, person: Employee, lead: Employee, year: int) -> dict[str, int]:
    """What waited for the old lead, asked again of the new one (the lead is read at the click)."""
    waiting = {"goals": 0, "achievements": 0, "requests": 0}
    for goal in person.goals.items:
        if goal.status == PROPOSED and goal.waiting_for == LEAD:
            waiting["goals"] += goal_notices.proposal(uow, person, lead, goal)
        elif goal.status == AWAITING:
            waiting["achievements"] += goal_notices.achievement_request(uow, person, lead, goal)
    book = uow.wallet(person.employee_id, year, person.training_budget_sek)
    for request in book.requests.values():
        if request.status == WALLET_PENDING:
            wallet.ask_lead(uow, person, lead, book, request)
            waiting["requests"] += 1
    return waiting


def _move_review(uow: UnitOfWork, person: Employee, lead: Employee, today: date) -> None:
    """This quarter's 1:1, invited and not held yet: the invite again, to the new pair (the same
    agenda; the cycle keeps the day of the first invite)."""
    quarter = Quarter.of(today)
    cycle = uow.cycle(person.employee_id, quarter)
    if cycle.opened_on is None or cycle.review.status == HELD:
        return
    turn = Turn(uow, person, lead, quarter, today, uow.cycle(person.employee_id, quarter.previous()))
    open_quarter(turn, Action("open_quarter", "open"), cycle)


def _dm(
    uow: UnitOfWork, message_id: str, to: Employee, rendered: Rendered, topic: str, *about: Employee | None
) -> None:
    money_notices.dm(uow, message_id, to, rendered, topic, about=about)


class _Readdressed:
    """The transaction, with every message it emits under an id naming the new lead: the same
    ask as before (the same renderer, the same buttons), sent once more, to the new lead."""

    def __init__(self, uow: UnitOfWork, suffix: str):
        self._uow, self._suffix = uow, suffix

    def emit(self, message: OutboxMessage) -> bool:
        return self._uow.emit(replace(message, id=f"{message.id}:{self._suffix}"))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._uow, name)
