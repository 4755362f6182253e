"""Production's retry shape for event functions, compressed in time for the local stack.

In production a function with `retry: true` is redelivered by its Eventarc trigger (Firestore
events) or push subscription (Pub/Sub) with exponential backoff from 10 s doubling to 600 s,
for as long as the event is kept: 24 h (Eventarc's message retention; the product itself drops
events older than DEVPLAN_MAX_EVENT_AGE_SECONDS before that). With `retry: false` (Eventarc's
RETRY_POLICY_DO_NOT_RETRY) a failed event is dropped after its one attempt.

Locally every duration is multiplied by `time_factor` (DEVPLAN_RETRY_TIME_FACTOR, default 0.01:
10 s → 0.1 s, 600 s → 6 s, 24 h → 14.4 min; DEVPLAN_RETRY_WINDOW_SECONDS shortens the window
in production seconds, as the tests do), so a retried event gets production's number of
attempts in a hundredth of the time. The product's own clocks (the sender's 120 s lease, the
event age limit) are not compressed: they run on the wall clock, as they do in production.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

MIN_BACKOFF_SECONDS = 10.0  # Pub/Sub's and Eventarc's first retry delay
MAX_BACKOFF_SECONDS = 600.0  # ... doubling up to ten minutes
RETRY_WINDOW_SECONDS = 24 * 3600.0  # Eventarc keeps an undelivered event for a day
DEFAULT_TIME_FACTOR = 0.01


@dataclass(frozen=True)
class RetryPolicy:
    time_factor: float = DEFAULT_TIME_FACTOR
    min_backoff: float = MIN_BACKOFF_SECONDS
    max_backoff: float = MAX_BACKOFF_SECONDS
    window: float = RETRY_WINDOW_SECONDS  # in production seconds, like the backoffs

    @classmethod
    def from_env(cls) -> RetryPolicy:
        env = os.environ
        return cls(
            time_factor=float(env.get("DEVPLAN_RETRY_TIME_FACTOR", DEFAULT_TIME_FACTOR)),
            window=float(env.get("DEVPLAN_RETRY_WINDOW_SECONDS", RETRY_WINDOW_SECONDS)),
        )

    def as_env(self) -> dict[str, str]:
        """The same policy for a host in another process (see host_process.py)."""
        return {"DEVPLAN_RETRY_TIME_FACTOR": repr(self.time_factor), "DEVPLAN_RETRY_WINDOW_SECONDS": repr(self.window)}

    def delay(self, failed_attempts: int) -> float:
        """Local seconds to wait after the n-th failed attempt before the next one."""
        production = min(self.min_backoff * 2 ** (failed_attempts - 1), self.max_backoff)
        return production * self.time_factor

    def window_ends(self, first_attempt_at: float) -> float:
        """The local (monotonic) moment after which an event is no longer retried."""
        return first_attempt_at + self.window * self.time_factor

    def describe(self) -> dict[str, float]:
        return {
            "timeFactor": self.time_factor,
            "firstDelaySeconds": self.delay(1),
            "maxDelaySeconds": self.max_backoff * self.time_factor,
            "windowSeconds": self.window * self.time_factor,
        }
