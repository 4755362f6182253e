"""`employee.updated` and `employee.offboarded`: one transaction each, claimed once.

An update writes the facts it wins (each keeps its own time: domain/lifecycle.py) and one audit
entry per fact it names, won or not: what the platform said, by its time, the same whatever the
order (history reads it with domain/lifecycle_trail.py's `trail`). What follows happens only for
a role or lead that moved, and only for someone still here (for someone offboarded the facts are
recorded and nothing wakes). A new role invites them to its mentoring channels (the advancement
path follows the role). A new lead takes over from now on: this quarter's 1:1 invite (if not
held yet) and everything waiting for the lead (goals to agree, achievements to confirm, training
requests over budget, the Senior Coach question) are sent again to the new lead, under ids
naming that lead (so each is sent once per lead); the old lead's buttons then answer that
they are not theirs, as the lead is read at the click. History stays as it was.

Offboarding stops everything: the daily tick skips anyone not active, their pending outbox
messages are cancelled, clicks on buttons about them and later platform events naming them are
acknowledged and ignored with a log line (an update still records their facts, unless they are
erased: a fact would bring back what the erasure removed), and their own commands, clicks and
modals are answered politely and change nothing (services/offboarded.py). As a lead they are
nobody's from then on (services/leads.py). Nothing of their history is removed (erasure is
services/privacy.py).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from devplan.domain.audit import LIFECYCLE, AuditEntry
from devplan.domain.employees import Employee
from devplan.domain.ids import is_valid_id
from devplan.domain.lifecycle import (
    apply_update,
    is_erased,
    is_offboarded,
    is_stale,
    offboard,
    parse_offboarding,
    parse_update,
    stored_problems,
    waits_for_lead,
)
from devplan.domain.lifecycle_trail import ACTIONS, said
from devplan.errors import UnusableRecord
from devplan.services import home_refresh, moves
from devplan.services.inputs import PlatformEvent
from devplan.services.ports import Store, UnitOfWork

log = logging.getLogger(__name__)
UNKNOWN_EMPLOYEE = "unknown_employee"  # held_events holds the event until the person exists
IGNORED = "offboarded"  # the answer to anything about someone offboarded
ERASED = "erased"  # an update about someone erased: it would bring back their name or e-mail
EVENTS = ("employee.updated", "employee.offboarded")


def update_employee(event: PlatformEvent, store: Store) -> str:
    update = parse_update(event.data, event.occurred_at)

    def work(uow: UnitOfWork) -> str:
        employee = uow.employee(update.employee_id)
        if employee is None:
            return UNKNOWN_EMPLOYEE
        if is_erased(employee):  # nothing written, not even the claim: a redelivery answers the same
            return ERASED
        if not uow.claim(f"platform:{event.id}"):
            return "duplicate"
        problems = stored_problems(employee)
        if problems:  # ours to mend, not the event's: 422 unusable_record, set aside (adapters/entry.py)
            raise UnusableRecord(f"stored employee {employee.employee_id} is not usable: {'; '.join(problems)}")
        for field, value in update.changes.items():
            uow.record(_audit(event, employee, ACTIONS[field], said(employee.employee_id, field, value)))
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
    if outcome in (IGNORED, ERASED):  # logged once, outside the transaction (which may run more than once)
        _ignored(event, update.employee_id, outcome)
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


def _ignored(event: PlatformEvent, employee_id: str, outcome: str = IGNORED) -> str:
    recorded = event.type == "employee.updated" and outcome == IGNORED
    done = "recorded as facts only" if recorded else "acknowledged and ignored"
    log.info(
        "%s %s for %s %s: %s is %s",
        event.type,
        event.id,
        employee_id,
        done,
        employee_id,
        outcome,
        extra={"eventId": event.id, "employeeId": employee_id, "outcome": outcome},
    )
    return outcome


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
