"""`employee.updated` and `employee.offboarded`: one transaction each, claimed once.

An update writes the facts it is newer for (each fact keeps its own time: domain/lifecycle.py)
and one audit entry per fact that moved; what follows happens only for a role or lead that
moved. A new role invites them to its mentoring channels (the advancement path is read from
the role, so it follows by itself). A new lead takes over from now on: this quarter's 1:1 invite (if not held
yet) and everything waiting for the lead (goals to agree, achievements to confirm, training
requests over budget, the Senior Coach question) are sent again to the new lead, under ids
naming that lead (so each is sent once per lead); the old lead's buttons then answer that
they are not theirs, as the lead is read at the click. History stays as it was.

Offboarding stops everything: the daily tick skips anyone not active, their pending outbox
messages are cancelled, clicks on buttons about them and later platform events naming them
are acknowledged and ignored with a log line, and their own commands, clicks and modals are
answered politely and change nothing. As a lead they are nobody's from then on
(services/leads.py). Nothing of their history is removed (erasure is services/privacy.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
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
from devplan.domain.meeting_notes import held_with
from devplan.domain.outbox import OutboxMessage, named
from devplan.domain.wallet import PENDING as WALLET_PENDING
from devplan.errors import UnusableRecord
from devplan.messages import lifecycle as render
from devplan.messages.blocks import Rendered
from devplan.services import goal_notices, home_refresh, senior_coach, wallet
from devplan.services.cycle_actions import Turn, open_quarter
from devplan.services.inputs import PlatformEvent, SlackRequest, SlackRoute
from devplan.services.leads import active_lead
from devplan.services.ports import Store, UnitOfWork
from devplan.services.slack_replies import answer_click, ephemeral

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
        if is_stale(employee, update):
            return "stale"  # every fact it names was set by an update as new or newer: they stand
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
ASKED = ("command", "block_actions", "view_submission")  # what a person does (events are Slack's)


def stop_offboarded(store: Store, routes: Routes, closed: Callable[[], dict[str, Any]]) -> Routes:
    """Someone offboarded typing a command, clicking or submitting a modal, and anyone clicking a
    button about someone offboarded: answered politely, nothing changes. `closed`: the answer that
    closes a submitted modal (the polite answer goes as a DM, as for a click)."""

    def guarded(route: SlackRoute) -> SlackRoute:
        def handle(request: SlackRequest) -> dict[str, Any]:
            # The plan's record of this Slack account: an active one if there is (a rehire), so
            # only someone who has left is stopped. One query, as each route's own lookup.
            asker = store.employee_with_slack_user(request.user_id) if request.user_id else None
            if asker is None or not is_offboarded(asker):
                return about_offboarded(request, asker) if request.kind == "block_actions" else route(request)
            log.info("%s %s by offboarded %s answered and ignored", request.kind, request.name, asker.employee_id)
            shown = render.plan_closed(asker.language)
            if request.kind == "command":
                return {"outcome": IGNORED, **ephemeral(shown)}
            answered = answer_click(store, request.user_id, f"offboarded-self:{asker.employee_id}", shown, IGNORED)
            return answered if request.kind == "block_actions" else closed()

        def about_offboarded(request: SlackRequest, clicker: Employee | None) -> dict[str, Any]:
            """Every button's value starts with the id of the person it is about."""
            value = (request.payload.get("actions") or [{}])[0].get("value") or ""
            person_id = value.split("|")[0]
            try:
                person = store.employee(person_id) if is_valid_id(person_id) else None
            except UnusableRecord:  # the route itself answers for a record it cannot read
                person = None
            if person is None or not is_offboarded(person):
                return route(request)
            log.info("click on %s for offboarded %s answered and ignored", request.name, person_id)
            shown = render.offboarded_click(clicker.language if clicker else "sv", person.name)
            return answer_click(store, request.user_id, f"offboarded:{person_id}", shown, IGNORED)

        return handle

    return {key: guarded(r) if key[0] in ASKED else r for key, r in routes.items()}
