"""One event function's instances on the local host, bounded as Cloud Run bounds them.

At most max_instances × concurrency requests run at once (the manifest's `bound`). A request
beyond it waits in Cloud Run's queue for up to QUEUE_SECONDS for a request to finish, and is
answered 429 unrun if none does ("Exceeding maximum instances",
https://cloud.google.com/run/docs/about-instance-autoscaling); Eventarc and Pub/Sub then
redeliver it with their backoff. The queue is the platform's wall-clock time, not a retry
delay, so it is not compressed (retry.py compresses only the backoff).

What the host delivers itself (a retry, an event acknowledged at once and run after) runs on
the function's own threads, as many as its bound: a busy function never holds up another's
deliveries, and a fan-out never starts more threads than the manifest allows instances.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
QUEUE_SECONDS = 10.0  # Cloud Run: "incoming requests can be queued for up to 10 seconds"


class Instances:
    def __init__(self, name: str, bound: int, queue_seconds: float = QUEUE_SECONDS):
        self.queue_seconds = queue_seconds
        self._free = threading.BoundedSemaphore(bound)
        self._threads = ThreadPoolExecutor(max_workers=bound, thread_name_prefix=name)

    def run(self, call: Callable[[], T], queued_at: float | None = None) -> T | None:
        """`call`'s result on a free instance, or None when none became free within the queue
        time, counted from `queued_at` (a delivery waiting for one of the function's threads
        is already in the queue) or from now."""
        waited = time.monotonic() - queued_at if queued_at is not None else 0.0
        if not self._free.acquire(timeout=max(0.0, self.queue_seconds - waited)):
            return None
        try:
            return call()
        finally:
            self._free.release()

    def submit(self, work: Callable[[float], None]) -> None:
        """`work(queued_at)` on one of the function's threads; nothing once closed."""
        queued_at = time.monotonic()
        with contextlib.suppress(RuntimeError):  # shut down: the host stops (a journaled delivery stays journaled)
            self._threads.submit(work, queued_at)

    def close(self) -> None:
        self._threads.shutdown(wait=False, cancel_futures=True)
