"""The daily sweep of the outbox: messages whose delivery never finished are delivered now.

The sender fires once per outbox document (on creation) and the platform retries a failed
delivery for a while; a message still `pending` or `sending` well after that (retries
exhausted, a lease left by a crashed instance) would otherwise wait forever. The sweep
hands each to the sender's own state machine, which posts at most once."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from devplan.services.delivery import LEASE, deliver

log = logging.getLogger(__name__)
STALE_AFTER = timedelta(minutes=30)      # well past the sender's lease and first retries
BATCH = 200


def sweep(store: Any, slack: Any, now: datetime, *, sweep_id: str) -> dict[str, int]:
    stale = store.unfinished_outbox(created_before=now - max(STALE_AFTER, LEASE), limit=BATCH)
    outcome: dict[str, int] = {}
    for message_id in stale:
        result = deliver(message_id, f"sweep:{sweep_id}", store, slack, now)
        outcome[result] = outcome.get(result, 0) + 1
    if stale:
        log.warning("outbox sweep found %d unfinished messages: %s", len(stale), outcome, extra=outcome)
    return outcome
