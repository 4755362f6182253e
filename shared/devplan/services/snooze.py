""" "Inte nu" on a reminder (the rules: domain/snooze.py; the button: messages/why.py).

The click records a snooze on the quarter's cycle record, in one transaction with its answer to
the person (a DM through the outbox, slack_replies.tell): only the person the reminder is about
can snooze it. The daily tick then turns the next reminder of that kind into a skip (`skip`,
in cycle_actions.ACTIONS), recorded as done without a message.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any

from devplan.domain.calendar import Quarter
from devplan.domain.cycle import Action
from devplan.domain.cycle_record import CycleRecord
from devplan.domain.ids import is_valid_id
from devplan.domain.outbox import named
from devplan.domain.snooze import SNOOZED, kind_of, sent_in, snoozed, used
from devplan.errors import InvalidEvent
from devplan.messages.catalog import text
from devplan.services.language import speaker_language
from devplan.services.ports import Store, UnitOfWork
from devplan.services.slack_replies import ephemeral, tell

if TYPE_CHECKING:  # cycle_actions imports this module for its table
    from devplan.services.cycle_actions import Turn

log = logging.getLogger(__name__)


def read_value(value: str) -> tuple[str, Quarter, str]:
    """(employee id, quarter, reminder key) of the button's value (messages/why.snooze_value).
    Every part is checked before anything is read: a forged value must not reach a record's id
    (a cycle of year 0) or a transaction that can only fail (a dead letter)."""
    employee_id, _, rest = value.partition("|")
    quarter_key, _, reminder_key = rest.partition("|")
    try:
        quarter = Quarter.parse(quarter_key)
    except ValueError:
        quarter = None
    if not is_valid_id(employee_id) or quarter is None or not sent_in(reminder_key, quarter):
        raise InvalidEvent(f"snooze button value is malformed: {value!r:.80}", code="malformed")
    return employee_id, quarter, reminder_key


def snooze_click(store: Store, value: str, slack_user_id: str, on: date) -> dict[str, Any]:
    employee_id, quarter, reminder_key = read_value(value)
    lang = speaker_language(store, slack_user_id)

    def work(uow: UnitOfWork) -> dict[str, Any]:
        employee = uow.employee(employee_id)
        if employee is None:
            outcome, shown = "unknown", text(lang, "snooze.unknown")
        elif employee.slack_user_id != slack_user_id:
            outcome, shown = "not_yours", text(lang, "snooze.not_yours", employee=employee.name)
        else:
            cycle = uow.cycle(employee_id, quarter)
            snoozes, outcome = snoozed(cycle.snoozes, reminder_key, on)
            if outcome == SNOOZED:
                uow.save_cycle(replace(cycle, snoozes=snoozes))
                shown = text(lang, "snooze.snoozed", what=text(lang, f"snooze.what.{kind_of(reminder_key)}"))
            else:
                shown = text(lang, "snooze.already")
        tell(uow, slack_user_id, f"snooze:{employee_id}:{reminder_key}:{outcome}", shown, named(employee))
        return {"outcome": outcome, **ephemeral(shown)}

    answer = store.atomically(work)
    log.info("snooze %s by %s: %s", value, slack_user_id, answer["outcome"], extra={"employeeId": employee_id})
    return answer


def skip(turn: Turn, action: Action, cycle: CycleRecord) -> CycleRecord:
    """The reminder a snooze waits for: nothing is sent; the snooze is used, and a skipped
    reflection nudge counts as this week's (the next comes a week later, not tomorrow)."""
    changed = replace(cycle, snoozes=used(cycle.snoozes, action.key))
    if kind_of(action.key) == "reflection_nudge":
        changed = replace(changed, last_reflection_nudge=turn.today)
    return changed
