"""`employee.updated` and `employee.offboarded`: one transaction each, claimed once.

An update writes the facts it wins (each keeps its own time: domain/lifecycle.py) and one audit
entry per fact it names, won or not: what the platform said, by its time, the same whatever the
order (history reads it with domain/lifecycle.py's `trail`). What follows happens only for a role
or lead that moved, and only for someone still here (for someone offboarded the facts are
recorded and nothing wakes). A new role invites them to its mentoring channels (the advancement
path follows the role). A new lead takes over from now on: this quarter's 1:1 invite (if not
held yet) and everything waiting for the lead (goals to agree, achievements to confirm, training
requests over budget, the Senior Coach question) are sent again to the new lead, under ids
naming that lead (so each is sent once per lead); the old lead's buttons then answer that
they are not theirs, as the lead is read at the click. History stays as it was.

Offboarding stops everything: the daily tick skips anyone not active, their pending outbox
messages are cancelled, clicks on buttons about them and later platform events naming them are
acknowledged and ignored with a log line (an update still records their facts), and their own
commands, clicks and modals are answered politely and change nothing. As a lead they are
nobody's from then on (services/leads.py). Nothing of their history is removed (erasure is
services/privacy.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from devplan.domain.audit import LIFECYCLE, AuditEntry
from devplan.domain.employees import Employee
from devplan.domain.ids import is_valid_id
from devplan.domain.lifecycle import (
    EmployeeUpdate,
    apply_update,
    is_offboarded,
    is_stale,
    offboard,
    parse_offboarding,
    parse_update,
    stored_problems,
    waits_for_lead,
)
from devplan.domain.outbox import named
from devplan.errors import UnusableRecord
from devplan.messages import lifecycle as render
from devplan.services import home_refresh, moves
from devplan.services.inputs import PlatformEvent, SlackRequest, SlackRoute
from devplan.services.ports import Store, UnitOfWork
from devplan.services.slack_replies import answer_click, ephemeral, form_subject

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
        problems = stored_problems(employee)
        if problems:  # ours to mend, not the event's: 422 unusable_record, set aside (adapters/entry.py)
            raise UnusableRecord(f"stored employee {employee.employee_id} is not usable: {'; '.join(problems)}")
        for field in update.changes:
            uow.record(_audit(event, employee, _ACTIONS[field], _detail(update, field)))
        if is_stale(employee, update):  # every fact it names was set by one that wins over it: they stand
            return IGNORED if is_offboarded(employee) else "stale"
        change = apply_update(employee, update)
        uow.change_employee(change.after)
        if is_offboarded(employee):
            return IGNORED  # a fact about someone who left: recorded, nobody woken
        if change.fields and waits_for_lead(change.after):
            log.warning("%s has no lead yet: what needs the lead waits for one", employee.employee_id)
        if change.role_moved:
            moves.moved_role(uow, change, event.occurred_at)
        if change.lead_moved:
            moves.moved_lead(uow, change, event.occurred_at)
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
        # Final whatever its time: a later update cannot bring someone back (it is recorded as a fact).
        cancelled = _leave(uow, employee, event.occurred_at)
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
    done = "recorded as facts only" if event.type == "employee.updated" else "acknowledged and ignored"
    log.info(
        "%s %s for %s %s: %s is offboarded",
        event.type,
        event.id,
        employee_id,
        done,
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


def _detail(update: EmployeeUpdate, field: str) -> dict[str, Any]:
    """Roles and leads by value (ids, no personal data); a name or e-mail only as "changed"."""
    return {"to": update.changes[field] or ""} if field in ("role", "leadId") else {}


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
                return about_offboarded(request, asker) if request.kind != "command" else route(request)
            log.info("%s %s by offboarded %s answered and ignored", request.kind, request.name, asker.employee_id)
            shown = render.plan_closed(asker.language)
            if request.kind == "command":
                return {"outcome": IGNORED, **ephemeral(shown)}
            key, about = f"offboarded-self:{asker.employee_id}", named(asker)
            answered = answer_click(store, request.user_id, key, shown, IGNORED, about)
            return answered if request.kind == "block_actions" else closed()

        def about_offboarded(request: SlackRequest, clicker: Employee | None) -> dict[str, Any]:
            """Every button's value starts with the id of the person it is about; a modal names them
            in its metadata (opened before they left, submitted after: it writes nothing either)."""
            if request.kind == "view_submission":
                person_id = form_subject(request.payload) or ""
            else:
                value = (request.payload.get("actions") or [{}])[0].get("value") or ""
                person_id = value.split("|")[0]
            try:
                person = store.employee(person_id) if is_valid_id(person_id) else None
            except UnusableRecord:  # the route itself answers for a record it cannot read
                person = None
            if person is None or not is_offboarded(person):
                return route(request)
            log.info("%s %s for offboarded %s answered and ignored", request.kind, request.name, person_id)
            shown = render.offboarded_click(clicker.language if clicker else "sv", person.name)
            answered = answer_click(store, request.user_id, f"offboarded:{person_id}", shown, IGNORED, named(person))
            return answered if request.kind == "block_actions" else closed()

        return handle

    return {key: guarded(r) if key[0] in ASKED else r for key, r in routes.items()}
