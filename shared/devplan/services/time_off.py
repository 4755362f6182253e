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
from datetime import date, datetime
from typing import Any

from devplan.domain.employees import Employee
from devplan.domain.limits import parse_day
from devplan.domain.outbox import OutboxMessage
from devplan.domain.time_off import (
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
from devplan.services.inputs import PlatformEvent
from devplan.services.ports import Store, UnitOfWork
from devplan.services.slack_replies import ephemeral

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


def book(uow: UnitOfWork, employee: Employee, period: TimeOff) -> str:
    """In the caller's transaction: `recorded` (kept, the lead told), `unchanged`, `stale`, `already_cancelled`."""
    time_off, outcome = employee.time_off.booked(period)
    if outcome == "recorded":
        uow.save_employee(replace(employee, time_off=time_off))
        _tell_lead(uow, employee, period, cancelled=False)
    return outcome


def cancel(uow: UnitOfWork, employee: Employee, time_off_id: str) -> str:
    time_off, outcome = employee.time_off.cancel(time_off_id)
    if outcome == "cancelled":
        uow.save_employee(replace(employee, time_off=time_off))
        known = employee.time_off.period(time_off_id)
        if known is not None:  # a cancellation that came first: the lead was never told of it
            _tell_lead(uow, employee, known, cancelled=True)
    return outcome


def _tell_lead(uow: UnitOfWork, employee: Employee, period: TimeOff, *, cancelled: bool) -> None:
    lead = uow.employee(employee.lead_id) if employee.lead_id else None
    if lead is None or not lead.slack_user_id:
        return  # the agenda and App Home still show it
    shown = render.lead_notice(lead.language, employee.name, period, cancelled=cancelled)
    what = "cancelled" if cancelled else f"{period.start.isoformat()}:{period.end.isoformat()}"
    uow.emit(
        OutboxMessage(
            f"time-off:{employee.employee_id}:{period.time_off_id}:{what}",
            users=(lead.slack_user_id,),
            text=shown.text,
            blocks=shown.blocks,
            topic="time off → lead",
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
        return cancel(uow, employee, time_off_id)

    return event.logged(log, employee_id, store.atomically(work), time_off_id)


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
    if start is None or end is None or end < start or (end - start).days >= MAX_PERIOD_DAYS or kind is None:
        return {"outcome": "usage", **ephemeral(text(lang, "time_off.usage"))}
    asked = TimeOff("", start, end, kind, now)

    def work(uow: UnitOfWork) -> str:
        employee = uow.employee(me.employee_id)
        if employee is None:
            return "unknown"
        if cancelling:  # any period of exactly these days, booked here or on the platform
            found = next((p for p in employee.time_off.active if (p.start, p.end) == (start, end)), None)
            return cancel(uow, employee, found.time_off_id) if found else "not_found"
        return book(uow, employee, replace(asked, time_off_id=_slack_id(employee.time_off, start, end)))

    outcome = store.atomically(work)
    log.info("time off by Slack for %s: %s", me.employee_id, outcome, extra={"employeeId": me.employee_id})
    if outcome == "unknown":
        return {"outcome": outcome, **ephemeral(text(lang, "status.unknown"))}
    key = {"stale": "unchanged", "already_cancelled": "unchanged"}.get(outcome, outcome)
    return {"outcome": outcome, **ephemeral(render.said(lang, key, asked))}


def _slack_id(book: TimeOffBook, start: date, end: date) -> str:
    base, n = f"slack-{start.isoformat()}-{end.isoformat()}", 1
    while (f"{base}-{n}" if n > 1 else base) in book.cancelled:
        n += 1
    return f"{base}-{n}" if n > 1 else base
