"""The demo's year (demo/run.py) delivered the way the platform, Pub/Sub and Slack really
deliver: every platform event and tick twice (some at the same moment), platform events
reordered within the day (never past the day's tick: what the clean year sees before a tick,
the chaos year does too), the platform and Slack's clicks retried on a 5xx as their contracts
say. Seeded: a seed gives the same delivery choices (which events are reordered, duplicated,
concurrent; which ticks are duplicated and when). It does not give the same injected faults:
the Slack stand-in and the Firestore fault injection draw per call in the order calls come,
and threads decide that order."""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from typing import Any

import requests

from devplan_tools.demo.run import Year
from devplan_tools.local import platform_client
from devplan_tools.local.control import StackClient

WAIT_SECONDS = 900.0  # retries wait out the sender's lease: a settled day can take minutes
PLATFORM_RETRIES = 20


class ChaosClient(StackClient):
    """The stack as the year sees it, with every tick published twice and patient waits."""

    def __init__(self, info: dict[str, Any], rng: random.Random | None, counts: Counter[str]):
        super().__init__(info)
        self.rng, self.counts = rng, counts
        self.before_tick: Callable[[], None] = lambda: None
        self._delayed: list[threading.Timer] = []

    def tick(self, as_of: date, **extra: Any) -> str:
        self.before_tick()
        first = super().tick(as_of, **extra)
        self.counts["ticks"] += 1
        if self.rng is not None:
            self.counts["ticks_duplicated"] += 1
            if self.rng.random() < 0.5:
                super().tick(as_of, **extra)  # at the same moment
            else:
                timer = threading.Timer(self.rng.uniform(0.05, 0.5), super().tick, args=(as_of,), kwargs=extra)
                self._delayed.append(timer)
                timer.start()
        return first

    def join_delayed(self) -> bool:
        """Wait for the late duplicate ticks to be published (they belong to their day: the
        next day's tick must not overtake them, nor may one fire after the stack stopped)."""
        delayed, self._delayed = self._delayed, []
        for timer in delayed:
            timer.join()
        return bool(delayed)

    def cancel_delayed(self) -> None:
        delayed, self._delayed = self._delayed, []
        for timer in delayed:
            timer.cancel()

    def click(
        self, user: str, channel: str, ts: str, action_id: str, action_ts: str | None = None, **options: Any
    ) -> dict[str, Any]:
        """A person clicks again when Slack says the app did not answer."""
        for _ in range(PLATFORM_RETRIES):
            answer = super().click(user, channel, ts, action_id, action_ts, **options)
            if answer.get("ok"):
                return answer
            self.counts["clicks_retried"] += 1
            time.sleep(0.3)
        return answer

    def command(self, user: str, text: str = "", command: str = "/utveckling") -> dict[str, Any]:
        return self._again_on_5xx(lambda: super(ChaosClient, self).command(user, text, command))

    def submit_view(self, user: str, callback_id: str, values: dict[str, Any], private_metadata: Any = None) -> Any:
        """Slack shows an error when the app fails a submission; the person submits again."""
        return self._again_on_5xx(
            lambda: super(ChaosClient, self).submit_view(user, callback_id, values, private_metadata)
        )

    def _again_on_5xx(self, act: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        for _ in range(PLATFORM_RETRIES):
            answer = act()
            if answer.get("ok"):
                return answer
            self.counts["slack_forms_retried"] += 1
            time.sleep(0.3)
        return answer

    def wait_settled(self, timeout: float = WAIT_SECONDS) -> None:
        super().wait_settled(timeout=timeout)

    def wait_for_tick(self, day: date, timeout: float = WAIT_SECONDS) -> dict[str, Any]:
        return super().wait_for_tick(day, timeout=timeout)


class ChaosYear(Year):
    stack: ChaosClient

    def __init__(self, stack: ChaosClient, rng: random.Random | None, counts: Counter[str], out: Any):
        super().__init__(stack, out)
        self.rng, self.counts = rng, counts
        self.deferred: list[bytes] = []
        stack.before_tick = self._settle_deferred  # a deferred morning event still comes before the tick

    def platform(self, event_type: str, data: dict[str, Any], when: datetime) -> None:
        body = platform_client.envelope(event_type, data, occurred_at=when)
        self.counts["events"] += 1
        if self.rng is None:
            return self._deliver(body)
        if self.rng.random() < 0.3:  # overtaken by the next event of the day
            self.deferred.append(body)
            self.counts["events_reordered"] += 1
            return
        self._twice(body)
        self.flush()

    def flush(self) -> None:
        deferred, self.deferred = self.deferred, []
        for body in deferred:
            self._twice(body)

    def before_slack(self) -> None:
        self._settle_deferred()  # people answer a message only once the event behind it came

    def _settle_deferred(self) -> None:
        if self.deferred:
            self.flush()
            self.stack.wait_settled()

    def run_day(self, day: date) -> None:
        try:
            super().run_day(day)
        except BaseException:
            self.stack.cancel_delayed()
            raise
        late_ticks = self.stack.join_delayed()
        if self.deferred or late_ticks:
            self.flush()
            self.stack.wait_settled()

    def _twice(self, body: bytes) -> None:
        assert self.rng is not None
        self.counts["events_duplicated"] += 1
        if self.rng.random() < 0.5:
            with ThreadPoolExecutor(max_workers=2) as pool:
                for delivered in [pool.submit(self._deliver, body) for _ in range(2)]:
                    delivered.result()  # a delivery that failed for good fails the run
            self.counts["events_concurrent"] += 1
        else:
            self._deliver(body)
            self._deliver(body)

    def _deliver(self, body: bytes) -> None:
        """The platform's side of the contract: a 5xx, or no answer in time, is retried with the same id."""
        failure: Exception | None = None
        for attempt in range(PLATFORM_RETRIES):
            self.counts["webhook_posts"] += 1
            try:
                response = platform_client.post_signed(self.stack.webhook_url, self.stack.platform_secret, body)
                if response.status_code < 500:
                    response.raise_for_status()
                    return
                failure = requests.HTTPError(f"HTTP {response.status_code}: {response.text[:200]}")
            except (requests.ConnectionError, requests.Timeout) as exc:
                failure = exc
            self.counts["webhook_retries"] += 1
            time.sleep(0.1 * 2 ** min(attempt, 4))
        raise RuntimeError(f"the webhook never took the event: {failure}")
