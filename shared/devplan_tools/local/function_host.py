"""Every function of the manifest in one process, each a real functions-framework app.

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
Every attempt is logged as one JSON line with the function and the event id (ce-id for
Firestore events, the message id for Pub/Sub).
"""

from __future__ import annotations

import io
import json
import logging
import os
import sys
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import functions_framework

from devplan_tools.local.journal import Entry, Journal
from devplan_tools.local.retry import RetryPolicy
from devplan_tools.manifest import Function, Manifest

log = logging.getLogger("devplan_tools.local.host")
FIRESTORE_TRIGGER_PREFIX = "/functions/projects/"
WORKERS = int(os.environ.get("DEVPLAN_HOST_WORKERS", "16"))  # functions running at once, like instances
SOURCE = Path(__file__).resolve().parents[3] / "functions" / "main.py"
Answer = tuple[str, list[tuple[str, str]], bytes]
NOT_YET: Answer = ("503 Service Unavailable", [("Content-Type", "application/json")], b'{"retry":"backoff"}')
ACKNOWLEDGED: Answer = ("204 No Content", [], b"")
FINISHED_KEPT = 10_000  # pushes remembered as finished, per function

__all__ = ["EventFunction", "FunctionHost", "RetryPolicy"]


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

    def __init__(self, pool: ThreadPoolExecutor, slots: threading.BoundedSemaphore, journal: Journal | None):
        self.pool, self.slots, self.journal = pool, slots, journal
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


class EventFunction:
    """One event function's WSGI app behind production's delivery and retry rules."""

    def __init__(self, function: Function, app: Callable, policy: RetryPolicy, shared: Shared):
        self.function, self.app, self.policy, self.shared = function, app, policy, shared
        self._deliveries: dict[str, Delivery] = {}
        # Pushes finished (done, dropped, given up): the emulator may push one again (it
        # redelivers what was not answered 2xx in time); acknowledged unrun. Bounded: oldest go.
        self._finished: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()

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
        if 400 <= code < 500:
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
        with self.shared.slots:
            answer = self._call(environ, body)
        code = int(answer[0].split()[0])
        now = time.monotonic()
        pushed = self.function.kind != "firestore"
        with self._lock:
            if code < 400 or (code < 500 and not pushed):
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
        )
        level = logging.INFO if code < 500 else logging.WARNING if outcome == "retry" else logging.ERROR
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


class FunctionHost:
    def __init__(
        self,
        manifest: Manifest,
        source: Path = SOURCE,
        policy: RetryPolicy | None = None,
        workers: int = WORKERS,
        journal: Journal | None = None,
    ):
        """`journal`: where accepted Firestore-trigger deliveries are kept until finished, so a
        host started again on it redelivers them (`replay()`); None keeps them in memory only."""
        self.policy = policy or RetryPolicy.from_env()
        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="function-retry")
        # Like a function's instances: a bounded number run at once, the rest wait. A thread per
        # event would have hundreds of threads fight over two cores during a fan-out.
        self.shared = Shared(pool, threading.BoundedSemaphore(workers), journal)
        self.counts = self.shared.counts
        self.http_in_flight = 0  # HTTP functions answering now (the Slack stand-in's events, webhooks)
        self.apps: dict[str, Callable] = {}
        self.events: dict[str, EventFunction] = {}
        for function in manifest.functions:
            app = functions_framework.create_app(target=function.entry_point, source=str(source))
            if function.is_event:
                self.events[function.name] = EventFunction(function, app, self.policy, self.shared)
                self.apps[function.name] = self.events[function.name]
            else:
                self.apps[function.name] = self._counted(app)
        log.info("function host: retry policy", extra={"retryPolicy": self.policy.describe()})

    def left_by_a_previous_host(self) -> list[Entry]:
        """The journal's records, read once (call it before serving: see host_process.py)."""
        return list(self.shared.journal.pending()) if self.shared.journal is not None else []

    def replay(self, left: list[Entry] | None = None) -> int:
        """Redeliver the Firestore-trigger deliveries a previous host left in the journal."""
        if self.shared.journal is None:
            return 0
        replayed = 0
        for entry in self.left_by_a_previous_host() if left is None else left:
            function = self.events.get(entry.function)
            if function is None:
                self.shared.journal.remove(entry)  # a function no longer in the manifest
                continue
            function.replay(entry)
            replayed += 1
        return replayed

    def close(self) -> None:
        """Stop: retries not yet due are cancelled (their journal records stay for the next host)."""
        self.shared.close()

    def _counted(self, app: Callable) -> Callable:
        def counted(environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
            with self.shared.lock:
                self.http_in_flight += 1
            try:
                chunks = app(environ, start_response)
                try:
                    return [b"".join(chunks)]  # the whole answer: the function has run
                finally:
                    if hasattr(chunks, "close"):
                        chunks.close()
            finally:
                with self.shared.lock:
                    self.http_in_flight -= 1

        return counted

    @property
    def in_flight(self) -> int:
        """Events accepted and not yet finished (including retries waiting) and HTTP requests
        being answered: 0 means quiet."""
        return sum(e.in_flight for e in self.events.values()) + self.http_in_flight

    def status(self) -> dict[str, Any]:
        with self.shared.lock:
            counts = {k: self.counts[k] for k in ("attempts", "retries", "failures", "dropped")}
        return {"in_flight": self.in_flight, "http_in_flight": self.http_in_flight, **counts, **_extra_status()}

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/_host/status":
            start_response("200 OK", [("Content-Type", "application/json")])
            return [json.dumps(self.status()).encode()]
        if path.startswith(FIRESTORE_TRIGGER_PREFIX):
            name = path.rsplit("/triggers/", 1)[-1]
            app = self.apps.get(name)
        else:
            name, _, rest = path.lstrip("/").partition("/")
            app = self.apps.get(name)
            environ = {**environ, "SCRIPT_NAME": environ.get("SCRIPT_NAME", "") + "/" + name, "PATH_INFO": "/" + rest}
        if app is None:
            start_response("404 Not Found", [("Content-Type", "application/json")])
            return [b'{"ok": false, "error": "no_such_function"}']
        return app(environ, start_response)


STATUS_SOURCES: list[Callable[[], dict[str, Any]]] = []  # more counts for /_host/status (e.g. injected faults)


def _extra_status() -> dict[str, Any]:
    extra: dict[str, Any] = {}
    for source in STATUS_SOURCES:
        extra.update(source())
    return extra
