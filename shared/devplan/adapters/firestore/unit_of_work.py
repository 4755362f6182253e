"""One transaction of the store (services/ports.UnitOfWork): reads first, each once (cached,
or all at once with `prefetch`), writes buffered until the work returns. This keeps
Firestore's rule "all reads before writes" without services having to order their calls;
the idempotency ledger and the outbox rule live here, written once."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import date, datetime

from devplan.adapters.firestore import mapping as m
from devplan.adapters.firestore.documents import Document, DocumentTransaction
from devplan.adapters.firestore.mapping import due
from devplan.adapters.firestore.mapping import lifecycle as lifecycle_mapping
from devplan.adapters.firestore.mapping.privacy import erased_employee
from devplan.domain.audit import AuditEntry
from devplan.domain.calendar import Quarter
from devplan.domain.cycle_record import CycleRecord
from devplan.domain.employees import Employee
from devplan.domain.funding import FundingBook
from devplan.domain.metrics import Tally
from devplan.domain.next_check import DUE_NOW
from devplan.domain.outbox import PENDING as OUTBOX_PENDING
from devplan.domain.outbox import OutboxMessage
from devplan.domain.reflections import Reflection
from devplan.domain.wallet import Wallet
from devplan.errors import UnusableRecord
from devplan.services.inputs import PlatformEvent

log = logging.getLogger(__name__)


class _Records:
    """Records read from documents, mapped on access: shared by a transaction and a bulk read."""

    def _get(self, path: str) -> Document | None:
        raise NotImplementedError

    def employee(self, employee_id: str) -> Employee | None:
        doc = self._get(m.employee_path(employee_id))
        return m.employee_from(employee_id, doc) if doc is not None else None

    def employee_exists(self, employee_id: str) -> bool:
        return self._get(m.employee_path(employee_id)) is not None

    def cycle_exists(self, employee_id: str, quarter: Quarter) -> bool:
        return self._get(m.cycle_path(employee_id, quarter)) is not None


class UnitOfWork(_Records):
    def __init__(self, tx: DocumentTransaction, now: datetime):
        self._tx, self.now = tx, now
        self._reads: dict[str, Document | None] = {}
        self._writes: dict[str, tuple[Document, bool]] = {}  # by path: one write per document

    # documents, cached: a transaction reads each at most once
    def _get(self, path: str) -> Document | None:
        if path not in self._reads:
            self._reads[path] = self._tx.get(path)
        return self._reads[path]

    def _put(self, path: str, data: Document, *, merge: bool = True) -> None:
        """Buffered; a second write to a document is folded into the first (Firestore charges per
        write, and a merge after a write is the merged write). Any write of an employee that does
        not set the due index itself sets it to DUE_NOW: a change from outside the tick's turn
        (an application drafted, a supervisor assigned, a goal reopened) may bring an action
        forward, so the next tick looks again (domain/next_check.py)."""
        if due.is_employee_path(path) and due.NEXT_CHECK not in data:
            data = {**data, **due.next_check_update(DUE_NOW)}
        if path in self._writes and merge:
            earlier, earlier_merge = self._writes[path]
            data, merge = _overlay(earlier, data), earlier_merge
        self._writes[path] = (data, merge)

    def flush(self) -> None:
        for path, (data, merge) in self._writes.items():
            self._tx.set(path, data, merge=merge)

    def schedule_check(self, employee_id: str, day: date) -> None:
        """The day the daily tick next looks at this employee; not written when it stays the same."""
        path = m.employee_path(employee_id)
        if path in self._writes or due.next_check_from(self._get(path)) != day:
            self._put(path, due.next_check_update(day))

    def prefetch(
        self,
        *,
        employees: Iterable[str] = (),
        cycles: Iterable[tuple[str, Quarter]] = (),
        outbox: Iterable[str] = (),
        wallets: Iterable[tuple[str, int]] = (),
        tallies: Iterable[tuple[str, str]] = (),
    ) -> None:
        paths = (
            [m.employee_path(e) for e in employees]
            + [m.cycle_path(e, q) for e, q in cycles]
            + [m.outbox_path(o) for o in outbox]
            + [m.wallet_path(e, year) for e, year in wallets]
            + [m.tally_path(e, source) for e, source in tallies]
        )
        missing = [p for p in dict.fromkeys(paths) if p not in self._reads]
        if missing:
            self._reads.update(self._tx.get_all(missing))

    def claim(self, event_key: str) -> bool:
        path = m.ledger_path(event_key)
        return self._get(path) is None and self._create(path, m.ledger_document(self.now))

    def emit(self, message: OutboxMessage) -> bool:
        path = m.outbox_path(message.id)
        return self._get(path) is None and self._create(path, m.outbox_document(message, self.now))

    def _create(self, path: str, doc: Document) -> bool:
        """Write a new document, and remember it: a second claim or emit in the same run is refused too."""
        self._put(path, doc, merge=False)
        self._reads[path] = doc
        return True

    def add_employee(self, employee: Employee, *, event_id: str, occurred_at: datetime, erased: bool = False) -> None:
        """`erased`: stored as an erasure leaves a record (mapping/privacy.py), so nothing
        personal of someone whose erasure waited for this onboarding is ever written."""
        doc = m.new_employee_document(employee, event_id=event_id, occurred_at=occurred_at)
        self._put(m.employee_path(employee.employee_id), erased_employee(doc, self.now) if erased else doc, merge=False)

    def save_employee(self, employee: Employee) -> None:
        self._put(m.employee_path(employee.employee_id), m.employee_update(employee))

    def cycle(self, employee_id: str, quarter: Quarter) -> CycleRecord:
        return m.cycle_from(employee_id, quarter, self._get(m.cycle_path(employee_id, quarter)))

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

    def tally(self, employee_id: str, source: str) -> Tally:
        return m.tally_from(employee_id, source, self._get(m.tally_path(employee_id, source)))

    def save_tally(self, tally: Tally) -> None:
        self._put(m.tally_path(tally.employee_id, tally.source), m.tally_document(tally), merge=False)

    def metric_item_owner(self, source: str, item_id: str) -> tuple[str | None, bool]:
        return m.metric_item_owner_from(self._get(m.metric_item_path(source, item_id)))

    def record_metric_item_owner(self, source: str, item_id: str, employee_id: str | None, *, cancelled: bool) -> None:
        self._put(
            m.metric_item_path(source, item_id),
            m.metric_item_document(source, item_id, employee_id, cancelled=cancelled),
            merge=False,
        )

    def wallet(self, employee_id: str, year: int, budget_sek: int | None) -> Wallet:
        return m.wallet_from(employee_id, year, budget_sek, self._get(m.wallet_path(employee_id, year)))

    def save_wallet(self, wallet: Wallet) -> None:
        self._put(m.wallet_path(wallet.employee_id, wallet.year), m.wallet_document(wallet), merge=False)

    def save_funding(self, employee_id: str, book: FundingBook) -> None:
        """Only the employee's `funding` map: written after a step that saved their goals, it keeps those."""
        self._put(m.employee_path(employee_id), {"funding": m.funding_book_document(book)})

    def record(self, entry: AuditEntry) -> bool:
        """Add to the audit trail unless this key is recorded already (never rewritten)."""
        path = m.audit_path(entry.key)
        return self._get(path) is None and self._create(path, m.audit_document(entry))

    def employees_with_email(self, email: str) -> list[Employee]:
        found = []
        for employee_id, doc in self._tx.query(m.EMPLOYEES, [("email", "==", email)]):
            self._reads[m.employee_path(employee_id)] = doc
            try:
                found.append(m.employee_from(employee_id, doc))
            except UnusableRecord as exc:  # one bad record must not keep the others unlinked
                log.error("skipped: %s", exc, extra={"employeeId": employee_id})
        return found

    def link_slack_account(self, employee_id: str, slack_user_id: str) -> None:
        self._put(m.employee_path(employee_id), m.slack_link_update(slack_user_id))

    def hold(self, event: PlatformEvent, employee_id: str) -> bool:
        path = m.held_path(event.id)
        return self._get(path) is None and self._create(path, m.held_document(event, employee_id, self.now))

    def is_held(self, event_id: str) -> bool:
        return self._get(m.held_path(event_id)) is not None

    def change_employee(self, employee: Employee) -> None:
        self._put(m.employee_path(employee.employee_id), lifecycle_mapping.lifecycle_update(employee))

    def cancel_pending_outbox(self, slack_user_id: str, why: str) -> list[str]:
        """Messages to this user still pending (read in the transaction: a sender that claims
        one meanwhile makes it retry): cancelled, so no sender ever claims them."""
        cancelled = []
        for message_id, doc in self._tx.query(m.OUTBOX, [(lifecycle_mapping.USERS, "array_contains", slack_user_id)]):
            self._reads[m.outbox_path(message_id)] = doc
            if doc.get("state") == OUTBOX_PENDING:
                self._put(m.outbox_path(message_id), lifecycle_mapping.cancelled_update(self.now, why))
                cancelled.append(message_id)
        return cancelled


class Loaded(_Records):
    def __init__(self, docs: Mapping[str, Document | None]):
        self._docs = docs

    def _get(self, path: str) -> Document | None:
        return self._docs.get(path)

    def cycle(self, employee_id: str, quarter: Quarter) -> CycleRecord | None:
        doc = self._get(m.cycle_path(employee_id, quarter))
        return m.cycle_from(employee_id, quarter, doc) if doc is not None else None


def _overlay(earlier: Document, later: Document) -> Document:
    """Two merge writes as one: maps merged field by field, anything else (an empty map too) replaced."""
    out = dict(earlier)
    for key, value in later.items():
        if isinstance(value, dict) and value and isinstance(out.get(key), dict):
            out[key] = _overlay(out[key], value)
        else:
            out[key] = value
    return out
