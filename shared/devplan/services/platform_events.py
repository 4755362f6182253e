"""Events from the Inner Journey platform: each type handled in one transaction, claimed once.

An event that names someone not onboarded yet is held (services/held_events.py) and applied
when their onboarding arrives, so the result does not depend on which came first."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial

from devplan.domain.employees import Employee, parse_new_employee
from devplan.domain.funding import GRANTS_FOR_LARGER
from devplan.errors import InvalidEvent
from devplan.services import funding, held_events, metrics, privacy
from devplan.services.inputs import PlatformEvent
from devplan.services.ports import Store, UnitOfWork

log = logging.getLogger(__name__)


def onboard_employee(event: PlatformEvent, store: Store) -> str:
    employee = Employee.joining(parse_new_employee(event.data))

    def work(uow: UnitOfWork) -> str:
        if not uow.claim(f"platform:{event.id}"):
            return "duplicate"
        if uow.employee(employee.employee_id) is not None:
            return "already_onboarded"  # a second onboarding event for the same person: keep the first
        # Their erasure waits for this moment: stored erased already, so the record's trigger,
        # the catch-up and a crash before the release below never see someone to welcome.
        erased = uow.is_held(privacy.held_erasure_id(employee.employee_id))
        uow.add_employee(employee, event_id=event.id, occurred_at=event.occurred_at, erased=erased)
        return "accepted"

    outcome = store.atomically(work)
    # Whatever the outcome, the employee exists now: a retry of an onboarding whose release was
    # cut short finishes it (a query that finds nothing, usually).
    released = held_events.release(employee.employee_id, store)
    log.info(
        "employee.onboarded %s: %s%s",
        employee.employee_id,
        outcome,
        f", held events applied: {released}" if released else "",
        extra={"eventId": event.id, "employeeId": employee.employee_id, "outcome": outcome, "released": released},
    )
    return outcome


def ping(event: PlatformEvent, store: Store) -> str:
    """`system.ping`: a signed health check (the deploy's self-check). Its signature and envelope
    were checked on the way in; it reads nothing, writes nothing and claims no id, so it can be
    sent any number of times with any id."""
    return "pong"


HANDLERS: dict[str, Callable[[PlatformEvent, Store], str]] = {
    "employee.onboarded": onboard_employee,
    "coaching.session_cancelled": metrics.cancel_session,  # names no employee: never held
    "system.ping": ping,
    **dict.fromkeys(held_events.APPLY, held_events.apply_or_hold),
}


def handle(event: PlatformEvent, store: Store, *, funding_grants_for_larger: int = GRANTS_FOR_LARGER) -> str:
    """`funding_grants_for_larger`: the runtime setting DEVPLAN_FUNDING_GRANTS_FOR_LARGER."""
    if event.type == "funding.application_updated":
        configured = partial(funding.update_application, grants_for_larger=funding_grants_for_larger)
        return held_events.apply_or_hold(event, store, configured)
    handler = HANDLERS.get(event.type)
    if handler is None:
        raise InvalidEvent(
            f"unknown event type {event.type!r}; known: {', '.join(sorted(HANDLERS))}", status=422, code="unknown_type"
        )
    return handler(event, store)
