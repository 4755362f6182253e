"""A structured reflection logged in the platform's journal (Dynamisk Journal)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class Reflection:
    employee_id: str
    entry_id: str
    occurred_at: datetime
    on: date  # the day in Stockholm: decides the quarter it counts for
    goal_ids: tuple[str, ...] = ()
    event_id: str = ""
