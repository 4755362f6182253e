"""One person (or a lead) of the daily tick's chunk set aside: counted, logged, kept as a dead
letter, while the rest of the chunk goes on (services/quarterly_cycle.py)."""

from __future__ import annotations

import logging
from collections import Counter
from datetime import date

from devplan.errors import can_never_succeed
from devplan.services.ports import DeadLetters

log = logging.getLogger("devplan.services.quarterly_cycle")  # the tick's own lines, as before


class SetAside:
    """One person (or lead) set aside: counted, logged, kept as a dead letter; raises again
    what is worth a retry of the whole chunk. And who was handled (`processed`)."""

    def __init__(self, today: date, outcome: Counter[str], dead_letters: DeadLetters | None):
        self.today, self.outcome, self.dead_letters = today, outcome, dead_letters

    def __call__(self, employee_id: str, exc: Exception, counted_as: str | None) -> None:
        if not can_never_succeed(exc):
            raise exc
        log.error("tick %s: %s cannot be handled: %r", self.today, employee_id, exc, extra={"employeeId": employee_id})
        if counted_as:
            self.outcome[counted_as] += 1
        if self.dead_letters is not None:
            self.dead_letters.set_aside("employee", employee_id, exc)

    def processed(self, employee_id: str) -> None:
        """Their day is decided and written: a replay of their letter is settled."""
        if self.dead_letters is not None:
            self.dead_letters.processed("employee", employee_id)
