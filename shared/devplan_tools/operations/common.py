"""What the operations commands share: where they act, and how they print times and letters."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from devplan.adapters.firestore.dead_letters import DeadLetterStore
from devplan.adapters.firestore.mapping.dead_letters import DeadLetter


@dataclass
class Target:
    project: str
    letters: DeadLetterStore
    local: dict[str, Any] | None  # .devplan/local.json of the running stack; None for a real project


def target(args: argparse.Namespace) -> Target | None:
    """The project of `--project`, or the running local stack; None (said on stderr) if neither."""
    from google.cloud import firestore

    from devplan.adapters.firestore.documents import FirestoreDocuments
    from devplan_tools import targets

    where = targets.project_or_local(args.project)
    if where is None:
        return None
    project, local = where
    documents = FirestoreDocuments(firestore.Client(project=project))
    return Target(project, DeadLetterStore(documents, clock=lambda: datetime.now(UTC)), local)


def when(moment: Any) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if isinstance(moment, datetime) else "?"


def letter_line(letter: DeadLetter) -> str:
    seen = f"seen {letter.attempts}×, last {when(letter.last_seen_at)}"
    error = f"{letter.error_class}: {letter.error_message[:160]}"
    return f"  {letter.id}  [{letter.state}, {letter.reason}, {seen}]\n      {error}"
