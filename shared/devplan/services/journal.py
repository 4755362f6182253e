"""What employees tell the platform between 1:1s: reflections (Dynamisk Journal) and goals.

Both land on the employee's cycle record of the quarter they happened in (Stockholm time),
which is what the cycle's reminders read. An unknown employee is logged and acknowledged,
with nothing written: the platform need not retry what can never succeed.
"""
from __future__ import annotations

import logging
from typing import Any

from devplan.adapters.events import PlatformEvent, parse_time
from devplan.domain.calendar import Quarter, stockholm_date
from devplan.domain.employees import is_valid_id
from devplan.domain.goals import parse_goals
from devplan.errors import InvalidEvent
from devplan.services.quarterly_cycle import cycle_path

log = logging.getLogger(__name__)


def _employee_id(event: PlatformEvent) -> str:
    employee_id = event.data.get("employeeId")
    if not is_valid_id(employee_id):
        raise InvalidEvent(f"{event.type}: employeeId is required", code="invalid_data")
    return employee_id


def log_reflection(event: PlatformEvent, store: Any) -> str:
    employee_id, entry_id = _employee_id(event), event.data.get("entryId")
    if not is_valid_id(entry_id):
        raise InvalidEvent("journal.reflection_logged: entryId is required", code="invalid_data")
    goal_ids = event.data.get("goalIds") or []
    if not isinstance(goal_ids, list) or not all(isinstance(g, str) for g in goal_ids):
        raise InvalidEvent("journal.reflection_logged: goalIds must be a list of goal ids", code="invalid_data")
    occurred = parse_time(event.data.get("occurredAt") or event.occurred_at.isoformat(), "occurredAt")
    day = stockholm_date(occurred)
    entry_path = f"employees/{employee_id}/reflections/{entry_id}"

    def work(uow: Any) -> str:
        if uow.get(f"employees/{employee_id}") is None:
            return "unknown_employee"
        cycle = uow.get(cycle_path(employee_id, Quarter.of(day))) or {}
        if not uow.claim(f"platform:{event.id}") or uow.get(entry_path) is not None:
            return "duplicate"
        uow.put(entry_path, {"occurredAt": occurred, "on": day.isoformat(), "goalIds": goal_ids,
                             "eventId": event.id}, merge=False)
        update = {"employeeId": employee_id, "quarter": Quarter.of(day).key,
                  "reflections": int(cycle.get("reflections") or 0) + 1}
        if (cycle.get("lastReflection") or {}).get("on", "") <= day.isoformat():   # newest wins, whatever the order
            update["lastReflection"] = {"entryId": entry_id, "on": day.isoformat()}
        uow.put(cycle_path(employee_id, Quarter.of(day)), update)
        return "accepted"

    return _logged(event, employee_id, store.atomically(work))


def set_goals(event: PlatformEvent, store: Any) -> str:
    employee_id, goals = _employee_id(event), parse_goals(event.data.get("goals"))
    day = stockholm_date(event.occurred_at)
    path = f"employees/{employee_id}"

    def work(uow: Any) -> str:
        if uow.get(path) is None:
            return "unknown_employee"
        if not uow.claim(f"platform:{event.id}"):
            return "duplicate"
        stored_at = ((uow.get(path) or {}).get("goals") or {}).get("setAt")
        if stored_at is None or stored_at < event.occurred_at:      # a late, older event keeps newer goals
            uow.put(path, {"goals": {"items": [{"goalId": g.goal_id, "title": g.title, "measure": g.measure,
                                                "dueDate": g.due.isoformat() if g.due else None} for g in goals],
                                     "setAt": event.occurred_at, "setOn": day.isoformat()}})
        uow.put(cycle_path(employee_id, Quarter.of(day)), {
            "employeeId": employee_id, "quarter": Quarter.of(day).key,
            "revision": {"done": True, "doneOn": day.isoformat()}})
        return "accepted"

    return _logged(event, employee_id, store.atomically(work))


def _logged(event: PlatformEvent, employee_id: str, outcome: str) -> str:
    level = logging.WARNING if outcome == "unknown_employee" else logging.INFO
    log.log(level, "%s for %s: %s", event.type, employee_id, outcome,
            extra={"eventId": event.id, "employeeId": employee_id, "outcome": outcome})
    return outcome
