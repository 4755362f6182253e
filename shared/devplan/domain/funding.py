"""A funding manager's applications: their newest state, deadline reminders, grants counted once.

The platform reports an application's whole state (`funding.application_updated`); the newest
`updatedAt` wins whatever the order of arrival, and an older or repeated state changes nothing.
Statuses move draft → submitted → granted | rejected. An application still a draft is reminded
of 14 and 3 (calendar) days before its deadline, each once (recorded on the application); the
tick runs on business days, so a reminder due on a weekend goes on the next business day while
it is still before the deadline. After `GRANTS_FOR_LARGER` grants the lead is asked once (per
number of grants: after "Inte än" the next grant asks again) to extend the person's
responsibility to larger programmes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

DRAFT, SUBMITTED, GRANTED, REJECTED = "draft", "submitted", "granted", "rejected"
STATUSES = (DRAFT, SUBMITTED, GRANTED, REJECTED)
REMINDER_DAYS = (14, 3)  # days before the deadline; the later window wins
GRANTS_FOR_LARGER = 1  # default of DEVPLAN_FUNDING_GRANTS_FOR_LARGER
LARGER_PROGRAMMES = "larger_funding_programmes"  # the responsibility (e.g. Horizon Europe)
MAX_AMOUNT_SEK = 10**12


@dataclass(frozen=True)
class Application:
    application_id: str
    funder: str
    programme: str
    amount_sek: int
    deadline: date
    status: str
    updated_at: datetime
    granted_sek: int | None = None
    reminded: frozenset[int] = frozenset()  # REMINDER_DAYS already sent

    @property
    def granted_amount(self) -> int:
        return self.granted_sek if self.granted_sek is not None else self.amount_sek


@dataclass(frozen=True)
class Reminder:
    application_id: str
    days: int  # one of REMINDER_DAYS
    deadline: date

    @property
    def key(self) -> str:
        return f"funding-reminder:{self.application_id}:{self.days}"


@dataclass(frozen=True)
class FundingBook:
    """The person's applications, and how far the lead's question about larger programmes went."""

    applications: Mapping[str, Application] = field(default_factory=dict)
    larger_asked_at: int | None = None  # the number of grants when the lead was last asked
    larger_declined_at: int | None = None  # the number of grants when the lead said "Inte än"

    def updated(self, application: Application) -> tuple[FundingBook, str]:
        """(book, outcome): updated | stale (an older state) | duplicate (the same state)."""
        known = self.applications.get(application.application_id)
        if known is not None:
            if application.updated_at < known.updated_at:
                return self, "stale"
            if replace(application, reminded=known.reminded) == known:
                return self, "duplicate"
            application = replace(application, reminded=known.reminded)
        return self._put(application), "updated"

    def reminded(self, reminder: Reminder) -> FundingBook:
        known = self.applications.get(reminder.application_id)
        if known is None:
            return self
        return self._put(replace(known, reminded=known.reminded | {reminder.days}))

    def _put(self, application: Application) -> FundingBook:
        return replace(self, applications={**self.applications, application.application_id: application})

    @property
    def grants(self) -> int:
        return sum(1 for a in self.applications.values() if a.status == GRANTED)

    def reminders_due(self, today: date) -> list[Reminder]:
        """Drafts within a reminder's window (from that many days before, up to the deadline)."""
        due = []
        for a in sorted(self.applications.values(), key=lambda a: a.application_id):
            if a.status != DRAFT or today > a.deadline:
                continue
            window = [d for d in REMINDER_DAYS if today >= a.deadline - timedelta(days=d)]
            if window:
                days = min(window)  # the latest window reached: a late 14-day reminder is not sent
                if days not in a.reminded:
                    due.append(Reminder(a.application_id, days, a.deadline))
        return due

    def larger_question_due(self, threshold: int, responsibilities: tuple[str, ...]) -> bool:
        grants = self.grants
        return (
            LARGER_PROGRAMMES not in responsibilities
            and grants >= max(1, threshold)
            and (self.larger_asked_at is None or grants > self.larger_asked_at)
            and (self.larger_declined_at is None or grants > self.larger_declined_at)
        )
