"""What the event functions of one host share: a delivery's attempts, the pool, the instance
slots, the counts, the journal and the retry timers still to fire."""

from __future__ import annotations

import threading
from collections import Counter, deque
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
        if seconds <= 0:  # due now (a concurrent trigger's first attempt): no timer thread to start
            with self.lock:
                if not self.closed:
                    self.pool.submit(work)
            return

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


class PushWindow:
    """One event function's push window (event_functions.py): shut by a 429, a delivery is held
    back while every instance is busy and pushed when an attempt ends; open once none is held."""

    def __init__(self, bound: int, shared: Shared):
        self.bound, self.shared = bound, shared
        self._held: deque[Callable[[], None]] = deque()
        self._shut = False
        self._running = 0
        self._lock = threading.Lock()

    def hold(self, push: Callable[[], None]) -> bool:
        """True: held back (`push` runs when an attempt ends)."""
        with self._lock:
            if self._shut and self._running >= self.bound:
                self._held.append(push)
                return True
            return False

    def shut(self) -> None:
        with self._lock:
            self._shut = True

    def started(self) -> None:
        with self._lock:
            self._running += 1

    def ended(self) -> None:
        """An attempt ended: the oldest held delivery goes, on the pool."""
        with self._lock:
            self._running -= 1
            push = self._held.popleft() if self._held else None
            if not self._held:
                self._shut = False
        if push is not None:
            with self.shared.lock:
                if self.shared.closed:
                    return
                self.shared.pool.submit(push)
