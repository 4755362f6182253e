"""Events from the Inner Journey platform: each type handled in one transaction, claimed once."""
from __future__ import annotations

import logging
from typing import Any, Callable

from devplan.adapters.events import PlatformEvent
from devplan.domain.employees import employee_document, parse_new_employee
from devplan.errors import InvalidEvent
from devplan.services import journal

log = logging.getLogger(__name__)


def onboard_employee(event: PlatformEvent, store: Any) -> str:
    new = parse_new_employee(event.data)
    path = f"employees/{new.employee_id}"

    def work(uow: Any) -> str:
        if not uow.claim(f"platform:{event.id}"):
            return "duplicate"
        if uow.get(path) is not None:
            return "already_onboarded"   # a second onboarding event for the same person: keep the first
        uow.put(path, employee_document(new, event_id=event.id, occurred_at=event.occurred_at), merge=False)
        return "accepted"

    outcome = store.atomically(work)
    log.info("employee.onboarded %s: %s", new.employee_id, outcome,
             extra={"eventId": event.id, "employeeId": new.employee_id, "outcome": outcome})
    return outcome


HANDLERS: dict[str, Callable[[PlatformEvent, Any], str]] = {
    "employee.onboarded": onboard_employee,
    "journal.reflection_logged": journal.log_reflection,
    "goals.set": journal.set_goals,
}


def handle(event: PlatformEvent, store: Any) -> str:
    handler = HANDLERS.get(event.type)
    if handler is None:
        raise InvalidEvent(f"unknown event type {event.type!r}; known: {', '.join(sorted(HANDLERS))}",
                           status=422, code="unknown_type")
    return handler(event, store)
