"""An event function on the local host: delivered, answered and retried as production does.

Routes:  /functions/projects/P/triggers/NAME   Firestore triggers (the emulator's eventarc calls)
         /NAME/...                             HTTP functions and Pub/Sub push (/NAME/projects/P/topics/T)
         /_host/status                         events in flight and the attempt counts (JSON)

Like Cloud Run, the host answers every delivery with the function's own status, once the
function has run: a failure is a 5xx. Retries follow the manifest's `retry` with production's
backoff compressed in time (retry.py), and happen exactly once per failed attempt, whoever
redelivers. What the emulators do on their own (checked on this image, see README):
- the Firestore emulator delivers each trigger event once, one event at a time (it waits for
  the answer before the next), and never retries a 5xx: the host redelivers it itself;
- the Pub/Sub emulator pushes at most two messages of a subscription at a time, and redelivers
  a push answered non-2xx about every second, forever: the host is the subscription's backoff,
  answering an early redelivery 503 without running the function, answering a 4xx 204
  ("dropped (4xx)"), and acknowledging (204, unrun) the redeliveries of a message it finished,
  dropped or gave up (the last FINISHED_KEPT ids).
- a Firestore-trigger delivery not finished when the host dies is in its journal (journal.py)
  and redelivered by the next host; one arriving while no host runs is refused by the OS and
  lost (the emulator does not retry; production's Eventarc would).
Both emulators thus serialise what production runs side by side. DEVPLAN_HOST_CONCURRENT_TRIGGERS=1
(the benchmarks) delivers as Eventarc and Pub/Sub push do: each event is journaled, acknowledged
at once and run on the function's instances (instances.py: the manifest's max_instances ×
concurrency at once, Cloud Run's queue, 429 beyond it), the host retrying it by the policy.
How one attempt's answer is judged, counted and logged is attempts.py's.
"""

from __future__ import annotations

import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

from devplan_tools.local.attempts import (
    ACKNOWLEDGED,
    NOT_YET,
    THROTTLED,
    Answer,
    call_app,
    log,
    message_id,
    report,
    settle,
    status_code,
)
from devplan_tools.local.deliveries import Delivery, Shared
from devplan_tools.local.instances import QUEUE_SECONDS, Instances
from devplan_tools.local.journal import Entry
from devplan_tools.local.retry import RetryPolicy
from devplan_tools.manifest import Function

FINISHED_KEPT = 10_000  # pushes remembered as finished, per function


class EventFunction:
    """One event function's WSGI app behind production's delivery and retry rules."""

    def __init__(
        self,
        function: Function,
        app: Callable,
        policy: RetryPolicy,
        shared: Shared,
        queue_seconds: float = QUEUE_SECONDS,
    ):
        self.function, self.app, self.policy, self.shared = function, app, policy, shared
        self._deliveries: dict[str, Delivery] = {}
        # Pushes finished (done, dropped, given up): the emulator may push one again (it
        # redelivers what was not answered 2xx in time); acknowledged unrun. Bounded: oldest go.
        self._finished: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()
        self.instances = Instances(function.name, function.bound, queue_seconds)

    @property
    def in_flight(self) -> int:
        """Events accepted and not finished: running, or failed and waiting for their retry."""
        with self._lock:
            return len(self._deliveries)

    def close(self) -> None:
        self.instances.close()

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        if self.function.kind == "firestore":
            status, headers, answer = self._from_eventarc(environ, body)
        else:
            status, headers, answer = self._from_push(environ, body)
        start_response(status, headers)
        return [answer]

    def _from_eventarc(self, environ: dict[str, Any], body: bytes) -> Answer:
        """The Firestore emulator's one delivery: answered with attempt 1's result; the host
        itself redelivers later attempts (the emulator never does)."""
        delivery = Delivery(environ.get("HTTP_CE_ID") or "?", time.monotonic())
        if self.shared.concurrent_triggers:
            return self._take_over(delivery, environ, body)
        self._journal(delivery, environ, body)
        key = self._accept(delivery)
        answer = self._attempt(key, delivery, environ, body)
        if delivery.state == "waiting":
            self._redeliver_later(key, delivery, environ, body)
        return answer

    def _take_over(self, delivery: Delivery, environ: dict[str, Any], body: bytes, key: str | None = None) -> Answer:
        """Eventarc's and Pub/Sub push's way: journaled, acknowledged at once (the emulator hands
        over the next event) and run on the function's instances, retried by the host."""
        self._journal(delivery, environ, body)
        key = key or self._accept(delivery)
        kept: dict[str, Any] = {k: v for k, v in environ.items() if isinstance(v, str) and not k.startswith("wsgi.")}
        kept.update({"wsgi.url_scheme": "http", "wsgi.errors": sys.stderr})
        delivery.state, delivery.next_due = "waiting", time.monotonic()
        self._redeliver_later(key, delivery, kept, body)
        return ACKNOWLEDGED

    def _journal(self, delivery: Delivery, environ: dict[str, Any], body: bytes) -> None:
        """Before the first attempt: a kill from here on is redelivered by the next host."""
        if self.shared.journal is not None:
            delivery.journaled = self.shared.journal.record(self.function.name, delivery.event_id, environ, body)

    def _accept(self, delivery: Delivery) -> str:
        with self._lock:
            # A second delivery of the same id (a trigger that fired twice) is an event of its own.
            key = delivery.event_id
            if key in self._deliveries:
                key = f"{key}#{id(delivery)}"
            self._deliveries[key] = delivery
        return key

    def replay(self, entry: Entry) -> None:
        """A delivery a killed host left in the journal, redelivered as Eventarc would: the
        attempt that was running counts as failed, the next one goes after its backoff, and
        not at all when the retry window is over (or retry is off)."""
        assert self.shared.journal is not None
        age = max(0.0, time.time() - entry.first_at)
        delivery = Delivery(entry.event_id, time.monotonic() - age, entry.attempts, "waiting", journaled=entry)
        delivery.next_due = time.monotonic() + (self.policy.delay(entry.attempts) if entry.attempts else 0.0)
        over = delivery.next_due > self.policy.window_ends(delivery.first_at)
        if (entry.attempts and not self.function.retry) or over:
            self.shared.journal.remove(entry)
            self.shared.count(dropped=1)
            log.error(
                "%s: event %s not redelivered after the restart: %s",
                self.function.name,
                entry.event_id,
                "retry off" if not over else "retry window over",
                extra={"function": self.function.name, "eventId": entry.event_id, "outcome": "dropped"},
            )
            return
        environ = {**entry.environ, "wsgi.url_scheme": "http", "wsgi.errors": sys.stderr}
        key = self._accept(delivery)
        log.info(
            "%s: event %s redelivered after the restart (%d attempts before)",
            self.function.name,
            entry.event_id,
            entry.attempts,
            extra={"function": self.function.name, "eventId": entry.event_id, "outcome": "replayed"},
        )
        self._redeliver_later(key, delivery, environ, entry.body)

    def _redeliver_later(self, key: str, delivery: Delivery, environ: dict[str, Any], body: bytes) -> None:
        """The next attempt on the function's own threads, once its backoff has run out."""

        def again(queued_at: float) -> None:
            self._attempt(key, delivery, environ, body, queued_at)
            if delivery.state == "waiting":
                self._redeliver_later(key, delivery, environ, body)

        delay = delivery.next_due - time.monotonic()
        if delay > 0:
            self.shared.later(delay, lambda: self.instances.submit(again))
        elif not self.shared.closed:
            self.instances.submit(again)

    def _from_push(self, environ: dict[str, Any], body: bytes) -> Answer:
        """A Pub/Sub push: the emulator redelivers on its own; the host decides which
        redelivery is the policy's next attempt (or, concurrent, takes the message over)."""
        event_id = message_id(body)
        concurrent = self.shared.concurrent_triggers
        with self._lock:
            delivery = self._deliveries.get(event_id)
            finished = delivery is not None and (concurrent or delivery.state in ("done", "dropped"))
            if event_id in self._finished or finished:
                return ACKNOWLEDGED  # finished, or taken over already: the redelivery is acknowledged, unrun
            if delivery is not None:
                if delivery.state == "running" or time.monotonic() < delivery.next_due:
                    return NOT_YET  # the subscription's backoff has not run out (or an attempt is running)
                delivery.state = "running"
            else:  # the first push of it (kept under the lock, so a second one is told apart)
                delivery = self._deliveries[event_id] = Delivery(event_id, time.monotonic())
        if concurrent:
            return self._take_over(delivery, environ, body, key=event_id)
        answer = self._attempt(event_id, delivery, environ, body)
        code = status_code(answer)
        if 400 <= code < 500 and code != 429:
            # The emulator redelivers anything but a 2xx, about every second, forever: a push the
            # function refused (running it again cannot help) is acknowledged, logged as dropped.
            return ACKNOWLEDGED
        return answer

    def _attempt(
        self, key: str, delivery: Delivery, environ: dict[str, Any], body: bytes, queued_at: float | None = None
    ) -> Answer:
        delivery.attempts += 1
        journal, entry = self.shared.journal, delivery.journaled
        if journal is not None and entry is not None:
            entry.attempts = delivery.attempts  # a kill during this attempt counts it as failed
            journal.save(entry)
        started = time.monotonic()
        # No instance free within Cloud Run's queue: 429, and the trigger redelivers later.
        answer = self.instances.run(lambda: call_app(self.function.name, self.app, environ, body), queued_at)
        answer = THROTTLED if answer is None else answer
        pushed = self.function.kind != "firestore"
        with self._lock:
            outcome = settle(self.function, self.policy, delivery, answer, pushed)
        report(self.function, self.shared, delivery, answer, outcome, started)
        if delivery.state in ("done", "dropped"):
            self._finish(key, pushed)
            if journal is not None and entry is not None:
                journal.remove(entry)
        return answer

    def _finish(self, key: str, pushed: bool) -> None:
        """No longer in flight (last, after the counts and the log line: quiet means all said)."""
        with self._lock:
            self._deliveries.pop(key, None)
            if pushed:
                self._finished[key] = None
                while len(self._finished) > FINISHED_KEPT:
                    self._finished.popitem(last=False)
