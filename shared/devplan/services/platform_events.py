"""Events from the Inner Journey platform: each type handled in one transaction, claimed once."""

from __future__ import annotations

import logging
from collections.abc import Callable

from devplan.domain.employees import Employee, parse_new_employee
from devplan.errors import InvalidEvent
from devplan.services import journal
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
        uow.add_employee(employee, event_id=event.id, occurred_at=event.occurred_at)
        return "accepted"

    outcome = store.atomically(work)
    log.info(
        "employee.onboarded %s: %s",
        employee.employee_id,
        outcome,
        extra={"eventId": event.id, "employeeId": employee.employee_id, "outcome": outcome},
    )
    return outcome


HANDLERS: dict[str, Callable[[PlatformEvent, Store], str]] = {
    "employee.onboarded": onboard_employee,
    "journal.reflection_logged": journal.log_reflection,
    "goals.set": journal.set_goals,
}


def handle(event: PlatformEvent, store: Store) -> str:
    handler = HANDLERS.get(event.type)
    if handler is None:
        raise InvalidEvent(
            f"unknown event type {event.type!r}; known: {', '.join(sorted(HANDLERS))}", status=422, code="unknown_type"
        )
    return handler(event, store)
