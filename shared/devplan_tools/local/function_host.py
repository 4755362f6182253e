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
  function, and acknowledging (204, unrun) the redeliveries of an event it dropped or gave up.
Every attempt is logged as one JSON line with the function and the event id (ce-id for
Firestore events, the message id for Pub/Sub).
"""

from __future__ import annotations

import io
import json
import logging
import os
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import functions_framework

from devplan_tools.local.retry import RetryPolicy
from devplan_tools.manifest import Function, Manifest

log = logging.getLogger("devplan_tools.local.host")
FIRESTORE_TRIGGER_PREFIX = "/functions/projects/"
WORKERS = int(os.environ.get("DEVPLAN_HOST_WORKERS", "16"))  # functions running at once, like instances
SOURCE = Path(__file__).resolve().parents[3] / "functions" / "main.py"
Answer = tuple[str, list[tuple[str, str]], bytes]
NOT_YET: Answer = ("503 Service Unavailable", [("Content-Type", "application/json")], b'{"retry":"backoff"}')
ACKNOWLEDGED: Answer = ("204 No Content", [], b"")

__all__ = ["EventFunction", "FunctionHost", "RetryPolicy"]


@dataclass
class Delivery:
    """One event's attempts at one function."""

    event_id: str
    first_at: float
    attempts: int = 0
    state: str = "running"  # running | waiting (for the next attempt) | done | dropped
    next_due: float = 0.0


class EventFunction:
    """One event function's WSGI app behind production's delivery and retry rules."""

    def __init__(
        self,
        function: Function,
        app: Callable,
        policy: RetryPolicy,
        pool: ThreadPoolExecutor,
        slots: threading.BoundedSemaphore,
        counts: Counter[str],
    ):
        self.function, self.app, self.policy, self.pool, self.slots = function, app, policy, pool, slots
        self.counts = counts
        self._deliveries: dict[str, Delivery] = {}
        self._lock = threading.Lock()

    @property
    def in_flight(self) -> int:
        """Events accepted and not finished: running, or failed and waiting for their retry."""
        with self._lock:
            return sum(d.state != "dropped" for d in self._deliveries.values())

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
        with self._lock:
            # A second delivery of the same id (a trigger that fired twice) is an event of its own.
            key = event_id if event_id not in self._deliveries else f"{event_id}#{id(delivery)}"
            self._deliveries[key] = delivery
        answer = self._attempt(key, delivery, environ, body)
        if delivery.state == "waiting":
            self._redeliver_later(key, delivery, environ, body)
        return answer

    def _redeliver_later(self, key: str, delivery: Delivery, environ: dict[str, Any], body: bytes) -> None:
        def again() -> None:
            self._attempt(key, delivery, environ, body)
            if delivery.state == "waiting":
                self._redeliver_later(key, delivery, environ, body)

        timer = threading.Timer(max(0.0, delivery.next_due - time.monotonic()), self.pool.submit, args=(again,))
        timer.daemon = True
        timer.start()

    def _from_push(self, environ: dict[str, Any], body: bytes) -> Answer:
        """A Pub/Sub push: the emulator redelivers on its own; the host decides which
        redelivery is the policy's next attempt."""
        event_id = _message_id(body)
        with self._lock:
            delivery = self._deliveries.get(event_id)
            if delivery is None:
                delivery = self._deliveries[event_id] = Delivery(event_id, time.monotonic())
            elif delivery.state == "dropped":
                return ACKNOWLEDGED  # dropped or given up: the redelivery is acknowledged, unrun
            elif delivery.state == "running" or time.monotonic() < delivery.next_due:
                return NOT_YET  # the subscription's backoff has not run out (or an attempt is running)
            else:
                delivery.state = "running"
        return self._attempt(event_id, delivery, environ, body)

    def _attempt(self, key: str, delivery: Delivery, environ: dict[str, Any], body: bytes) -> Answer:
        delivery.attempts += 1
        started = time.monotonic()
        with self.slots:
            answer = self._call(environ, body)
        code = int(answer[0].split()[0])
        now = time.monotonic()
        with self._lock:
            if code < 500:
                outcome, delivery.state = "done", "done"
                self._deliveries.pop(key, None)
            elif not self.function.retry:
                outcome, delivery.state = "dropped (retry off)", "dropped"
            elif now + self.policy.delay(delivery.attempts) > self.policy.window_ends(delivery.first_at):
                outcome, delivery.state = "gave up (retry window over)", "dropped"
            else:
                outcome, delivery.state = "retry", "waiting"
                delivery.next_due = now + self.policy.delay(delivery.attempts)
            if delivery.state == "dropped" and self.function.kind == "firestore":
                self._deliveries.pop(key, None)  # nobody redelivers it: nothing to remember
            self.counts["attempts"] += 1
            self.counts["retries"] += delivery.attempts > 1
            self.counts["failures"] += code >= 500
            self.counts["dropped"] += delivery.state == "dropped"
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
        return answer

    def _call(self, environ: dict[str, Any], body: bytes) -> Answer:
        environ = {**environ, "wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body))}
        started: list[tuple[str, list[tuple[str, str]]]] = []
        chunks = self.app(environ, lambda s, headers, exc_info=None: started.append((s, list(headers))))
        try:
            content = b"".join(chunks)
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
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
        self, manifest: Manifest, source: Path = SOURCE, policy: RetryPolicy | None = None, workers: int = WORKERS
    ):
        self.policy = policy or RetryPolicy.from_env()
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="function-retry")
        # Like a function's instances: a bounded number run at once, the rest wait. A thread per
        # event would have hundreds of threads fight over two cores during a fan-out.
        slots = threading.BoundedSemaphore(workers)
        self.counts: Counter[str] = Counter()
        self.apps: dict[str, Callable] = {}
        self.events: dict[str, EventFunction] = {}
        for function in manifest.functions:
            app = functions_framework.create_app(target=function.entry_point, source=str(source))
            if function.is_event:
                self.events[function.name] = EventFunction(function, app, self.policy, self.pool, slots, self.counts)
                self.apps[function.name] = self.events[function.name]
            else:
                self.apps[function.name] = app
        log.info("function host: retry policy", extra={"retryPolicy": self.policy.describe()})

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)

    @property
    def in_flight(self) -> int:
        """Events accepted and not yet finished (including retries waiting): 0 means quiet."""
        return sum(e.in_flight for e in self.events.values())

    def status(self) -> dict[str, Any]:
        counts = {k: self.counts[k] for k in ("attempts", "retries", "failures", "dropped")}
        return {"in_flight": self.in_flight, **counts, **_extra_status()}

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
