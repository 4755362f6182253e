"""Firestore-trigger deliveries the host accepted and has not finished, kept on disk.

The Firestore emulator delivers a trigger event once and never again; Eventarc in production
keeps it until it is acknowledged. So the host writes each accepted delivery to a file of its
own (headers, body, attempts, when it first came) before its first attempt, updates it before
each later attempt, and removes it when the delivery is done or dropped. A host started again
on the same journal delivers what is left (host_process.py): an event running when the host
was killed, waiting for its retry, is redelivered as Eventarc would.

One file per delivery, replaced atomically (write, then rename), so a kill at any moment
leaves either the old or the new record, never half of one.
"""

from __future__ import annotations

import base64
import json
import os
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ENV = "DEVPLAN_HOST_JOURNAL"  # the directory; the stack sets it to <state dir>/host-journal


@dataclass
class Entry:
    """One delivery as the journal keeps it. `first_at` is wall-clock time (a new process
    has a monotonic clock of its own)."""

    function: str
    event_id: str
    environ: dict[str, str]  # the request's CGI variables (headers, path), str values only
    body: bytes
    first_at: float
    attempts: int = 0
    path: Path | None = None


class Journal:
    def __init__(self, directory: Path):
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)

    @classmethod
    def from_env(cls) -> Journal | None:
        directory = os.environ.get(ENV)
        return cls(Path(directory)) if directory else None

    def record(self, function: str, event_id: str, environ: dict[str, Any], body: bytes) -> Entry:
        kept = {k: v for k, v in environ.items() if isinstance(v, str) and not k.startswith("wsgi.")}
        entry = Entry(function, event_id, kept, body, time.time())
        entry.path = self.directory / f"{uuid.uuid4().hex}.json"
        self.save(entry)
        return entry

    def save(self, entry: Entry) -> None:
        assert entry.path is not None
        record = {
            "function": entry.function,
            "eventId": entry.event_id,
            "environ": entry.environ,
            "body": base64.b64encode(entry.body).decode(),
            "firstAt": entry.first_at,
            "attempts": entry.attempts,
        }
        partial = entry.path.with_suffix(".tmp")
        with partial.open("w") as file:
            json.dump(record, file)
            file.flush()
            os.fsync(file.fileno())
        partial.replace(entry.path)

    def remove(self, entry: Entry) -> None:
        if entry.path is not None:
            entry.path.unlink(missing_ok=True)

    def pending(self) -> Iterator[Entry]:
        """What a previous host left, oldest first; an unreadable record is skipped (a kill
        between write and rename leaves only a .tmp, which is not a record)."""
        entries = []
        for path in self.directory.glob("*.json"):
            try:
                record = json.loads(path.read_text())
                entries.append(
                    Entry(
                        record["function"],
                        record["eventId"],
                        record["environ"],
                        base64.b64decode(record["body"]),
                        float(record["firstAt"]),
                        int(record["attempts"]),
                        path,
                    )
                )
            except (OSError, ValueError, KeyError, TypeError):
                continue
        for partial in self.directory.glob("*.tmp"):
            partial.unlink(missing_ok=True)
        yield from sorted(entries, key=lambda e: e.first_at)
