"""An employee's SMART development goals: agreed with the lead, measured, celebrated, kept.

A goal is one version per quarter (identity: goal id and quarter), never overwritten: at a
quarter's close its unfinished version is carried over into a new one (or marked missed), so
`items` is the whole history. Its life:

    proposed ─other side agrees→ agreed ─target reached→ awaiting_confirmation ─lead confirms→ achieved
        │  (either side may suggest a change: still proposed, now awaiting the other)  └─"inte än"→ agreed
    at the quarter's close: agreed/proposed → carried_over (+ a new version) or missed

The person proposes and the lead agrees, or the other way round; goals the platform reports
as set (`goals.set`) were agreed there. 1–3 active goals per person and quarter, everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from devplan.domain.calendar import Quarter
from devplan.domain.goal import (
    ACHIEVED,
    ACTIVE,
    AGREED,
    AWAITING,
    CARRIED_OVER,
    EMPLOYEE,
    FIRST_GOALS_BUSINESS_DAYS,
    LEAD,
    MAX_GOALS,
    MIN_GOALS,
    MISSED,
    PERKS,
    PLATFORM,
    PROPOSED,
    STATUSES,
    WITHDRAWN,
    SmartGoal,
    day_target_met,
    first_goal_deadline,
    meets_target,
)
from devplan.domain.metrics import Tally
from devplan.domain.smart import Draft

__all__ = [  # one version's names, where the plan's users have always found them
    "ACHIEVED",
    "ACTIVE",
    "AGREED",
    "AWAITING",
    "CARRIED_OVER",
    "EMPLOYEE",
    "FIRST_GOALS_BUSINESS_DAYS",
    "LEAD",
    "MAX_GOALS",
    "MIN_GOALS",
    "MISSED",
    "PERKS",
    "PLATFORM",
    "PROPOSED",
    "STATUSES",
    "WITHDRAWN",
    "GoalPlan",
    "SmartGoal",
    "first_goal_deadline",
]


@dataclass(frozen=True)
class GoalPlan:
    """Every goal of one person (all quarters) and the first goals' deadline."""

    deadline: date | None = None  # the first goals' deadline (onboarding)
    items: tuple[SmartGoal, ...] = ()

    @property
    def is_set(self) -> bool:
        """Goals count as set once one was agreed (a proposal alone does not)."""
        return any(g.agreed_on is not None and g.status != WITHDRAWN for g in self.items)

    def of_quarter(self, quarter: Quarter) -> tuple[SmartGoal, ...]:
        return tuple(g for g in self.items if g.quarter == quarter)

    def active(self, quarter: Quarter) -> tuple[SmartGoal, ...]:
        return tuple(g for g in self.of_quarter(quarter) if g.active)

    def current(self, quarter: Quarter) -> tuple[SmartGoal, ...]:
        """What the person is working on in `quarter`, and what they achieved or missed in it."""
        return tuple(g for g in self.of_quarter(quarter) if g.status not in (WITHDRAWN, CARRIED_OVER))

    def still_awaiting(self, quarter: Quarter) -> tuple[SmartGoal, ...]:
        """Achievements of quarters before `quarter` still awaiting the lead's confirmation
        (they stay their quarter's): shown, and waited for, until the lead answers."""
        return tuple(g for g in self.items if g.status == AWAITING and g.quarter < quarter)

    def agreed_in(self, quarter: Quarter) -> bool:
        return any(g.agreed_on is not None and g.status != WITHDRAWN for g in self.of_quarter(quarter))

    def counted(self, quarter: Quarter) -> tuple[SmartGoal, ...]:
        """What the 1–3 rule counts in `quarter`: its active goals, and those of earlier quarters
        its opening will carry over (a goal proposed on New Year's Day, before the opening tick)."""
        waiting = (g for g in self.items if g.quarter < quarter and g.status in (PROPOSED, AGREED))
        return self.active(quarter) + tuple(g for g in waiting if self.goal(g.goal_id, quarter) is None)

    def proposed_in(self, quarter: Quarter) -> bool:
        return any(g.status == PROPOSED for g in self.of_quarter(quarter))

    def goal(self, goal_id: str, quarter: Quarter | None = None) -> SmartGoal | None:
        """The version of `quarter`, or the newest version."""
        versions = [g for g in self.items if g.goal_id == goal_id and quarter in (None, g.quarter)]
        return max(versions, key=lambda g: g.quarter, default=None)

    def followed(self, goal_id: str, quarter: Quarter) -> SmartGoal | None:
        """The version a message of `quarter` is about now: carried over since, the newest one."""
        goal = self.goal(goal_id, quarter)
        return self.goal(goal_id) if goal is not None and goal.status == CARRIED_OVER else goal

    def with_version(self, goal: SmartGoal) -> GoalPlan:
        """`goal` as its quarter's version (replacing one of the same id and quarter)."""
        others = tuple(g for g in self.items if (g.goal_id, g.quarter) != (goal.goal_id, goal.quarter))
        items = tuple(sorted((*others, goal), key=lambda g: (g.quarter, g.proposed_on or date.min, g.goal_id)))
        return replace(self, items=items)

    # --- proposing and agreeing --------------------------------------------------------

    def propose(
        self, goal_id: str, quarter: Quarter, draft: Draft, by: str, on: date, note: str | None = None
    ) -> tuple[GoalPlan, str]:
        """A new proposal, or a change to one not agreed yet (now awaiting the other side, with
        `note`: what was changed and why). Outcomes: proposed | changed | unchanged | too_many | already_agreed."""
        known = self.goal(goal_id, quarter)
        if known is not None:
            if known.status != PROPOSED:
                return self, "unchanged" if known.draft == draft else "already_agreed"
            if known.draft == draft and known.proposed_by == by and known.change_note == note:
                return self, "unchanged"
            return self.with_version(replace(known, draft=draft, proposed_by=by, change_note=note)), "changed"
        if len(self.counted(quarter)) >= MAX_GOALS:
            return self, "too_many"
        goal = SmartGoal(goal_id, quarter, draft, PROPOSED, by, on, counts_from=on)
        return self.with_version(goal), "proposed"

    def agree(self, goal_id: str, quarter: Quarter, by: str, on: date) -> tuple[GoalPlan, str]:
        """`by` is the side that agrees; it must not be the side that proposed.
        Outcomes: agreed | already_agreed | own_proposal | unknown_goal."""
        goal = self.goal(goal_id, quarter)
        if goal is None or goal.status == WITHDRAWN:
            return self, "unknown_goal"
        if goal.status != PROPOSED:
            return self, "already_agreed"
        if goal.waiting_for != by:
            return self, "own_proposal"
        agreed = replace(goal, status=AGREED, agreed_on=on)
        if goal.progress is not None and meets_target(agreed, goal.progress):  # met before it was agreed
            agreed = replace(agreed, status=AWAITING, reached_on=on)
        return self.with_version(agreed), "agreed"

    # --- progress and achievement ---------------------------------------------------------

    def with_progress(self, goal_id: str, quarter: Quarter, value: int, on: date) -> tuple[GoalPlan, str]:
        """A reported value (goals.progress). Outcomes: progress | reached | unchanged | unknown_goal."""
        goal = self.goal(goal_id, quarter)
        if goal is None or goal.status not in (AGREED, PROPOSED, AWAITING):
            return self, "unknown_goal" if goal is None else "unchanged"
        return self._moved(goal, value, on)

    def with_tally(self, tally: Tally) -> tuple[GoalPlan, list[SmartGoal]]:
        """Every active goal bound to the tally's source, recomputed; returns those that just reached their target."""
        plan, reached = self, []
        for goal in self.items:
            measure = goal.draft.measure
            if not goal.active or measure is None or measure.source != tally.source:
                continue
            value, on = measure.baseline + tally.total(goal.counts_from, goal.draft.due), day_target_met(goal, tally)
            plan, outcome = plan._moved(goal, value, on, exact=True)
            if outcome == "reached":
                reached.append(plan.goal(goal.goal_id, goal.quarter) or goal)
        return plan, reached

    def _moved(self, goal: SmartGoal, value: int, on: date | None, *, exact: bool = False) -> tuple[GoalPlan, str]:
        """`exact`: `on` is the day the target was met as the tally tells it (a live source), kept
        true while the goal awaits confirmation; else the day of the report that reached it."""
        now_reached = goal.status == AGREED and meets_target(goal, value)
        if goal.status == AWAITING and goal.target is not None and value < goal.target:
            # a cancellation took it back under the target: as if it had never been reached
            return self.with_version(replace(goal, progress=value, status=AGREED, reached_on=None)), "progress"
        reached_on = goal.reached_on
        if goal.status == AWAITING and exact and on is not None:
            reached_on = on
        if goal.progress == value and reached_on == goal.reached_on and not now_reached:
            return self, "unchanged"
        if now_reached:
            return self.with_version(replace(goal, progress=value, status=AWAITING, reached_on=on)), "reached"
        return self.with_version(replace(goal, progress=value, reached_on=reached_on)), "progress"

    def mark_achieved(self, goal_id: str, quarter: Quarter, on: date) -> tuple[GoalPlan, str]:
        """The platform says it is achieved (goals.achieved): awaiting the lead's confirmation."""
        goal = self.goal(goal_id, quarter)
        if goal is None or goal.status in (WITHDRAWN,):
            return self, "unknown_goal"
        if goal.status != AGREED:
            return self, "unchanged"
        # The measure reached is the target at least (the celebration says so, never empty).
        progress = max(goal.progress or 0, goal.target) if goal.target is not None else goal.progress
        return self.with_version(replace(goal, status=AWAITING, reached_on=on, progress=progress)), "reached"

    def confirm(self, goal_id: str, quarter: Quarter, on: date) -> tuple[GoalPlan, str]:
        """The lead's Bekräfta. Outcomes: achieved | already_achieved | not_awaiting."""
        goal = self.goal(goal_id, quarter)
        if goal is None or goal.status != AWAITING:
            return self, "already_achieved" if goal and goal.status == ACHIEVED else "not_awaiting"
        return self.with_version(replace(goal, status=ACHIEVED, achieved_on=on)), "achieved"

    def not_yet(self, goal_id: str, quarter: Quarter) -> tuple[GoalPlan, str]:
        """The lead's "Inte än": back to agreed; asked again only when the value grows past this one."""
        goal = self.goal(goal_id, quarter)
        if goal is None or goal.status != AWAITING:
            return self, "not_awaiting"
        return self.with_version(
            replace(goal, status=AGREED, declined_at=goal.progress or 0, reached_on=None)
        ), "not_yet"

    def with_perk(self, goal_id: str, quarter: Quarter, perk: str) -> tuple[GoalPlan, str]:
        goal = self.goal(goal_id, quarter)
        if goal is None or goal.status != ACHIEVED:
            return self, "not_achieved"
        if goal.perk is not None:
            return self, "perk_already_chosen"
        return self.with_version(replace(goal, perk=perk)), "perk"
