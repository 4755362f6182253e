"""The 1:1's "Markera som genomfört" button: records who confirmed it and when.

The day comes from Slack's action timestamp (business time from the event, not our clock).
Only the employee and their lead may confirm; a second click changes nothing."""
from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any

from devplan.adapters import cycle_messages as render
from devplan.domain.calendar import Quarter, stockholm_date
from devplan.domain.outbox import OutboxMessage
from devplan.errors import InvalidEvent
from devplan.services.onboarding import slack_user_of
from devplan.services.quarterly_cycle import cycle_path

log = logging.getLogger(__name__)


def mark_held(value: str, slack_user_id: str, action_ts: str, store: Any) -> str:
    try:
        employee_id, quarter_key = value.split("|")
        quarter = Quarter.parse(quarter_key)
        held_at = datetime.fromtimestamp(float(action_ts), timezone.utc)
    except (ValueError, TypeError):
        raise InvalidEvent(f"mark-held button value is malformed: {value!r}", code="malformed") from None
    path = cycle_path(employee_id, quarter)

    def work(uow: Any) -> str:
        employee, cycle = uow.get(f"employees/{employee_id}"), uow.get(path)
        lead = uow.get(f"employees/{employee['leadId']}") if employee and employee.get("leadId") else None
        if employee is None or cycle is None or lead is None:
            return "unknown_review"
        review = cycle.get("review") or {}
        if review.get("status") == "held":
            return "already_held"
        confirmer = {slack_user_of(employee): (employee_id, employee), slack_user_of(lead): (employee["leadId"], lead)}
        if slack_user_id not in confirmer:
            return "not_a_participant"
        who_id, who = confirmer[slack_user_id]
        uow.put(path, {"review": {"status": "held", "heldAt": held_at, "heldOn": stockholm_date(held_at).isoformat(),
                                  "confirmedBy": {"employeeId": who_id, "slackUserId": slack_user_id}}})
        confirmation = render.held_confirmation(employee.get("language", "sv"), quarter, who["name"],
                                                stockholm_date(held_at))
        uow.emit(OutboxMessage(f"review-held:{employee_id}:{quarter.key}",
                               users=(slack_user_of(employee), slack_user_of(lead)),
                               text=confirmation.text, blocks=confirmation.blocks, topic="1:1 held"))
        return "held"

    outcome = store.atomically(work)
    log.info("1:1 %s %s marked by %s: %s", employee_id, quarter.key, slack_user_id, outcome,
             extra={"employeeId": employee_id, "quarter": quarter.key, "outcome": outcome})
    return outcome
