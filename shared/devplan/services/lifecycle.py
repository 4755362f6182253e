"""`employee.updated` and `employee.offboarded`: one transaction each, claimed once.

An update writes the person's new facts and one audit entry per fact that moved. A new role
invites them to its mentoring channels (the advancement path is read from the role, so it
follows by itself). A new lead takes over from now on: this quarter's 1:1 invite (if not held
yet) and everything waiting for the lead (goals to agree, achievements to confirm, training
requests over budget, the Senior Coach question) are sent again to the new lead, under ids
naming that lead (so each is sent once per lead); the old lead's buttons then answer that
they are not theirs, as the lead is read at the click. History stays as it was.

Offboarding stops everything: the daily tick skips anyone not active, their pending outbox
messages are cancelled, clicks on buttons about them and later platform events naming them
are acknowledged and ignored with a log line. Nothing of their history is removed (erasure
is services/privacy.py).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date, datetime
from typing import Any, cast

from devplan.domain.audit import LIFECYCLE, AuditEntry
from devplan.domain.calendar import Quarter, stockholm_date
from devplan.domain.cycle import Action
from devplan.domain.cycle_record import HELD
from devplan.domain.employees import Employee
from devplan.domain.goal import AWAITING, LEAD, PROPOSED
from devplan.domain.ids import is_valid_id
from devplan.domain.lifecycle import (
    Change,
    apply_update,
    is_offboarded,
    is_stale,
    offboard,
    parse_offboarding,
    parse_update,
)
from devplan.domain.outbox import OutboxMessage, named
from devplan.domain.wallet import PENDING as WALLET_PENDING
from devplan.errors import UnusableRecord
from devplan.messages import lifecycle as render
from devplan.messages.blocks import Rendered
from devplan.services import goal_notices, home_refresh, senior_coach, wallet
from devplan.services.cycle_actions import Turn, open_quarter
from devplan.services.inputs import PlatformEvent, SlackRequest, SlackRoute
from devplan.services.ports import Store, UnitOfWork
from devplan.services.slack_replies import answer_click

log = logging.getLogger(__name__)
UNKNOWN_EMPLOYEE = "unknown_employee"  # held_events holds the event until the person exists
IGNORED = "offboarded"  # the answer to anything about someone offboarded
EVENTS = ("employee.updated", "employee.offboarded")


def update_employee(event: PlatformEvent, store: Store) -> str:
    update = parse_update(event.data, event.occurred_at)

    def work(uow: UnitOfWork) -> str:
        employee = uow.employee(update.employee_id)
        if employee is None:
            return UNKNOWN_EMPLOYEE
        if not uow.claim(f"platform:{event.id}"):
            return "duplicate"
        if is_offboarded(employee):
            return IGNORED
        if is_stale(employee, event.occurred_at):
            return "stale"  # a newer update was applied already: it stands
        change = apply_update(employee, update)
        uow.change_employee(change.after)
        for field in change.fields:
            uow.record(_audit(event, change.after, _ACTIONS[field], _detail(change, field)))
        if change.role_moved:
            _moved_role(uow, change, event.occurred_at)
        if change.lead_moved:
            _moved_lead(uow, change, event.occurred_at)
        if change.fields:  # the person's Home, the new lead's team table and the old lead's
            home_refresh.refresh(uow, change.after, also=change.before.lead_id if change.lead_moved else None)
        return "updated" if change.fields else "unchanged"

    outcome = store.atomically(work)
    if outcome == IGNORED:  # logged once, outside the transaction (which may run more than once)
        _ignored(event, update.employee_id)
    return event.logged(log, update.employee_id, outcome)


def offboard_employee(event: PlatformEvent, store: Store) -> str:
    employee_id = parse_offboarding(event.data)

    def work(uow: UnitOfWork) -> str:
        employee = uow.employee(employee_id)
        if employee is None:
            return UNKNOWN_EMPLOYEE
        if not uow.claim(f"platform:{event.id}"):
            return "duplicate"
        if is_offboarded(employee):
            return "already_offboarded"
        # Final whatever its time: a later update cannot bring someone back.
        cancelled = _leave(uow, employee, max(event.occurred_at, employee.lifecycle_at or event.occurred_at))
        uow.record(_audit(event, employee, "offboarded", {"cancelledMessages": len(cancelled)}))
        return "offboarded"

    return event.logged(log, employee_id, store.atomically(work))


def offboard_for_erasure(store: Store, employee_id: str) -> None:
    """Erasure's first step (services/privacy.py), while their Slack id is still known: offboarded
    as the platform's event would, their Home cleared and their lead's refreshed. Nothing for
    someone unknown, offboarded already, or whose record cannot be read (erasure goes on)."""

    def work(uow: UnitOfWork) -> None:
        try:
            employee = uow.employee(employee_id)
        except UnusableRecord:
            return
        if employee is None or is_offboarded(employee):
            return
        cancelled = _leave(uow, employee, uow.now)
        detail = {"cancelledMessages": len(cancelled)}
        uow.record(
            AuditEntry(
                f"lifecycle:{employee_id}:offboarded:erasure",
                employee_id,
                LIFECYCLE,
                "offboarded",
                None,
                uow.now,
                None,
                detail,
            )
        )

    store.atomically(work)


def _leave(uow: UnitOfWork, employee: Employee, at: datetime) -> list[str]:
    """Offboarded at `at`: pending messages to them cancelled, then their Home cleared and the
    lead's table without them (the refresh after the cancelling, so it is sent)."""
    leaving = offboard(employee, at)
    uow.change_employee(leaving)
    cancelled = uow.cancel_pending_outbox(employee.slack_user_id, "offboarded") if employee.slack_user_id else []
    home_refresh.refresh(uow, leaving)
    if cancelled:
        log.info("outbox for offboarded %s cancelled: %s", employee.employee_id, ", ".join(cancelled))
    return cancelled


def _ignored(event: PlatformEvent, employee_id: str) -> str:
    log.info(
        "%s %s for %s acknowledged and ignored: %s is offboarded",
        event.type,
        event.id,
        employee_id,
        employee_id,
        extra={"eventId": event.id, "employeeId": employee_id, "outcome": IGNORED},
    )
    return IGNORED


def is_about_offboarded(event: PlatformEvent, field: str, store: Store) -> bool:
    """Whether a platform event names someone offboarded (its `field`: employeeId or coachId);
    then it is acknowledged and ignored. An id that is not one is left to the handler to refuse."""
    employee_id = event.data.get(field)
    if not is_valid_id(employee_id):
        return False
    employee = store.employee(str(employee_id))
    if employee is None or not is_offboarded(employee):
        return False
    _ignored(event, employee.employee_id)
    return True


_ACTIONS = {"name": "name_changed", "email": "email_changed", "role": "role_changed", "leadId": "lead_changed"}


def _detail(change: Change, field: str) -> dict[str, Any]:
    """Roles and leads by value (ids, no personal data); a name or e-mail only as "changed"."""
    if field == "role":
        return {"from": change.before.role, "to": change.after.role}
    if field == "leadId":
        return {"from": change.before.lead_id or "", "to": change.after.lead_id or ""}
    return {}


def _audit(event: PlatformEvent, employee: Employee, action: str, detail: dict[str, Any]) -> AuditEntry:
    # Keyed by the event: the same change delivered twice is one entry (the claim stops it first).
    return AuditEntry(
        f"lifecycle:{employee.employee_id}:{action}:{event.id}",
        employee.employee_id,
        LIFECYCLE,
        action,
        None,
        event.occurred_at,
        None,
        detail,
    )


def _moved_role(uow: UnitOfWork, change: Change, at: datetime) -> None:
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


def _moved_lead(uow: UnitOfWork, change: Change, at: datetime) -> None:
    person, previous = change.after, change.before.lead_id
    lead = uow.employee(person.lead_id) if person.lead_id else None
    today = stockholm_date(at)
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
    if not to.slack_user_id:
        log.warning("%s for %s waits: no Slack account", topic, to.employee_id, extra={"employeeId": to.employee_id})
        return
    message = OutboxMessage(message_id, users=(to.slack_user_id,), text=rendered.text, blocks=rendered.blocks)
    uow.emit(replace(message, topic=topic, about=named(*about)))


class _Readdressed:
    """The transaction, with every message it emits under an id naming the new lead: the same
    ask as before (the same renderer, the same buttons), sent once more, to the new lead."""

    def __init__(self, uow: UnitOfWork, suffix: str):
        self._uow, self._suffix = uow, suffix

    def emit(self, message: OutboxMessage) -> bool:
        return self._uow.emit(replace(message, id=f"{message.id}:{self._suffix}"))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._uow, name)


Routes = dict[tuple[str, str], SlackRoute]


def stop_clicks_for_offboarded(store: Store, routes: Routes) -> Routes:
    """Buttons about someone offboarded (every button's value starts with the person's id)
    answer politely and change nothing."""

    def guarded(route: SlackRoute) -> SlackRoute:
        def handle(request: SlackRequest) -> dict[str, Any]:
            value = (request.payload.get("actions") or [{}])[0].get("value") or ""
            person_id = value.split("|")[0]
            try:
                person = store.employee(person_id) if is_valid_id(person_id) else None
            except UnusableRecord:  # the route itself answers for a record it cannot read
                person = None
            if person is None or not is_offboarded(person):
                return route(request)
            log.info("click on %s for offboarded %s answered and ignored", request.name, person_id)
            clicker = store.employee_with_slack_user(request.user_id)
            shown = render.offboarded_click(clicker.language if clicker else "sv", person.name)
            return answer_click(store, request.user_id, f"offboarded:{person_id}", shown, IGNORED)

        return handle

    return {key: guarded(r) if key[0] == "block_actions" else r for key, r in routes.items()}
