"""One SMART goal's version of a quarter, its statuses, and when its measure meets the target.

domain/goals.py keeps a person's versions together (GoalPlan) and moves them; this is what one
version is, and the two rules of its measure: does a value reach the target (after a lead's
"inte än", only a higher one does), and on which day a tally first met it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from devplan.domain.calendar import Quarter, add_business_days, next_business_day
from devplan.domain.metrics import Tally
from devplan.domain.smart import Draft

MIN_GOALS, MAX_GOALS = 1, 3
# A new employee sets their first goals within two working weeks of starting, counted in
# Swedish business days from the first business day on or after the start date: enough
# time to meet the lead, short enough that the first quarter is not lost.
FIRST_GOALS_BUSINESS_DAYS = 10

PROPOSED, AGREED, AWAITING = "proposed", "agreed", "awaiting_confirmation"
ACHIEVED, MISSED, CARRIED_OVER, WITHDRAWN = "achieved", "missed", "carried_over", "withdrawn"
ACTIVE = (PROPOSED, AGREED, AWAITING)  # what the 1–3 rule counts
STATUSES = (*ACTIVE, ACHIEVED, MISSED, CARRIED_OVER, WITHDRAWN)
EMPLOYEE, LEAD, PLATFORM = "employee", "lead", "platform"  # who proposed (the other side agrees)
PERKS = ("extra_day_off", "gift_card", "none")


def first_goal_deadline(start_date: date) -> date:
    return add_business_days(next_business_day(start_date), FIRST_GOALS_BUSINESS_DAYS)


@dataclass(frozen=True)
class SmartGoal:
    goal_id: str
    quarter: Quarter
    draft: Draft
    status: str = PROPOSED
    proposed_by: str = EMPLOYEE
    proposed_on: date | None = None
    agreed_on: date | None = None
    progress: int | None = None  # the measure's value now (live source or reported)
    reached_on: date | None = None  # the day the target was reached
    declined_at: int | None = None  # the value at which the lead said "inte än": ask again above it
    achieved_on: date | None = None
    perk: str | None = None
    carried_from: Quarter | None = None
    counts_from: date | None = None  # a live source counts from here (the first version's proposal)
    change_note: str | None = None  # what the other side asked to change
    set_at: datetime | None = None  # when the platform set it (goals.set: the newest list wins)

    @property
    def title(self) -> str:
        return self.draft.outcome

    @property
    def target(self) -> int | None:
        return self.draft.measure.target if self.draft.measure else None

    @property
    def active(self) -> bool:
        return self.status in ACTIVE

    @property
    def waiting_for(self) -> str | None:
        """Who must act next: "lead", "employee" or None."""
        if self.status == PROPOSED:
            return LEAD if self.proposed_by in (EMPLOYEE, PLATFORM) else EMPLOYEE
        return LEAD if self.status == AWAITING else None


def meets_target(goal: SmartGoal, value: int) -> bool:
    target = goal.target
    return target is not None and value >= target and (goal.declined_at is None or value > goal.declined_at)


def day_target_met(goal: SmartGoal, tally: Tally) -> date | None:
    """The day the running total first met the target: the same whatever order events came in."""
    measure = goal.draft.measure
    if measure is None:
        return None
    running = measure.baseline
    counted = sorted(
        (i.on, i.item_id, i.amount)
        for i in tally.items.values()
        if not i.cancelled
        and i.on is not None
        and (goal.counts_from is None or i.on >= goal.counts_from)
        and (goal.draft.due is None or i.on <= goal.draft.due)
    )
    for on, _, amount in counted:
        running += amount
        if running >= measure.target:
            return on
    return None
