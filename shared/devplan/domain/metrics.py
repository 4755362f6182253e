"""Live sources a goal's measure can be bound to, and each person's exact tally of them.

The platform reports countable things one by one (a coaching session completed, a user guided
through onboarding, a grant secured, a course completed), each with its own id. A tally keeps
them as a set keyed by that id, so a delivery twice counts once; a cancellation is kept as a
tombstone that wins whatever the order (a session cancelled before its completion arrives
never counts). A goal's progress is the tally's total in the goal's window, so the same events
give the same progress in any order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date

# source → the unit a person sees (Swedish; the catalog has the English)
COACHING_SESSIONS = "coaching_sessions"
USERS_GUIDED = "users_guided"
FUNDING_SEK = "funding_sek"
COURSES_COMPLETED = "courses_completed"
SOURCES = (COACHING_SESSIONS, USERS_GUIDED, FUNDING_SEK, COURSES_COMPLETED)
# A tally is one document: this many items (years of sessions) stay far below Firestore's 1 MiB.
MAX_TALLY_ITEMS = 5000
MAX_AMOUNT = 10**12  # SEK: nothing the team funds comes near; more is a typo or an attack


@dataclass(frozen=True)
class MetricItem:
    item_id: str
    amount: int  # 1 per session, user or course; whole kronor for funding
    on: date | None  # the day it happened (Stockholm); None for a cancellation seen first
    cancelled: bool = False


@dataclass(frozen=True)
class Tally:
    employee_id: str
    source: str
    items: Mapping[str, MetricItem] = field(default_factory=dict)

    def with_item(self, item: MetricItem) -> Tally:
        """Counted once: a repeat keeps the first; after a cancellation it stays cancelled."""
        known = self.items.get(item.item_id)
        if known is None:
            return self._put(item)
        if known.on is None:  # its cancellation came first: remember what it was, still cancelled
            return self._put(replace(item, cancelled=known.cancelled))
        return self

    def with_amount(self, item: MetricItem) -> Tally:
        """The item as its newest state says (a grant's amount corrected, or 0 once no longer
        granted): for sources whose items change, unlike a session; a cancellation still wins."""
        known = self.items.get(item.item_id)
        return self._put(replace(item, cancelled=known.cancelled) if known else item)

    def with_cancelled(self, item_id: str) -> Tally:
        known = self.items.get(item_id)
        if known is not None and known.cancelled:
            return self
        return self._put(replace(known, cancelled=True) if known else MetricItem(item_id, 0, None, True))

    def _put(self, item: MetricItem) -> Tally:
        return replace(self, items={**self.items, item.item_id: item})

    @property
    def full(self) -> bool:
        return len(self.items) >= MAX_TALLY_ITEMS

    def total(self, since: date | None = None, until: date | None = None) -> int:
        return sum(
            i.amount
            for i in self.items.values()
            if not i.cancelled
            and i.on is not None
            and (since is None or i.on >= since)
            and (until is None or i.on <= until)
        )

    def count(self) -> int:
        """Items that count (completed, not cancelled): the coaching tally."""
        return sum(1 for i in self.items.values() if not i.cancelled and i.on is not None)
