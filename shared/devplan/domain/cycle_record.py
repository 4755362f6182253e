"""An employee's quarter as recorded: opening, goal revision, the 1:1, reflections, reminders sent.

The cycle's rules (cycle.py) read it as `CycleFacts`; services change it only through the
methods here, so "newest reflection wins" or "held once" is decided in one place. Events arrive
at least once and in any order: every method here gives the same record whatever order the
same events are applied in (tests/unit/test_order_independence.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from devplan.domain.calendar import Quarter
from devplan.domain.cycle import CycleFacts
from devplan.domain.meeting_notes import ActionItem, MeetingNotes
from devplan.domain.snooze import Snooze

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


@dataclass(frozen=True, order=True)
class LastReflection:
    """Ordered by (day, entry id): the newest by day, and on one day the greater entry id, so two
    reflections on the same day leave the same one shown whichever arrives last."""

    on: date
    entry_id: str


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
    notes: MeetingNotes | None = None  # written at the 1:1 (domain/meeting_notes.py): the pair only
    actions: tuple[ActionItem, ...] = ()  # agreed at this 1:1 or carried from earlier ones
    snoozes: tuple[Snooze, ...] = ()  # "Inte nu" on this quarter's reminders (domain/snooze.py)
    # The person's lead when the quarter opened (None: nobody): whose team they are in the
    # quarter's digest and HR report, whatever changes after. `lead_recorded` False: a record
    # not opened, or opened before the lead was kept (the digest then takes today's lead).
    lead_id: str | None = None
    lead_recorded: bool = False

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
            snoozes=self.snoozes,
        )

    def with_reflection(self, entry_id: str, day: date) -> CycleRecord:
        """One more reflection; the newest (by its day, then entry id) is the one shown, whatever the arrival order."""
        logged = LastReflection(day, entry_id)
        return replace(
            self,
            reflections=self.reflections + 1,
            last_reflection=max(self.last_reflection, logged) if self.last_reflection else logged,
        )

    def with_goals_revised(self, day: date) -> CycleRecord:
        """Done on the earliest day goals were set in the quarter: a late event of an earlier
        day moves it back, a late event of a later day leaves it (the same whatever the order)."""
        done_on = min(self.revision.done_on, day) if self.revision.done_on else day
        return replace(self, revision=replace(self.revision, done=True, done_on=done_on))

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

    def lead_in_quarter(self, lead_now: str | None) -> str | None:
        """Whose team the person was in this quarter: as recorded at the opening, else `lead_now`."""
        return self.lead_id if self.lead_recorded else lead_now

    def with_done(self, keys: list[str], today: date) -> CycleRecord:
        return replace(self, done={**self.done, **dict.fromkeys(keys, today)}, last_tick=today)
