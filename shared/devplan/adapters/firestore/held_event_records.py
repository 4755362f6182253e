"""The store's platform events waiting for their employee (services/held_events.py), apart from
store.py so that one stays a readable size: a part of `Store`, over the same `documents`."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from devplan.adapters.firestore import mapping as m
from devplan.adapters.firestore.documents import Documents
from devplan.errors import UnusableRecord
from devplan.services.held_events import HeldEvent

log = logging.getLogger(__name__)


class HeldEventRecords:
    documents: Documents
    _clock: Callable[[], datetime]

    def held_events(
        self,
        *,
        employee_id: str | None = None,
        received_since: datetime | None = None,
        received_before: datetime | None = None,
        limit: int,
    ) -> list[HeldEvent]:
        """Of one employee (in no order: they are few), or of everyone; by when they were received
        if asked: since a moment oldest first, before it newest first (a range and an order on one
        field: no composite index)."""
        filters: list[tuple[str, str, Any]] = []
        order: tuple[str, str] | None = None
        if employee_id is not None:
            if received_since or received_before:
                raise ValueError("held events of one employee are not asked by when they were received")
            filters.append(("employeeId", "==", employee_id))
        elif received_since is not None:
            filters, order = [("received", ">=", received_since)], ("received", "asc")
        elif received_before is not None:
            filters, order = [("received", "<", received_before)], ("received", "desc")
        held = []
        for doc_id, doc in self.documents.query(m.HELD, filters, limit=limit, order_by=order):
            try:
                held.append(m.held_event_from(doc_id, doc))
            except UnusableRecord as exc:
                log.error("skipped: %s", exc, extra={"heldEventId": doc_id})
        return held

    def forget_held_event(self, event_id: str) -> None:
        self.documents.delete(m.held_path(event_id))

    def note_held_problem(self, event_id: str, problem: str) -> None:
        """On the held event if it is still there (a write to a removed one would leave a stub)."""
        path = m.held_path(event_id)
        doc, version = self.documents.snapshot(path)
        if doc is not None:
            self.documents.update_if_unchanged(path, m.held_problem_update(problem, self._clock()), version)
