"""An employee's quarter as recorded: opening, goal revision, the 1:1, reflections, reminders sent.

The cycle's rules (cycle.py) read it as `CycleFacts`; services change it only through the
methods here, so "newest reflection wins" or "held once" is decided in one place."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from devplan.domain.calendar import Quarter
from devplan.domain.cycle import CycleFacts

INVITED, NO_LEAD, HELD = "invited", "no_lead", "held"


@dataclass(frozen=True)
class Revision:
    """The quarter's goal revision: due by `deadline` (None for a new starter), done or not."""

    deadline: date | None = None
    done: bool = False
    done_on: date | None = None


@dataclass(frozen=True)
class Review:
    """The quarter's 1:1 between employee and lead."""

    status: str | None = None  # invited | no_lead | held
    invited_on: date | None = None
    held_at: datetime | None = None
    held_on: date | None = None
    confirmed_by: str | None = None  # employee id of who clicked "held"
    confirmed_by_slack: str | None = None


@dataclass(frozen=True)
class LastReflection:
    entry_id: str
    on: date


@dataclass(frozen=True)
class CycleRecord:
    employee_id: str
    quarter: Quarter
    opened_on: date | None = None
    revision: Revision = field(default_factory=Revision)
    review: Review = field(default_factory=Review)
    done: Mapping[str, date] = field(default_factory=dict)  # once-only action keys → day done
    last_tick: date | None = None
    reflections: int = 0
    last_reflection: LastReflection | None = None
    last_reflection_nudge: date | None = None

    def facts(self, *, next_quarter_opened: bool) -> CycleFacts:
        return CycleFacts(
            opened_on=self.opened_on,
            revision_deadline=self.revision.deadline,
            revision_done=self.revision.done,
            review_held=self.review.status == HELD,
            done_keys=frozenset(self.done),
            reflections=self.reflections,
            last_reflection_nudge=self.last_reflection_nudge,
            next_quarter_opened=next_quarter_opened,
        )

    def with_reflection(self, entry_id: str, day: date) -> CycleRecord:
        """One more reflection; the newest (by its day) is the one shown, whatever the arrival order."""
        newest = self.last_reflection is None or self.last_reflection.on <= day
        return replace(
            self,
            reflections=self.reflections + 1,
            last_reflection=LastReflection(entry_id, day) if newest else self.last_reflection,
        )

    def with_goals_revised(self, day: date) -> CycleRecord:
        return replace(self, revision=replace(self.revision, done=True, done_on=day))

    def held_by(self, employee_id: str, slack_user_id: str, at: datetime, on: date) -> CycleRecord:
        return replace(
            self,
            review=replace(
                self.review,
                status=HELD,
                held_at=at,
                held_on=on,
                confirmed_by=employee_id,
                confirmed_by_slack=slack_user_id,
            ),
        )

    def with_done(self, keys: list[str], today: date) -> CycleRecord:
        return replace(self, done={**self.done, **dict.fromkeys(keys, today)}, last_tick=today)
