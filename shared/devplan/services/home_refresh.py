"""When App Home is published: when the person opens it (`app_home_opened`) and when their
plan changes, through the outbox (kind "home"), never from inside a transaction.

A message's id names the person (their employee id; a Slack user not in the plan by a key,
never by the Slack id: domain/outbox.user_key), the day the Home is shown as of and a version (the
Slack event's id for an opening, the transaction's time for a change): the same event or
transaction handled twice emits it once, and the sender marks it sent once published. The
view itself is rendered when it is sent (services/home.publish), from the newest state, so
whichever refresh goes last shows the newest plan.

Only people who have opened their Home are refreshed on a change (`Employee.home_opened`, set
at the first opening): nobody else has a Home tab to keep fresh, and views.publish (Tier 4) is
not spent on them."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from devplan.domain.calendar import stockholm_date
from devplan.domain.employees import Employee
from devplan.domain.limits import is_supported_day
from devplan.domain.outbox import HOME, OutboxMessage, user_key
from devplan.services.leads import active, active_lead
from devplan.services.ports import Store, UnitOfWork

log = logging.getLogger(__name__)


def home_message(slack_user_id: str, on: date, version: str, employee_id: str | None) -> OutboxMessage:
    """`users`: whom the sender publishes to; `about`: whose Home it shows (the sender reads them
    by it, so a Home cleared by an erasure still finds the erased record)."""
    return OutboxMessage(
        f"{HOME}:{employee_id or user_key(slack_user_id)}:{on.isoformat()}:{version}",
        kind=HOME,
        users=(slack_user_id,),
        topic="app home",
        about=(employee_id,) if employee_id else (),
    )


def home_day(message: OutboxMessage) -> date:
    """The day a Home message is shown as of (the third part of its id)."""
    return date.fromisoformat(message.id.split(":")[2])


def refresh(
    uow: UnitOfWork, employee: Employee | str, on: date | None = None, *, version: str = "", also: str | None = None
) -> None:
    """After a change of `employee`'s plan (in its transaction; the record or its id): their Home
    and their lead's (who sees them in the team table), for those who have one. `on`: the
    change's business day (default: the transaction's, in Stockholm). `version`: a fixed one
    makes the lead's refresh once for a whole team changing together (the quarter's opening).
    `also`: one more person's id whose Home shows the change (a lead the person just left)."""
    on = on or stockholm_date(uow.now)
    if isinstance(employee, str):
        found = uow.employee(employee)
        if found is None:
            return
        employee = found
    version = version or f"{uow.now:%Y%m%dT%H%M%S%f}"
    lead = active_lead(uow, employee)  # a lead who left has no Home to keep fresh
    other = active(uow, also) if also else None  # one who left keeps the closing line they have
    for person in (employee, lead, other):
        if person is not None and person.slack_user_id and person.home_opened:
            uow.emit(home_message(person.slack_user_id, on, version, person.employee_id))


def opened_on(event_ts: Any) -> date | None:
    """The Stockholm day of an event's `event_ts` ("1744095630.000100"), None if it is not one."""
    try:
        day = stockholm_date(datetime.fromtimestamp(float(event_ts), UTC))
    except (TypeError, ValueError, OverflowError, OSError):
        return None
    return day if is_supported_day(day) else None


def opened(store: Store, slack_user_id: str, event_id: str, today: date) -> dict[str, Any]:
    """`app_home_opened` on the Home tab: publish it (through the outbox) and, the first time,
    remember that this person has a Home to keep fresh. Someone not in the plan gets the short
    explanation."""
    known = store.employee_with_slack_user(slack_user_id)
    safe_event = "".join(c for c in event_id if c.isalnum() or c in "-_.")[:100] or "opened"

    def work(uow: UnitOfWork) -> str:
        employee = uow.employee(known.employee_id) if known else None
        if employee is not None and not employee.home_opened:
            uow.save_employee(replace(employee, home_opened=True))
        emitted = uow.emit(home_message(slack_user_id, today, safe_event, known.employee_id if known else None))
        return "published" if emitted else "duplicate"

    outcome = store.atomically(work)
    log.info(
        "app home opened by %s: %s", slack_user_id, outcome, extra={"employeeId": known.employee_id if known else None}
    )
    return {"outcome": outcome}
