"""What the event functions of one host share: a delivery's attempts, the counts, the journal
and the retry timers still to fire."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from devplan_tools.local.journal import Entry, Journal


@dataclass
class Delivery:
    """One event's attempts at one function."""

    event_id: str
    first_at: float
    attempts: int = 0
    state: str = "running"  # running | waiting (for the next attempt) | done | dropped
    next_due: float = 0.0
    journaled: Entry | None = None  # Firestore triggers: the record a new host would redeliver


class Shared:
    """What every event function of one host shares: the counts (one lock for them), the
    journal and the retry timers still to fire (each function runs its deliveries on its own
    instances, instances.py)."""

    def __init__(self, journal: Journal | None, concurrent_triggers: bool = False):
        self.journal = journal
        self.concurrent_triggers = concurrent_triggers  # delivered at once, as in production (event_functions.py)
        self.counts: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.timers: set[threading.Timer] = set()
        self.closed = False

    def count(self, **increments: int) -> None:
        with self.lock:
            self.counts.update(increments)

    def later(self, seconds: float, work: Callable[[], None]) -> None:
        """`work` (quick: it hands the delivery to a function's threads) after `seconds`, unless
        the host closes first."""

        def fire() -> None:
            with self.lock:
                self.timers.discard(timer)
                if self.closed:
                    return
            work()

        timer = threading.Timer(max(0.0, seconds), fire)
        timer.daemon = True
        with self.lock:
            if self.closed:
                return
            self.timers.add(timer)
        timer.start()

    def close(self) -> None:
        with self.lock:
            self.closed = True
            timers, self.timers = self.timers, set()
        for timer in timers:
            timer.cancel()
