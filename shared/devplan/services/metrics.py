"""Live sources from the platform: each countable thing lands once on its person's tally, and
every goal of theirs bound to that source moves with it (domain/metrics.py, domain/goals.py).

Events and the item each one counts (ids from the platform; a second delivery, or a second
event about the same item, counts once):
  coaching.session_completed  {sessionId, coachId, completedAt} (other fields are ignored)
  coaching.session_cancelled  {sessionId}: removes it, also when it arrives first
  onboarding.user_guided      {coachId, userId, guidedAt}: a user guided through onboarding
  funding.granted             {employeeId, applicationId, amountSek, grantedAt, currency?: "SEK"}
  course.completed            {employeeId, courseId, completedAt}
Which person an item belongs to is kept in metricItems/{source}:{id}, so a cancellation that
names only the session finds its coach, and one that comes first is remembered.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import date

from devplan.domain.calendar import stockholm_date
from devplan.domain.metrics import (
    COACHING_SESSIONS,
    COURSES_COMPLETED,
    FUNDING_SEK,
    MAX_AMOUNT,
    USERS_GUIDED,
    MetricItem,
    Tally,
)
from devplan.errors import InvalidEvent
from devplan.services import goal_notices as notices
from devplan.services import home_refresh, senior_coach
from devplan.services.goals import lead_of, required_id
from devplan.services.inputs import PlatformEvent, parse_supported_time
from devplan.services.ports import Store, UnitOfWork

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Kind:
    source: str
    person: str  # the field naming the employee
    item: str  # the field naming the item
    at: str  # the field with when it happened
    amount: str | None = None  # the field with the amount (else 1)


KINDS = {
    "coaching.session_completed": _Kind(COACHING_SESSIONS, "coachId", "sessionId", "completedAt"),
    "onboarding.user_guided": _Kind(USERS_GUIDED, "coachId", "userId", "guidedAt"),
    "funding.granted": _Kind(FUNDING_SEK, "employeeId", "applicationId", "grantedAt", "amountSek"),
    "course.completed": _Kind(COURSES_COMPLETED, "employeeId", "courseId", "completedAt"),
}


def count_item(event: PlatformEvent, store: Store) -> str:
    kind = KINDS[event.type]
    employee_id, item_id = required_id(event, kind.person), required_id(event, kind.item)
    at = parse_supported_time(event.data.get(kind.at), kind.at, code="invalid_data", context=event.type)
    amount = event.data.get(kind.amount) if kind.amount is not None else 1
    if kind.amount is not None and (
        isinstance(amount, bool) or not isinstance(amount, int) or not 0 < amount <= MAX_AMOUNT
    ):
        raise InvalidEvent(
            f"{event.type}: {kind.amount} must be whole kronor 1–{MAX_AMOUNT} (SEK)", code="invalid_data"
        )
    if kind.amount is not None and event.data.get("currency") not in (None, "SEK"):
        raise InvalidEvent(f"{event.type}: currency must be SEK ({kind.amount} is whole kronor)", code="invalid_data")
    item = MetricItem(item_id, int(amount or 1), stockholm_date(at))

    def work(uow: UnitOfWork) -> str:
        if uow.employee(employee_id) is None:
            return "unknown_employee"
        if not uow.claim(f"platform:{event.id}"):
            return "duplicate"
        outcome = add_item(uow, employee_id, kind.source, item)
        if kind.source == COACHING_SESSIONS and outcome == "counted":  # maybe the last criterion for Senior Coach
            # the day it is known (a session reported late still counts today, business time)
            known_on = max(item.on or date.min, stockholm_date(event.occurred_at))
            # (a transaction reads what was there before its writes: the tally as it is now, computed)
            sessions = uow.tally(employee_id, COACHING_SESSIONS).with_item(item).count()
            senior_coach.consider(uow, employee_id, known_on, sessions)
        return outcome

    return event.logged(log, employee_id, store.atomically(work))


def add_item(uow: UnitOfWork, employee_id: str, source: str, item: MetricItem) -> str:
    """Count one item on the person's tally (remembering whose it is) and move their goals bound
    to the source; also for items another step counts (a grant of services/funding.py)."""
    owner, cancelled = uow.metric_item_owner(source, item.item_id)
    if owner not in (None, employee_id):
        log.error("%s %s belongs to %s, not %s", source, item.item_id, owner, employee_id)
        return "belongs_to_someone_else"
    tally = uow.tally(employee_id, source)
    if item.item_id not in tally.items and tally.full:
        log.error("the %s tally of %s is full", source, employee_id)
        return "tally_full"
    counted = tally.with_item(replace(item, cancelled=cancelled))
    uow.record_metric_item_owner(source, item.item_id, employee_id, cancelled=cancelled)
    if counted == tally:
        return "cancelled" if cancelled else "already_counted"
    uow.save_tally(counted)
    _move_goals(uow, employee_id, counted)
    return "cancelled" if cancelled else "counted"


def set_item(uow: UnitOfWork, employee_id: str, source: str, item: MetricItem) -> str:
    """Like add_item, for an item whose amount follows its newest state (a funding application's
    grant): the tally holds that amount, whatever came before, and the goals move with it."""
    owner, _ = uow.metric_item_owner(source, item.item_id)
    if owner not in (None, employee_id):
        log.error("%s %s belongs to %s, not %s", source, item.item_id, owner, employee_id)
        return "belongs_to_someone_else"
    tally = uow.tally(employee_id, source)
    counted = tally.with_amount(item)
    if owner is None:
        uow.record_metric_item_owner(source, item.item_id, employee_id, cancelled=False)
    if counted == tally:
        return "already_counted"
    uow.save_tally(counted)
    _move_goals(uow, employee_id, counted)
    return "counted"


def cancel_session(event: PlatformEvent, store: Store) -> str:
    """coaching.session_cancelled: the session no longer counts, whichever came first."""
    session_id = required_id(event, "sessionId")

    def work(uow: UnitOfWork) -> str:
        owner, cancelled = uow.metric_item_owner(COACHING_SESSIONS, session_id)
        if owner is not None:
            uow.employee(owner)
        if not uow.claim(f"platform:{event.id}"):
            return "duplicate"
        if cancelled:
            return "already_cancelled"
        uow.record_metric_item_owner(COACHING_SESSIONS, session_id, owner, cancelled=True)
        if owner is None:
            return "cancelled_before_completion"
        tally = uow.tally(owner, COACHING_SESSIONS)
        uow.save_tally(tally.with_cancelled(session_id))
        _move_goals(uow, owner, tally.with_cancelled(session_id))
        return "cancelled"

    return event.logged(log, session_id, store.atomically(work))


def _move_goals(uow: UnitOfWork, employee_id: str, tally: Tally) -> None:
    employee = uow.employee(employee_id)
    if employee is None:
        return
    plan, reached = employee.goals.with_tally(tally)
    if plan is employee.goals:
        return
    uow.save_employee(replace(employee, goals=plan))
    home_refresh.refresh(uow, employee)  # App Home: a live source moved the goals
    lead = lead_of(uow, employee)
    for goal in reached:
        notices.achievement_request(uow, employee, lead, goal)
