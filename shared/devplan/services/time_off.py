"""Time off, "utan pekpinnar": a period booked or cancelled, from the platform
(`employee.time_off`, `employee.time_off_cancelled`) or in Slack (`/utveckling ledig …`).

One transaction: the period is kept on the employee (domain/time_off.py decides what changes),
and the lead is told once per booking and once per cancellation (deterministic outbox ids), so
they see who is away. The cycle's rules read the periods on every tick: reminders pause while
the person is away and deadlines move by the business days missed; nothing else is scheduled
here, so a cancellation undoes it all by itself.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from devplan.domain.calendar import stockholm_date
from devplan.domain.employees import Employee
from devplan.domain.limits import parse_day
from devplan.domain.outbox import OutboxMessage, named
from devplan.domain.time_off import (
    MAX_MOVE,
    MAX_PERIOD_DAYS,
    OTHER,
    PARENTAL_LEAVE,
    VACATION,
    TimeOff,
    TimeOffBook,
    parse_cancellation,
    parse_time_off,
)
from devplan.domain.time_off import away as away_on
from devplan.messages import time_off as render
from devplan.messages.catalog import text
from devplan.services import home_refresh
from devplan.services.inputs import PlatformEvent
from devplan.services.leads import active_lead
from devplan.services.ports import Store, UnitOfWork
from devplan.services.slack_replies import ephemeral, tell

log = logging.getLogger(__name__)
UNKNOWN_EMPLOYEE = "unknown_employee"  # held until they are onboarded (services/held_events.py)
CANCEL_WORDS = ("avboka", "avbryt", "cancel")
KIND_WORDS = {
    **dict.fromkeys(("semester", "vacation", "holiday"), VACATION),
    **dict.fromkeys(("föräldraledig", "föräldraledighet", "foraldraledig", "parental"), PARENTAL_LEAVE),
    **dict.fromkeys(("annat", "other", "ledig"), OTHER),
}


def away(employee: Employee, day: date) -> TimeOff | None:
    """The period `employee` is away in on `day`, if any (for App Home and the lead's lists)."""
    return away_on(employee.time_off, day)


def book(uow: UnitOfWork, employee: Employee, period: TimeOff, on: date | None = None) -> str:
    """In the caller's transaction: `recorded` (kept, the lead told), `unchanged`, `stale`,
    `already_cancelled`. `on`: the business day of a request from Slack (App Home is refreshed
    as of it, a simulated one's own); default: the transaction's. Never the event's own day: a
    platform event may arrive a quarter late, and Home would then show that quarter again."""
    time_off, outcome = employee.time_off.booked(period)
    if outcome == "recorded":
        uow.save_employee(replace(employee, time_off=time_off))
        _tell_lead(uow, employee, period, cancelled=False)
        home_refresh.refresh(uow, employee, on)  # App Home: the person's periods, the lead's "away"
        _log_beyond_horizon(employee.employee_id, time_off, period)
    return outcome


def cancel(uow: UnitOfWork, employee: Employee, time_off_id: str, at: datetime, on: date | None = None) -> str:
    """In the caller's transaction: `cancelled` or `already_cancelled`. `at`: when it was said.
    `on`: the business day of a request from Slack (App Home is refreshed as of it; default:
    the transaction's)."""
    time_off, outcome = employee.time_off.cancel(time_off_id, at)
    if outcome == "cancelled":
        uow.save_employee(replace(employee, time_off=time_off))
        forgotten = employee.time_off.cancelled - time_off.cancelled
        if forgotten:  # bounded (domain/time_off.MAX_CANCELLED): a very late booking of these counts
            _warn(employee.employee_id, "the oldest cancellations forgotten: %.300s", ", ".join(sorted(forgotten)))
        known = employee.time_off.period(time_off_id)
        if known is not None:  # a cancellation that came first: the lead was never told of it
            _tell_lead(uow, employee, known, cancelled=True)
            home_refresh.refresh(uow, employee, on)  # App Home: the period gone from both Homes
    return outcome


def _log_beyond_horizon(employee_id: str, time_off: TimeOffBook, period: TimeOff) -> None:
    """Periods end to end longer than MAX_MOVE (the horizon) move a deadline only that far: said once, when booked."""
    for first, last in time_off.runs:
        if first <= period.start <= last and last - first >= MAX_MOVE:
            _warn(employee_id, "away %s to %s end to end: deadlines move at most to the horizon", first, last)


def _warn(employee_id: str, what: str, *args: object) -> None:
    log.warning("time off of %s: " + what, employee_id, *args, extra={"employeeId": employee_id})


def _tell_lead(uow: UnitOfWork, employee: Employee, period: TimeOff, *, cancelled: bool) -> None:
    lead = active_lead(uow, employee)
    if lead is None or not lead.slack_user_id:
        return  # the agenda and App Home still show it
    shown = render.lead_notice(lead.language, employee.name, period, cancelled=cancelled)
    # Once per booking event: its days and moment, so a change back to days told before (July,
    # August, July again) is told again, and the same event handled twice is told once.
    said_at = f"{period.occurred_at.astimezone(UTC):%Y%m%dT%H%M%S%f}"
    what = "cancelled" if cancelled else f"{period.start.isoformat()}:{period.end.isoformat()}:{said_at}"
    uow.emit(
        OutboxMessage(
            f"time-off:{employee.employee_id}:{period.time_off_id}:{what}",
            users=(lead.slack_user_id,),
            text=shown.text,
            blocks=shown.blocks,
            topic="time off → lead",
            about=(employee.employee_id,),
        )
    )


def booked_event(event: PlatformEvent, store: Store) -> str:
    """`employee.time_off` {employeeId, timeOffId, from, to, kind}."""
    employee_id, period = parse_time_off(event.data, event.occurred_at)

    def work(uow: UnitOfWork) -> str:
        employee = uow.employee(employee_id)
        if employee is None:
            return UNKNOWN_EMPLOYEE  # nothing claimed: held, and applied when they arrive
        if not uow.claim(f"platform:{event.id}"):
            return "duplicate"
        return book(uow, employee, period)

    return event.logged(log, employee_id, store.atomically(work), period.time_off_id)


def cancelled_event(event: PlatformEvent, store: Store) -> str:
    """`employee.time_off_cancelled` {employeeId, timeOffId}: final for that id, in any order."""
    employee_id, time_off_id = parse_cancellation(event.data)

    def work(uow: UnitOfWork) -> str:
        employee = uow.employee(employee_id)
        if employee is None:
            return UNKNOWN_EMPLOYEE
        if not uow.claim(f"platform:{event.id}"):
            return "duplicate"
        return cancel(uow, employee, time_off_id, event.occurred_at)  # Home as of today, not the event's day

    return event.logged(log, employee_id, store.atomically(work), time_off_id)


def period_problem(start: date | None, end: date | None, kind: str | None) -> str | None:
    """What is wrong with a period asked for in Slack (the command and the modal alike), if
    anything: `not_a_date`, `to_before_from`, `too_long` (over MAX_PERIOD_DAYS), `unknown_kind`."""
    if start is None or end is None:
        return "not_a_date"
    if end < start:
        return "to_before_from"
    if (end - start).days >= MAX_PERIOD_DAYS:
        return "too_long"
    return None if kind in (VACATION, PARENTAL_LEAVE, OTHER) else "unknown_kind"


def own_request(
    store: Store, employee_id: str, asked: TimeOff, *, cancelling: bool = False, reply: tuple[str, str] | None = None
) -> str:
    """The asker's own period, booked (its id made from its days) or cancelled (any active period
    of exactly these days), in one transaction: the outcome of `book` or `cancel`, `not_found`
    or `unknown`. `reply`: (Slack user, key) told the answer as a DM in the same transaction (the
    modal's answer; the command's comes in its HTTP answer), once per key."""

    def work(uow: UnitOfWork) -> str:
        employee = uow.employee(employee_id)
        if employee is None:
            return "unknown"
        on = stockholm_date(asked.occurred_at)  # asked in Slack just now (or on a simulated day)
        if cancelling:  # any period of exactly these days, booked here or on the platform
            found = next((p for p in employee.time_off.active if (p.start, p.end) == (asked.start, asked.end)), None)
            outcome = cancel(uow, employee, found.time_off_id, asked.occurred_at, on) if found else "not_found"
        else:
            period_id = _slack_id(employee.time_off, asked.start, asked.end)
            outcome = book(uow, employee, replace(asked, time_off_id=period_id), on)
        if reply is not None:
            tell(uow, reply[0], reply[1], answer(employee.language, outcome, asked), named(employee))
        return outcome

    outcome: str = store.atomically(work)
    log.info("time off by Slack for %s: %s", employee_id, outcome, extra={"employeeId": employee_id})
    return outcome


def answer(lang: str, outcome: str, asked: TimeOff) -> str:
    """What the asker is told of their own booking or cancellation (command and modal alike)."""
    if outcome == "unknown":
        return text(lang, "status.unknown")
    key = {"stale": "unchanged", "already_cancelled": "unchanged"}.get(outcome, outcome)
    return render.said(lang, key, asked)


def command(store: Store, slack_user_id: str, words: list[str], now: datetime) -> dict[str, Any]:
    """`/utveckling ledig 2025-07-01 2025-07-31 [semester|föräldraledig|annat]` and
    `/utveckling ledig avboka 2025-07-01 2025-07-31`: the asker's own time off. The period's id
    is made from its days, so the same command twice is one period; booked again after a
    cancellation, it is a new period (a cancellation is final for its id)."""
    me = store.employee_with_slack_user(slack_user_id)
    lang = me.language if me else "sv"
    if me is None:
        return {"outcome": "unknown", **ephemeral(text(lang, "status.unknown"))}
    cancelling = bool(words) and words[0] in CANCEL_WORDS
    days = [parse_day(w) for w in words[cancelling : cancelling + 2]]
    rest = words[cancelling + 2 :]
    start, end = (days + [None, None])[:2]
    kind = KIND_WORDS.get(rest[0]) if rest else VACATION
    if period_problem(start, end, kind) is not None or start is None or end is None or kind is None:
        return {"outcome": "usage", **ephemeral(text(lang, "time_off.usage"))}
    asked = TimeOff("", start, end, kind, now)
    outcome = own_request(store, me.employee_id, asked, cancelling=cancelling)
    return {"outcome": outcome, **ephemeral(answer(lang, outcome, asked))}


def cancel_by_id(store: Store, slack_user_id: str, employee_id: str, time_off_id: str, on: date) -> tuple[str, str]:
    """Avboka on App Home (the button names whose period): (outcome, answer) — `cancelled`,
    `already_cancelled`, `not_found`, `not_yours` (only the person themself cancels their own)
    or `unknown`."""
    me = store.employee_with_slack_user(slack_user_id)
    lang = me.language if me else "sv"
    if me is None:
        return "unknown", text(lang, "status.unknown")
    if me.employee_id != employee_id:
        return "not_yours", text(lang, "time_off_form.not_yours")

    def work(uow: UnitOfWork) -> tuple[str, TimeOff | None]:
        employee = uow.employee(employee_id)
        known = employee.time_off.period(time_off_id) if employee else None
        if employee is None or known is None:
            return "not_found", None
        return cancel(uow, employee, time_off_id, uow.now, on), known

    outcome, known = store.atomically(work)
    log.info("time off %s cancelled on App Home: %s", time_off_id, outcome, extra={"employeeId": employee_id})
    if known is None:
        return outcome, text(lang, "time_off_form.gone")
    return outcome, answer(lang, outcome, known)


def _slack_id(book: TimeOffBook, start: date, end: date) -> str:
    base, n = f"slack-{start.isoformat()}-{end.isoformat()}", 1
    while (f"{base}-{n}" if n > 1 else base) in book.cancelled:
        n += 1
    return f"{base}-{n}" if n > 1 else base
