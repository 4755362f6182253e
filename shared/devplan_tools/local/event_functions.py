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
- the Pub/Sub emulator redelivers a push answered non-2xx about every second, forever: the host
  is the subscription's backoff, answering an early redelivery 503 without running the
  function, answering a 4xx 204 ("dropped (4xx)"), and acknowledging (204, unrun) the
  redeliveries of a message it finished, dropped or gave up (the last FINISHED_KEPT ids).
- a Firestore-trigger delivery not finished when the host dies is in its journal (journal.py)
  and redelivered by the next host; one arriving while no host runs is refused by the OS and
  lost (the emulator does not retry; production's Eventarc would).
The emulator's one-at-a-time delivery serialises every Firestore trigger of the host behind
the running one; DEVPLAN_HOST_CONCURRENT_TRIGGERS=1 (the pacing benchmark) acknowledges a
trigger event at once and runs it on the host's pool instead, as Eventarc delivers concurrently.
Like Cloud Run, a function takes at most max_instances × concurrency deliveries at once (the
manifest's bound): one beyond it is answered 429 unrun, and redelivered with the backoff as a
failed attempt is (Eventarc and Pub/Sub retry a 429 like a 5xx), so the retries are real.
Eventarc pushes through a Pub/Sub subscription, which "dynamically adjusts the rate of push
requests based on the rate at which it receives success responses"
(https://cloud.google.com/pubsub/docs/push): after a 429 it does not push the whole backlog
into the full function again and again. So once a delivery of the host's own redelivery
(concurrent triggers, retries) is answered 429, the host holds the next ones back while every
instance is busy (the push window shut: deliveries.PushWindow) and pushes the oldest held one
as soon as an attempt ends; the window opens again when nothing is held. Without it every
delivery of a burst beyond the bound waits out its own doubling backoff, in step with the
others: at each step a herd finds the instances full, and in between they idle (a batch of
600 outbox messages: 6,000 429s, the sender's lanes idle half the time).
Every attempt is logged as one JSON line with the function and the event id (ce-id for
Firestore events, the message id for Pub/Sub).
"""

from __future__ import annotations

import io
import json
import logging
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

from devplan_tools.local.deliveries import Delivery, PushWindow, Shared
from devplan_tools.local.journal import Entry
from devplan_tools.local.retry import RetryPolicy
from devplan_tools.manifest import Function

log = logging.getLogger("devplan_tools.local.host")  # the host's log, whichever module writes
Answer = tuple[str, list[tuple[str, str]], bytes]
NOT_YET: Answer = ("503 Service Unavailable", [("Content-Type", "application/json")], b'{"retry":"backoff"}')
ACKNOWLEDGED: Answer = ("204 No Content", [], b"")
THROTTLED: Answer = ("429 Too Many Requests", [("Content-Type", "application/json")], b'{"retry":"no instance free"}')
FINISHED_KEPT = 10_000  # pushes remembered as finished, per function


class EventFunction:
    """One event function's WSGI app behind production's delivery and retry rules."""

    def __init__(self, function: Function, app: Callable, policy: RetryPolicy, shared: Shared):
        self.function, self.app, self.policy, self.shared = function, app, policy, shared
        self._deliveries: dict[str, Delivery] = {}
        # Pushes finished (done, dropped, given up): the emulator may push one again (it
        # redelivers what was not answered 2xx in time); acknowledged unrun. Bounded: oldest go.
        self._finished: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()
        self._instances = threading.BoundedSemaphore(function.bound)  # max_instances × concurrency
        self._window = PushWindow(function.bound, shared)  # see the module's docstring

    @property
    def in_flight(self) -> int:
        """Events accepted and not finished: running, or failed and waiting for their retry."""
        with self._lock:
            return len(self._deliveries)

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
        event_id = environ.get("HTTP_CE_ID") or "?"
        delivery = Delivery(event_id, time.monotonic())
        if self.shared.journal is not None:  # before the first attempt: a kill from here on is redelivered
            delivery.journaled = self.shared.journal.record(self.function.name, event_id, environ, body)
        key = self._accept(delivery)
        if self.shared.concurrent_triggers:
            # Eventarc's way: delivered at once, however many are running (the bound answers
            # 429 beyond max_instances × concurrency); the emulator hands over the next event.
            kept: dict[str, Any] = {
                k: v for k, v in environ.items() if isinstance(v, str) and not k.startswith("wsgi.")
            }
            kept.update({"wsgi.url_scheme": "http", "wsgi.errors": sys.stderr})
            delivery.state, delivery.next_due = "waiting", time.monotonic()
            self._redeliver_later(key, delivery, kept, body)
            return ACKNOWLEDGED
        answer = self._attempt(key, delivery, environ, body)
        if delivery.state == "waiting":
            self._redeliver_later(key, delivery, environ, body)
        return answer

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
        def again() -> None:
            if self._window.hold(again):
                return  # pushed when an attempt ends
            self._attempt(key, delivery, environ, body)
            if delivery.state == "waiting":
                self._redeliver_later(key, delivery, environ, body)

        self.shared.later(delivery.next_due - time.monotonic(), again)

    def _from_push(self, environ: dict[str, Any], body: bytes) -> Answer:
        """A Pub/Sub push: the emulator redelivers on its own; the host decides which
        redelivery is the policy's next attempt."""
        event_id = _message_id(body)
        with self._lock:
            delivery = self._deliveries.get(event_id)
            if event_id in self._finished or (delivery is not None and delivery.state in ("done", "dropped")):
                return ACKNOWLEDGED  # done, dropped or given up: the redelivery is acknowledged, unrun
            if delivery is None:
                delivery = self._deliveries[event_id] = Delivery(event_id, time.monotonic())
            elif delivery.state == "running" or time.monotonic() < delivery.next_due:
                return NOT_YET  # the subscription's backoff has not run out (or an attempt is running)
            else:
                delivery.state = "running"
        answer = self._attempt(event_id, delivery, environ, body)
        code = int(answer[0].split()[0])
        if 400 <= code < 500 and code != 429:
            # The emulator redelivers anything but a 2xx, about every second, forever: a push the
            # function refused (running it again cannot help) is acknowledged, logged as dropped.
            return ACKNOWLEDGED
        return answer

    def _attempt(self, key: str, delivery: Delivery, environ: dict[str, Any], body: bytes) -> Answer:
        delivery.attempts += 1
        journal, entry = self.shared.journal, delivery.journaled
        if journal is not None and entry is not None:
            entry.attempts = delivery.attempts  # a kill during this attempt counts it as failed
            journal.save(entry)
        started = time.monotonic()
        if self._instances.acquire(blocking=False):
            self._window.started()
            try:
                with self.shared.slots:
                    answer = self._call(environ, body)
            finally:
                self._instances.release()
                self._window.ended()
        else:  # every instance busy: Cloud Run answers 429 and the trigger redelivers later
            answer = THROTTLED
            self._window.shut()
        code = int(answer[0].split()[0])
        now = time.monotonic()
        pushed = self.function.kind != "firestore"
        with self._lock:
            if answer is THROTTLED and not self.function.retry:
                outcome, delivery.state = "dropped (no instance, retry off)", "dropped"
            elif answer is THROTTLED and now + self.policy.delay(delivery.attempts) <= self.policy.window_ends(
                delivery.first_at
            ):
                outcome, delivery.state = "retry", "waiting"
                delivery.next_due = now + self.policy.delay(delivery.attempts)
            elif answer is THROTTLED:
                outcome, delivery.state = "gave up (retry window over)", "dropped"
            elif code < 400 or (code < 500 and not pushed):
                outcome, delivery.state = "done", "done"
            elif code < 500:
                outcome, delivery.state = "dropped (4xx)", "dropped"
            elif not self.function.retry:
                outcome, delivery.state = "dropped (retry off)", "dropped"
            elif now + self.policy.delay(delivery.attempts) > self.policy.window_ends(delivery.first_at):
                outcome, delivery.state = "gave up (retry window over)", "dropped"
            else:
                outcome, delivery.state = "retry", "waiting"
                delivery.next_due = now + self.policy.delay(delivery.attempts)
        self.shared.count(
            attempts=1,
            retries=int(delivery.attempts > 1),
            failures=int(code >= 500),
            dropped=int(delivery.state == "dropped"),
            throttled=int(answer is THROTTLED),
        )
        level = (
            logging.INFO
            if code < 500 and answer is not THROTTLED
            else logging.WARNING
            if outcome == "retry"
            else logging.ERROR
        )
        if answer is THROTTLED and outcome == "retry":
            level = logging.INFO  # the bound at work, not a fault
        log.log(
            level,
            "%s: event %s attempt %d answered %d: %s",
            self.function.name,
            delivery.event_id,
            delivery.attempts,
            code,
            outcome if outcome != "retry" else f"retry in {delivery.next_due - now:.2f} s",
            extra={
                "function": self.function.name,
                "eventId": delivery.event_id,
                "attempt": delivery.attempts,
                "status": code,
                "outcome": outcome.split(" ")[0],
                "seconds": round(now - started, 3),
                **({"retryInSeconds": round(delivery.next_due - now, 3)} if outcome == "retry" else {}),
            },
        )
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

    def _call(self, environ: dict[str, Any], body: bytes) -> Answer:
        """The function's answer; an exception out of the app (not the function: functions-
        framework answers those 500 itself) is a 500 too, so no delivery stays running."""
        environ = {**environ, "wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body))}
        started: list[tuple[str, list[tuple[str, str]]]] = []
        try:
            chunks = self.app(environ, lambda s, headers, exc_info=None: started.append((s, list(headers))))
            try:
                content = b"".join(chunks)
            finally:
                if hasattr(chunks, "close"):
                    chunks.close()
        except Exception:
            log.exception("%s: the app raised", self.function.name, extra={"function": self.function.name})
            return "500 Internal Server Error", [("Content-Type", "application/json")], b'{"error":"host"}'
        status, headers = started[0] if started else ("500 Internal Server Error", [])
        return status, [(k, v) for k, v in headers if k.lower() != "content-length"], content


def _message_id(body: bytes) -> str:
    """The Pub/Sub message id of a push body (what the function sees as the CloudEvent id)."""
    try:
        message = json.loads(body)["message"]
        return str(message.get("messageId") or message.get("message_id") or "?")
    except (ValueError, KeyError, TypeError, AttributeError):
        return "?"
