"""The store the services use (services/ports.Store): records in and out, over any `Documents`
(Firestore, or the in-memory twin in tests). `atomically` runs a use case in one transaction
(unit_of_work.py); the rest are single reads, queries and the sender's outbox moves.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, TypeVar

from devplan.adapters.firestore import mapping as m
from devplan.adapters.firestore.documents import Documents, DocumentTransaction
from devplan.adapters.firestore.unit_of_work import Loaded, UnitOfWork
from devplan.domain.calendar import Quarter
from devplan.domain.employees import ACTIVE, Employee
from devplan.domain.outbox import FAILED, SENDING, SENT, Claim, OutboxEntry
from devplan.errors import UnusableRecord

T = TypeVar("T")
log = logging.getLogger(__name__)


class Store:
    def __init__(self, documents: Documents, clock: Callable[[], datetime]):
        self.documents, self._clock = documents, clock

    def atomically(self, work: Callable[[UnitOfWork], T]) -> T:
        def run(tx: DocumentTransaction) -> T:
            uow = UnitOfWork(tx, self._clock())
            result = work(uow)
            uow.flush()
            return result

        return self.documents.run_in_transaction(run)

    # employees
    def employee(self, employee_id: str) -> Employee | None:
        doc = self.documents.get(m.employee_path(employee_id))
        return m.employee_from(employee_id, doc) if doc is not None else None

    def load(self, *, employees: Iterable[str] = (), cycles: Iterable[tuple[str, Quarter]] = ()) -> Loaded:
        paths = [m.employee_path(e) for e in employees] + [m.cycle_path(e, q) for e, q in cycles]
        return Loaded(self.documents.get_all(paths) if paths else {})

    def active_employee_ids(self) -> list[str]:
        return [i for i, _ in self.documents.query(m.EMPLOYEES, [("status", "==", ACTIVE)], ids_only=True)]

    def _employees(self, field: str, op: str, value: Any) -> list[Employee]:
        """Every readable match; an unreadable record is logged and skipped, never blocking the rest."""
        found = []
        for employee_id, doc in self.documents.query(m.EMPLOYEES, [(field, op, value)]):
            try:
                found.append(m.employee_from(employee_id, doc))
            except UnusableRecord as exc:
                log.error("skipped: %s", exc, extra={"employeeId": employee_id})
        return found

    def employees_led_by(self, lead_id: str) -> list[Employee]:
        return self._employees("leadId", "==", lead_id)

    def employees_with_email(self, email: str) -> list[Employee]:
        return self._employees("email", "==", email)

    def employee_with_slack_user(self, slack_user_id: str) -> Employee | None:
        return next(iter(self._employees("slack.userId", "==", slack_user_id)), None)

    def employees_onboarding(self, statuses: Sequence[str]) -> list[Employee]:
        return [e for status in statuses for e in self._employees("onboarding.status", "==", status)]

    def link_slack_account(self, employee_id: str, slack_user_id: str) -> None:
        self.documents.set(m.employee_path(employee_id), m.slack_link_update(slack_user_id))

    # daily ticks
    def tick_state(self, day: date) -> str | None:
        return (self.documents.get(m.tick_path(day)) or {}).get("state")

    def record_tick(
        self, day: date, state: str, *, event_id: str, employees: int | None = None, chunks: int | None = None
    ) -> None:
        self.documents.set(m.tick_path(day), m.tick_document(state, event_id, employees, chunks))

    def record_chunk(self, day: date, index: int, *, employees: int, outcome: Mapping[str, int]) -> None:
        self.documents.set(m.chunk_path(day, index), m.chunk_document(employees, dict(outcome)))

    # the outbox, as the sender moves it on
    def outbox_entry(self, message_id: str) -> tuple[OutboxEntry | None, Any]:
        doc, version = self.documents.snapshot(m.outbox_path(message_id))
        return (m.outbox_entry_from(message_id, doc) if doc is not None else None), version

    def claim_outbox(self, message_id: str, claim: Claim, *, attempts: int, version: Any) -> bool:
        return self.documents.update_if_unchanged(
            m.outbox_path(message_id), m.claim_update(SENDING, claim, attempts), version
        )

    def mark_sent(self, message_id: str, *, at: datetime, channel: str | None, ts: str | None) -> None:
        self.documents.set(m.outbox_path(message_id), m.sent_update(SENT, at, channel, ts))

    def mark_failed(self, message_id: str, *, at: datetime, error: str) -> None:
        self.documents.set(m.outbox_path(message_id), m.failed_update(FAILED, at, error))

    def unfinished_outbox(self, *, created_before: datetime, limit: int) -> list[str]:
        return [
            i
            for i, _ in self.documents.query(
                m.OUTBOX,
                [("state", "in", ["pending", "sending"]), ("createdAt", "<", created_before)],
                limit=limit,
                ids_only=True,
            )
        ]
