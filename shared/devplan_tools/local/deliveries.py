"""What the event functions of one host share: a delivery's attempts, the pool, the instance
slots, the counts, the journal and the retry timers still to fire."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
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
    """What every event function of one host shares: the pool, the instance slots, the
    counts (one lock for them), the journal and the retry timers still to fire."""

    def __init__(
        self,
        pool: ThreadPoolExecutor,
        slots: threading.BoundedSemaphore,
        journal: Journal | None,
        concurrent_triggers: bool = False,
    ):
        self.pool, self.slots, self.journal = pool, slots, journal
        self.concurrent_triggers = concurrent_triggers  # Firestore triggers run at once (event_functions.py)
        self.counts: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.timers: set[threading.Timer] = set()
        self.closed = False

    def count(self, **increments: int) -> None:
        with self.lock:
            self.counts.update(increments)

    def later(self, seconds: float, work: Callable[[], None]) -> None:
        """`work` in the pool after `seconds`, unless the host closes first."""

        def submit() -> None:
            with self.lock:
                self.timers.discard(timer)
                if self.closed:
                    return
                self.pool.submit(work)

        timer = threading.Timer(max(0.0, seconds), submit)
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
        self.pool.shutdown(wait=False, cancel_futures=True)
