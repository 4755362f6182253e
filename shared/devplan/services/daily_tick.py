"""The daily tick: decide nothing itself, only fan out the day to employee chunks.

One invocation must not loop over every employee with a transaction (10,000 employees would
not fit a function's time limit); it publishes one message per chunk of employee ids, and
chunks run in parallel across instances (services/quarterly_cycle.py).

Only employees who are due are fanned out: those whose next check day (domain/next_check.py,
written by their last turn) is today or earlier, so a quiet day reads what is due, not the
whole organisation, and a missed day is caught up (due yesterday is due today). `force`
(an operator re-running a day) fans out every active employee, the index aside.
"""

from __future__ import annotations

import logging

from devplan.domain.calendar import is_business_day
from devplan.services.inputs import Tick
from devplan.services.ports import Publisher, Store

log = logging.getLogger(__name__)
EMPLOYEE_TICK_TOPIC = "devplan-employee-tick"
CHUNK_SIZE = 25  # small chunks spread a big organisation over many instances


def fan_out(tick: Tick, store: Store, publisher: Publisher, *, chunk_size: int = CHUNK_SIZE) -> str:
    day = tick.as_of.isoformat()
    if not is_business_day(tick.as_of):
        log.info(
            "tick %s: not a Swedish business day, nothing is sent", day, extra={"asOf": day, "tickStage": "day_off"}
        )
        store.record_tick(tick.as_of, "day_off", event_id=tick.message_id)
        return "day_off"
    if store.tick_state(tick.as_of) == "fanned_out" and not tick.force:
        log.info("tick %s already fanned out; duplicate ignored", day, extra={"asOf": day, "eventId": tick.message_id})
        return "already_done"
    ids = sorted(store.active_employee_ids() if tick.force else store.due_employee_ids(tick.as_of))
    chunks = [ids[i : i + chunk_size] for i in range(0, len(ids), chunk_size)]
    publisher.publish_many(
        EMPLOYEE_TICK_TOPIC, [{"asOf": day, "employeeIds": c, "chunk": n} for n, c in enumerate(chunks)], asOf=day
    )
    # Recorded after publishing: a crash in between re-publishes, which the chunks tolerate.
    # Each chunk reports to ticks/{day}/chunks/{n} when done: progress of a long day is visible.
    store.record_tick(tick.as_of, "fanned_out", event_id=tick.message_id, employees=len(ids), chunks=len(chunks))
    log.info(
        "tick %s: %d employees in %d chunks",
        day,
        len(ids),
        len(chunks),
        extra={"asOf": day, "employees": len(ids), "chunks": len(chunks)},
    )
    return "fanned_out"
