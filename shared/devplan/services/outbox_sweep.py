"""The daily sweep of the outbox: messages whose delivery never finished are delivered now.

The sender fires once per outbox document (on creation) and the platform retries a failed
delivery for a while; a message still `pending` or `sending` well after that (retries
exhausted, a lease left by a crashed instance) would otherwise wait forever. The sweep
hands each to the sender's own state machine, which posts at most once. It runs on
business days only (messages go out on business days) and within a time budget; one
message failing does not hold up the others."""

from __future__ import annotations

import logging
import time
from collections import Counter
from datetime import date, timedelta

from devplan.domain.calendar import is_business_day
from devplan.domain.outbox import FAILED, SENT
from devplan.errors import can_never_succeed
from devplan.services import delivery
from devplan.services.ports import Clock, DeadLetters, Slack, Store

log = logging.getLogger(__name__)
STALE_AFTER = timedelta(minutes=30)  # well past the sender's lease and first retries
BATCH = 200
TIME_BUDGET_SECONDS = 40  # inside the function's 60 s timeout


def sweep(
    store: Store, slack: Slack, clock: Clock, dead_letters: DeadLetters | None = None, *, sweep_id: str, as_of: date
) -> Counter[str]:
    """What can never succeed for one message (an unusable outbox document, a value Slack or the
    store refuses) is set aside as a dead letter, once per message; what may pass is left for
    tomorrow's sweep. Either way the sweep goes on with the next message. Each message it took
    to an end is reported `processed` (a replay of its letter is settled only then)."""
    outcome: Counter[str] = Counter()
    if not is_business_day(as_of):
        return outcome
    started = time.monotonic()
    for message_id in store.unfinished_outbox(created_before=clock() - max(STALE_AFTER, delivery.LEASE), limit=BATCH):
        if time.monotonic() - started > TIME_BUDGET_SECONDS:
            outcome["left_for_tomorrow"] += 1
            _unsent(message_id, "left_for_tomorrow")
            continue
        try:
            result = delivery.deliver(message_id, f"sweep:{sweep_id}", store, slack, clock())
            outcome[result] += 1
            if result in (SENT, FAILED):  # it was still unsent past its lease
                _unsent(message_id, result)
            if result != "claimed_elsewhere" and dead_letters is not None:  # another attempt's outcome is not ours
                dead_letters.processed("outbox", message_id)
        except Exception as exc:
            unusable = can_never_succeed(exc)
            result = "unusable" if unusable else "still_failing"
            log.error(
                "outbox sweep: %s still fails: %r",
                message_id,
                exc,
                extra={"outboxId": message_id, "sweepOutcome": result},
            )
            outcome[result] += 1
            if unusable and dead_letters is not None:
                dead_letters.set_aside("outbox", message_id, exc)
    if outcome:
        log.warning("outbox sweep finished unfinished messages: %s", dict(outcome), extra=dict(outcome))
    return outcome


def _unsent(message_id: str, result: str) -> None:
    """One line per message found unsent past its lease (`sweepOutcome`: the alert's metric counts them)."""
    extra = {"outboxId": message_id, "sweepOutcome": result}
    log.warning("outbox sweep: %s was unsent past its lease: %s", message_id, result, extra=extra)
