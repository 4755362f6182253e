"""The store the services use (services/ports.py): records in and out, one transaction per
use case, an idempotency ledger and an outbox, over any `Documents` (Firestore, or the
in-memory twin in tests). The ledger and outbox rules are written here once.

The unit of work buffers writes until the work returns, which keeps Firestore's rule "all
reads before writes" without services having to order their calls.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, TypeVar

from devplan.adapters.firestore import mapping as m
from devplan.adapters.firestore.documents import Document, Documents, DocumentTransaction
from devplan.domain.calendar import Quarter
from devplan.domain.cycle_record import CycleRecord
from devplan.domain.employees import ACTIVE, Employee
from devplan.domain.outbox import FAILED, SENDING, SENT, Claim, OutboxEntry, OutboxMessage
from devplan.domain.reflections import Reflection
from devplan.errors import UnusableRecord

T = TypeVar("T")
log = logging.getLogger(__name__)


class UnitOfWork:
    def __init__(self, tx: DocumentTransaction, now: datetime):
        self._tx, self.now = tx, now
        self._reads: dict[str, Document | None] = {}
        self._writes: list[tuple[str, Document, bool]] = []
        self._emitted: set[str] = set()

    # documents, cached: a transaction reads each at most once
    def _get(self, path: str) -> Document | None:
        if path not in self._reads:
            self._reads[path] = self._tx.get(path)
        return self._reads[path]

    def _put(self, path: str, data: Document, *, merge: bool = True) -> None:
        self._writes.append((path, data, merge))

    def flush(self) -> None:
        for path, data, merge in self._writes:
            self._tx.set(path, data, merge=merge)

    def prefetch(
        self, *, employees: Iterable[str] = (), cycles: Iterable[tuple[str, Quarter]] = (), outbox: Iterable[str] = ()
    ) -> None:
        paths = (
            [m.employee_path(e) for e in employees]
            + [m.cycle_path(e, q) for e, q in cycles]
            + [m.outbox_path(o) for o in outbox]
        )
        missing = [p for p in dict.fromkeys(paths) if p not in self._reads]
        if missing:
            self._reads.update(self._tx.get_all(missing))

    def claim(self, event_key: str) -> bool:
        path = m.ledger_path(event_key)
        if self._get(path) is not None:
            return False
        self._put(path, m.ledger_document(self.now), merge=False)
        self._reads[path] = {}  # a second claim in the same run is refused too
        return True

    def emit(self, message: OutboxMessage) -> bool:
        path = m.outbox_path(message.id)
        if message.id in self._emitted or self._get(path) is not None:
            return False
        self._emitted.add(message.id)
        self._put(path, m.outbox_document(message, self.now), merge=False)
        return True

    @property
    def emitted(self) -> frozenset[str]:
        return frozenset(self._emitted)

    def employee(self, employee_id: str) -> Employee | None:
        doc = self._get(m.employee_path(employee_id))
        return m.employee_from(employee_id, doc) if doc is not None else None

    def employee_exists(self, employee_id: str) -> bool:
        return self._get(m.employee_path(employee_id)) is not None

    def add_employee(self, employee: Employee, *, event_id: str, occurred_at: datetime) -> None:
        self._put(
            m.employee_path(employee.employee_id),
            m.new_employee_document(employee, event_id=event_id, occurred_at=occurred_at),
            merge=False,
        )

    def save_employee(self, employee: Employee) -> None:
        self._put(m.employee_path(employee.employee_id), m.employee_update(employee))

    def cycle(self, employee_id: str, quarter: Quarter) -> CycleRecord:
        return m.cycle_from(employee_id, quarter, self._get(m.cycle_path(employee_id, quarter)))

    def cycle_exists(self, employee_id: str, quarter: Quarter) -> bool:
        return self._get(m.cycle_path(employee_id, quarter)) is not None

    def save_cycle(self, cycle: CycleRecord) -> None:
        self._put(m.cycle_path(cycle.employee_id, cycle.quarter), m.cycle_document(cycle))

    def has_reflection(self, employee_id: str, entry_id: str) -> bool:
        return self._get(m.reflection_path(employee_id, entry_id)) is not None

    def add_reflection(self, reflection: Reflection) -> None:
        self._put(
            m.reflection_path(reflection.employee_id, reflection.entry_id),
            m.reflection_document(reflection),
            merge=False,
        )


class Loaded:
    def __init__(self, docs: Mapping[str, Document | None]):
        self._docs = docs

    def employee(self, employee_id: str) -> Employee | None:
        doc = self._docs.get(m.employee_path(employee_id))
        return m.employee_from(employee_id, doc) if doc is not None else None

    def cycle(self, employee_id: str, quarter: Quarter) -> CycleRecord | None:
        doc = self._docs.get(m.cycle_path(employee_id, quarter))
        return m.cycle_from(employee_id, quarter, doc) if doc is not None else None


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
