"""Platform events that arrive before the employee they name are held, never dropped.

A reflection, goal or live-source event for someone not onboarded yet (the platform's events
race each other; a coach's sessions name her by coachId) is kept in heldEvents/{eventId}, in a
transaction that also claims the event (a second delivery is a duplicate), and answered "held".
When the employee is onboarded, their held events go through the normal handlers (each claims
`platform:{id}`, so applying one twice is harmless) and are removed; `release_all` does the
same daily for anything a crash left. An event whose employee never comes stays held and is
reported once it is older than `OVERDUE_AFTER`: an operator decides, nothing is dropped silently.
An erasure requested before the onboarding is held too (services/privacy.py), applied after
everything else held for them, and events about them meanwhile are acknowledged and ignored.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from devplan.errors import InvalidEvent, PermanentError
from devplan.services import (
    funding,
    goals,
    journal,
    lifecycle,
    metrics,
    privacy,
    responsibility,
    supervision,
    time_off,
    wallet,
)
from devplan.services.inputs import PlatformEvent
from devplan.services.ports import Store, UnitOfWork

log = logging.getLogger(__name__)

UNKNOWN_EMPLOYEE, HELD, ERASED = "unknown_employee", "held", "erased"
# Events that name an employee and may come before them; employee.onboarded is never held.
APPLY: dict[str, Callable[[PlatformEvent, Store], str]] = {
    "journal.reflection_logged": journal.log_reflection,
    "goals.set": goals.set_goals,
    "goals.proposed": goals.propose_goal,
    "goals.progress": goals.report_progress,
    "goals.achieved": goals.mark_achieved,
    **dict.fromkeys(metrics.KINDS, metrics.count_item),
    "responsibility.assigned": responsibility.assigned_event,
    "coaching.supervisor_assigned": supervision.assigned_event,
    "training.requested": wallet.request_training,
    "funding.application_updated": funding.update_application,  # released with the default settings
    "employee.time_off": time_off.booked_event,
    "employee.time_off_cancelled": time_off.cancelled_event,
    "employee.updated": lifecycle.update_employee,
    "employee.offboarded": lifecycle.offboard_employee,
}
# The field naming the person: employeeId, but a coach's events name the coach (coachId).
NAMED_BY = {kind: metrics.KINDS[kind].person for kind in metrics.KINDS} | {"coaching.supervisor_assigned": "coachId"}
# Released, not handled on arrival: an erasure for someone not onboarded yet (services/privacy.py).
ONLY_RELEASED = {privacy.ERASURE_EVENT: privacy.erase_held}
OVERDUE_AFTER = timedelta(days=30)  # longer than any onboarding race: someone should look
RELEASE_LIMIT = 500  # held events looked at per daily run (they are rare; the count is logged)


@dataclass(frozen=True)
class HeldEvent:
    event: PlatformEvent
    employee_id: str
    received: datetime
    problem: str | None = None  # why the last release could not apply it (kept for an operator)


def apply_or_hold(
    event: PlatformEvent, store: Store, apply: Callable[[PlatformEvent, Store], str] | None = None
) -> str:
    """The event's handler (`apply`: one with settings bound, else APPLY's); if it names nobody we
    know yet, hold it instead of dropping it."""
    apply = apply or APPLY[event.type]
    # Late events about someone offboarded: acknowledged, ignored (lifecycle's own check theirs).
    if event.type not in lifecycle.EVENTS and lifecycle.is_about_offboarded(event, _named_field(event), store):
        return lifecycle.IGNORED
    outcome = apply(event, store)
    if outcome != UNKNOWN_EMPLOYEE:
        return outcome
    employee_id = named_employee(event)
    held = store.atomically(lambda uow: _hold(uow, event))
    if held == ERASED:  # held, it would only be erased at their onboarding
        log.info(
            "%s for %s acknowledged and ignored: %s is erased (the erasure waits for the onboarding)",
            event.type,
            employee_id,
            employee_id,
            extra={"eventId": event.id, "employeeId": employee_id, "outcome": ERASED},
        )
        return ERASED
    if held is None:  # onboarded between the two transactions: it applies now
        return apply(event, store)
    log.info(
        "%s for %s: %s until they are onboarded",
        event.type,
        employee_id,
        held,
        extra={"eventId": event.id, "employeeId": employee_id, "outcome": held},
    )
    return held


def named_employee(event: PlatformEvent) -> str:
    """Whom the event is about. The handler validated the event before it looked for the
    employee: the id is usable."""
    return str(event.data[_named_field(event)])


def _named_field(event: PlatformEvent) -> str:
    return NAMED_BY.get(event.type, "employeeId")


def _hold(uow: UnitOfWork, event: PlatformEvent) -> str | None:
    employee_id = named_employee(event)
    if uow.employee_exists(employee_id):  # read in this transaction: an onboarding cannot slip past
        return None
    if uow.is_held(privacy.held_erasure_id(employee_id)):
        return ERASED
    if not uow.claim(f"held:{event.id}") or not uow.hold(event, employee_id):
        return "duplicate"
    return HELD


def release(employee_id: str, store: Store) -> dict[str, int]:
    """Apply the held events of an employee who now exists (after their onboarding)."""
    return _apply(store.held_events(employee_id=employee_id, limit=RELEASE_LIMIT), store)


def release_all(store: Store, now: datetime) -> dict[str, int]:
    """Daily, bounded: apply every held event whose employee now exists; count (and log) the
    ones still waiting, and name those waiting longer than OVERDUE_AFTER. Two queries, so events
    whose employee never came cannot hide the rest: the recent ones oldest first, the overdue
    ones newest first (each at most RELEASE_LIMIT). One failing event never stops the rest."""
    cutoff = now - OVERDUE_AFTER
    held = [
        *_bounded(store.held_events(received_since=cutoff, limit=RELEASE_LIMIT), "recent"),
        *_bounded(store.held_events(received_before=cutoff, limit=RELEASE_LIMIT), "overdue"),
    ]
    outcome: Counter[str] = Counter()
    loaded = store.load(employees={h.employee_id for h in held})
    ready = []
    for h in held:
        try:
            exists = loaded.employee(h.employee_id) is not None
        except PermanentError as exc:  # an unreadable employee record: the handler would fail too
            _note(store, h, exc, outcome)
            continue
        if exists:
            ready.append(h)
        elif h.received < cutoff:
            outcome["overdue"] += 1
            log.error(
                "held event %s (%s) has waited since %s for employee %s, who was never onboarded",
                h.event.id,
                h.event.type,
                h.received.isoformat(),
                h.employee_id,
                extra={"eventId": h.event.id, "employeeId": h.employee_id},
            )
        else:
            outcome["waiting"] += 1
    outcome.update(_apply(ready, store))
    if outcome:
        log.info("held events: %s", dict(outcome), extra=dict(outcome))
    return dict(outcome)


def _bounded(held: list[HeldEvent], which: str) -> list[HeldEvent]:
    if len(held) == RELEASE_LIMIT:
        log.warning("held events (%s): %d looked at, more are waiting", which, RELEASE_LIMIT)
    return held


def _apply(held: list[HeldEvent], store: Store) -> dict[str, int]:
    outcome: Counter[str] = Counter()
    # An erasure last, whenever it was asked for: nothing applied after it brings data back.
    for h in sorted(held, key=lambda h: (h.event.type == privacy.ERASURE_EVENT, h.event.occurred_at, h.event.id)):
        apply = APPLY.get(h.event.type) or ONLY_RELEASED.get(h.event.type)
        try:
            if apply is None:
                raise InvalidEvent(f"held event of type {h.event.type!r} has no handler", code="unknown_type")
            result = apply(h.event, store)
        except (InvalidEvent, PermanentError) as exc:  # kept, with the reason, for an operator
            _note(store, h, exc, outcome)
            continue
        except Exception:  # transient or unexpected: kept as it is, the next release tries again
            log.exception("held event %s: not applied yet", h.event.id, extra={"eventId": h.event.id})
            outcome["still_failing"] += 1
            continue
        if result == UNKNOWN_EMPLOYEE:
            outcome["waiting"] += 1
            continue
        outcome[result] += 1
        log.info(
            "held %s for %s applied: %s",
            h.event.type,
            h.employee_id,
            result,
            extra={"eventId": h.event.id, "employeeId": h.employee_id, "outcome": result},
        )
        try:
            store.forget_held_event(h.event.id)
        except Exception:  # applied; the next release finds it again, a duplicate, and forgets it then
            log.exception("held event %s applied but not forgotten", h.event.id, extra={"eventId": h.event.id})
            outcome["not_forgotten"] += 1
    return dict(outcome)


def _note(store: Store, h: HeldEvent, exc: Exception, outcome: Counter[str]) -> None:
    log.error("held event %s cannot be applied: %s", h.event.id, exc, extra={"eventId": h.event.id})
    outcome["unusable"] += 1
    try:
        store.note_held_problem(h.event.id, str(exc))
    except Exception:  # the reason is in the log; the event stays held, untouched
        log.exception("held event %s: its problem could not be noted", h.event.id, extra={"eventId": h.event.id})
