"""A structured reflection: what went well, what was hard, next steps, goals it is about.

Logged in the platform's journal (Dynamisk Journal) or in Slack. Its text is the person's:
`private` (the default) is seen by them alone, `shared` by their lead too."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

PRIVATE, SHARED = "private", "shared"
VISIBILITIES = (PRIVATE, SHARED)
SECTIONS = ("wentWell", "challenges", "nextSteps")  # the seed's structure, in the platform's field names


@dataclass(frozen=True)
class Reflection:
    employee_id: str
    entry_id: str
    occurred_at: datetime
    on: date  # the day in Stockholm: decides the quarter it counts for
    goal_ids: tuple[str, ...] = ()
    event_id: str = ""
    went_well: str | None = None
    challenges: str | None = None
    next_steps: str | None = None
    visibility: str = PRIVATE
    source: str = "journal"  # journal | slack
