"""What employees tell the platform between 1:1s: reflections (Dynamisk Journal) and goals.

Both land on the employee's cycle record of the quarter they happened in (Stockholm time),
which is what the cycle's reminders read. For an employee not onboarded yet the handlers
write nothing and answer "unknown_employee"; services/held_events.py then keeps the event
until they arrive (the platform's events race each other), so it is never dropped.
"""

from __future__ import annotations

import logging

from devplan.domain.calendar import Quarter, stockholm_date
from devplan.domain.ids import is_valid_id
from devplan.domain.limits import MAX_GOAL_IDS, MAX_REFLECTION_LENGTH, is_text
from devplan.domain.reflections import PRIVATE, SECTIONS, VISIBILITIES, Reflection
from devplan.errors import InvalidEvent
from devplan.services import home_refresh
from devplan.services.inputs import PlatformEvent, parse_supported_time
from devplan.services.ports import Store, UnitOfWork

log = logging.getLogger(__name__)


def _employee_id(event: PlatformEvent) -> str:
    employee_id = event.data.get("employeeId")
    if not is_valid_id(employee_id):
        raise InvalidEvent(f"{event.type}: employeeId is required", code="invalid_data")
    return str(employee_id)


def _reflection(event: PlatformEvent) -> Reflection:
    employee_id, entry_id = _employee_id(event), event.data.get("entryId")
    if not is_valid_id(entry_id):
        raise InvalidEvent("journal.reflection_logged: entryId is required", code="invalid_data")
    goal_ids = event.data.get("goalIds")
    goal_ids = [] if goal_ids is None else goal_ids
    if not isinstance(goal_ids, list) or len(goal_ids) > MAX_GOAL_IDS or not all(map(is_valid_id, goal_ids)):
        raise InvalidEvent(
            f"journal.reflection_logged: goalIds must be a list of at most {MAX_GOAL_IDS} goal ids",
            code="invalid_data",
        )
    occurred = event.occurred_at  # the envelope's, checked by the decoder
    if event.data.get("occurredAt") is not None:
        occurred = parse_supported_time(
            event.data["occurredAt"], "occurredAt", code="invalid_data", context="journal.reflection_logged"
        )
    sections = {name: _section(event, name) for name in SECTIONS}
    visibility = event.data.get("visibility")
    visibility = PRIVATE if visibility is None else visibility
    if visibility not in VISIBILITIES:
        raise InvalidEvent("journal.reflection_logged: visibility must be private or shared", code="invalid_data")
    return Reflection(
        employee_id,
        str(entry_id),
        occurred,
        stockholm_date(occurred),
        tuple(goal_ids),
        event.id,
        went_well=sections["wentWell"],
        challenges=sections["challenges"],
        next_steps=sections["nextSteps"],
        visibility=visibility,
    )


def _section(event: PlatformEvent, name: str) -> str | None:
    """wentWell, challenges, nextSteps: optional text (the journal may keep its text to itself)."""
    value = event.data.get(name)
    if value is None:
        return None
    if not is_text(value, MAX_REFLECTION_LENGTH, multiline=True):
        raise InvalidEvent(
            f"journal.reflection_logged: {name} must be text of 1–{MAX_REFLECTION_LENGTH} characters",
            code="invalid_data",
        )
    return str(value).strip()


def record(uow: UnitOfWork, reflection: Reflection) -> str:
    """Keep a reflection and count it for its quarter (the cycle's nudges read that). Any
    reflection meets the quarter's recommendation, wherever it was written."""
    cycle = uow.cycle(reflection.employee_id, Quarter.of(reflection.on))
    if uow.has_reflection(reflection.employee_id, reflection.entry_id):
        return "duplicate"
    uow.add_reflection(reflection)
    uow.save_cycle(cycle.with_reflection(reflection.entry_id, reflection.on))
    home_refresh.refresh(uow, reflection.employee_id, reflection.on)  # App Home: one more reflection
    return "accepted"


def log_reflection(event: PlatformEvent, store: Store) -> str:
    reflection = _reflection(event)

    def work(uow: UnitOfWork) -> str:
        if not uow.employee_exists(reflection.employee_id):
            return "unknown_employee"
        if not uow.claim(f"platform:{event.id}"):
            return "duplicate"
        return record(uow, reflection)

    return event.logged(log, reflection.employee_id, store.atomically(work))
