"""Every function of the manifest in one process, each a real functions-framework app.

Routes:  /functions/projects/P/triggers/NAME   Firestore triggers (the emulator's eventarc calls)
         /NAME/...                             HTTP functions and Pub/Sub push (/NAME/projects/P/topics/T)
         /_host/status                         events in flight and the attempt counts (JSON)

Like Cloud Run, the host answers every delivery with the function's own status, once the
function has run, and a delivery beyond the function's max_instances × concurrency 429 (after
Cloud Run's queue, instances.py); how
event functions are answered, retried and journaled, and what the emulators do on their own,
is event_functions.py's.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import functions_framework

from devplan_tools.local.deliveries import Shared
from devplan_tools.local.event_functions import EventFunction
from devplan_tools.local.journal import Entry, Journal
from devplan_tools.local.retry import RetryPolicy
from devplan_tools.manifest import Manifest

log = logging.getLogger("devplan_tools.local.host")
FIRESTORE_TRIGGER_PREFIX = "/functions/projects/"
# "1": events delivered side by side as Eventarc and Pub/Sub push do, not as the emulators do (event_functions.py)
CONCURRENT_TRIGGERS_ENV = "DEVPLAN_HOST_CONCURRENT_TRIGGERS"
SOURCE = Path(__file__).resolve().parents[3] / "functions" / "main.py"

__all__ = ["EventFunction", "FunctionHost", "RetryPolicy"]


class FunctionHost:
    def __init__(
        self,
        manifest: Manifest,
        source: Path = SOURCE,
        policy: RetryPolicy | None = None,
        journal: Journal | None = None,
    ):
        """`journal`: where accepted Firestore-trigger deliveries are kept until finished, so a
        host started again on it redelivers them (`replay()`); None keeps them in memory only.
        Each event function runs at most its manifest bound at once (instances.py)."""
        self.policy = policy or RetryPolicy.from_env()
        self.shared = Shared(journal, concurrent_triggers=os.environ.get(CONCURRENT_TRIGGERS_ENV) == "1")
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
        for function in self.events.values():
            function.close()

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
            counts = {k: self.counts[k] for k in ("attempts", "retries", "failures", "dropped", "throttled")}
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
