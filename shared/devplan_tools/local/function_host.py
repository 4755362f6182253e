"""Every function of the manifest in one process, each a real functions-framework app.

Routes:  /functions/projects/P/triggers/NAME   Firestore triggers (the emulator's eventarc calls)
         /NAME/...                             HTTP functions and Pub/Sub push (/NAME/projects/P/topics/T)
The emulators do not retry like production (Firestore: once; Pub/Sub: every second, forever),
so this host applies the manifest's retry policy itself: an event function that fails is
re-delivered with backoff when `retry: true`, dropped when not; the emulator is always
answered 204 so it does not retry on its own.
"""

from __future__ import annotations

import io
import json
import logging
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import functions_framework

from devplan_tools.manifest import Function, Manifest

log = logging.getLogger("devplan_tools.local.host")
FIRESTORE_TRIGGER_PREFIX = "/functions/projects/"
WORKERS = int(os.environ.get("DEVPLAN_HOST_WORKERS", "16"))  # concurrent events, like instances
SOURCE = Path(__file__).resolve().parents[3] / "functions" / "main.py"


class RetryPolicy:
    """Local stand-in for Eventarc's retry: exponential backoff, bounded so a run ends (about four
    minutes in all by default, longer than the sender's lease)."""

    def __init__(self, first_delay: float = 0.5, max_delay: float = 30.0, max_attempts: int = 12):
        self.first_delay, self.max_delay, self.max_attempts = first_delay, max_delay, max_attempts

    def delay(self, attempt: int) -> float:
        return min(self.first_delay * 2 ** (attempt - 1), self.max_delay)


class EventFunction:
    """Wraps one event function's WSGI app with the retry policy; runs events on the host's pool."""

    def __init__(self, function: Function, app: Callable, policy: RetryPolicy, pool: ThreadPoolExecutor):
        self.function, self.app, self.policy, self.pool = function, app, policy, pool
        self.in_flight = 0
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> list[bytes]:
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        with self._lock:
            self.in_flight += 1
        self.pool.submit(self._deliver, dict(environ), body, 1)
        start_response("204 No Content", [])
        return []

    def _deliver(self, environ: dict[str, Any], body: bytes, attempt: int) -> None:
        status = self._call(environ, body)
        if status < 500:
            return self._done()
        event_id = environ.get("HTTP_CE_ID", "?")
        if not self.function.retry or attempt >= self.policy.max_attempts:
            log.error(
                "%s: event %s failed (attempt %d); %s",
                self.function.name,
                event_id,
                attempt,
                "dropped (retry off)" if not self.function.retry else "giving up",
            )
            return self._done()
        delay = self.policy.delay(attempt)
        log.warning(
            "%s: event %s failed (attempt %d), retrying in %.1f s", self.function.name, event_id, attempt, delay
        )
        timer = threading.Timer(delay, self.pool.submit, args=(self._deliver, environ, body, attempt + 1))
        timer.daemon = True
        timer.start()

    def _done(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def _call(self, environ: dict[str, Any], body: bytes) -> int:
        environ = {**environ, "wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body))}
        status: list[int] = []
        chunks = self.app(environ, lambda s, headers, exc_info=None: status.append(int(s.split()[0])))
        for _ in chunks:
            pass
        if hasattr(chunks, "close"):
            chunks.close()
        return status[0] if status else 500


class FunctionHost:
    def __init__(
        self, manifest: Manifest, source: Path = SOURCE, policy: RetryPolicy | None = None, workers: int = WORKERS
    ):
        # Like a function's instances: a bounded number run at once, the rest queue. A thread per
        # event would have hundreds of threads fight over two cores during a fan-out.
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="function")
        self.apps: dict[str, Callable] = {}
        self.events: dict[str, EventFunction] = {}
        for function in manifest.functions:
            app = functions_framework.create_app(target=function.entry_point, source=str(source))
            if function.is_event:
                self.events[function.name] = EventFunction(function, app, policy or RetryPolicy(), self.pool)
                self.apps[function.name] = self.events[function.name]
            else:
                self.apps[function.name] = app

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)

    @property
    def in_flight(self) -> int:
        """Events accepted and not yet finished (including retries waiting): 0 means quiet."""
        return sum(e.in_flight for e in self.events.values())

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> list[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/_host/status":
            start_response("200 OK", [("Content-Type", "application/json")])
            return [json.dumps({"in_flight": self.in_flight}).encode()]
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
