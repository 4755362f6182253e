"""The 1:1's "Markera som genomfört" button: records who confirmed it and when.

The day comes from Slack's action timestamp (business time from the event, not our clock).
Only the employee and their lead may confirm; a second click changes nothing."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from devplan.domain.calendar import Quarter, stockholm_date
from devplan.domain.cycle_record import HELD
from devplan.domain.ids import is_valid_id
from devplan.domain.outbox import OutboxMessage, named
from devplan.errors import InvalidEvent
from devplan.messages import cycle as render
from devplan.services import home_refresh
from devplan.services.leads import active_lead
from devplan.services.ports import Store, UnitOfWork

log = logging.getLogger(__name__)


def mark_held(value: str, slack_user_id: str, action_ts: str, store: Store) -> str:
    try:
        employee_id, quarter_key = value.split("|")
        quarter = Quarter.parse(quarter_key)
        held_at = datetime.fromtimestamp(float(action_ts), UTC)
    except (ValueError, TypeError, OverflowError, OSError):
        raise InvalidEvent(f"mark-held button value is malformed: {value!r}", code="malformed") from None
    if not is_valid_id(employee_id):
        raise InvalidEvent(f"mark-held button names no valid employee: {value!r}", code="malformed")

    def work(uow: UnitOfWork) -> str:
        employee = uow.employee(employee_id)
        lead = active_lead(uow, employee) if employee else None
        if employee is None or lead is None or not uow.cycle_exists(employee_id, quarter):
            return "unknown_review"
        cycle = uow.cycle(employee_id, quarter)
        if cycle.review.status == HELD:
            return "already_held"
        confirmer = {employee.slack_user_id: employee, lead.slack_user_id: lead}
        who = confirmer.get(slack_user_id)
        if who is None:
            return "not_a_participant"
        held_on = stockholm_date(held_at)
        uow.save_cycle(cycle.held_by(who.employee_id, slack_user_id, held_at, held_on))
        home_refresh.refresh(uow, employee, held_on)  # App Home: the 1:1 held
        confirmation = render.held_confirmation(employee.language, quarter, who.name, held_on)
        uow.emit(
            OutboxMessage(
                f"review-held:{employee_id}:{quarter.key}",
                users=tuple(u for u in (employee.slack_user_id, lead.slack_user_id) if u),
                text=confirmation.text,
                blocks=confirmation.blocks,
                topic="1:1 held",
                about=named(employee, who),
            )
        )
        return "held"

    outcome = store.atomically(work)
    log.info(
        "1:1 %s %s marked by %s: %s",
        employee_id,
        quarter.key,
        slack_user_id,
        outcome,
        extra={"employeeId": employee_id, "quarter": quarter.key, "outcome": outcome},
    )
    return outcome
