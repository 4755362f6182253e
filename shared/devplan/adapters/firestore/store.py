"""The store the services use (services/ports.Store): records in and out, over any `Documents`
(Firestore, or the in-memory twin in tests). `atomically` runs a use case in one transaction
(unit_of_work.py); the rest are single reads, queries and the sender's outbox moves.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, TypeVar

from devplan.adapters.firestore import mapping as m
from devplan.adapters.firestore.documents import BATCH_LIMIT, Contention, Documents, DocumentTransaction
from devplan.adapters.firestore.held_event_records import HeldEventRecords
from devplan.adapters.firestore.mapping import conversations as conversation_mapping
from devplan.adapters.firestore.mapping import cycles as cycle_mapping
from devplan.adapters.firestore.mapping import due
from devplan.adapters.firestore.personal_records import PersonalRecords
from devplan.adapters.firestore.unit_of_work import Loaded, UnitOfWork
from devplan.domain.audit import AuditEntry
from devplan.domain.calendar import Quarter
from devplan.domain.cycle_record import CycleRecord
from devplan.domain.employees import ACTIVE, Employee
from devplan.domain.next_check import DUE_NOW
from devplan.domain.outbox import FAILED, SENDING, SENT, Claim, OutboxEntry
from devplan.domain.wallet import Wallet
from devplan.errors import TransientError, UnusableRecord

T = TypeVar("T")
log = logging.getLogger(__name__)
# Contention (simultaneous deliveries of one event, a click and a tick on one cycle) is normal:
# run the transaction again after a random pause (full jitter, doubling up to the cap) so the
# contenders spread out instead of colliding again; only after CONTENTION_ATTEMPTS is it a
# TransientError (the caller retries later). Pauses add up to at most 6.3 s, on average half
# that, and only under contention: production Firestore settles most of it on the first retry.
CONTENTION_ATTEMPTS = 8
CONTENTION_PAUSE = (0.1, 1.6)  # first pause's ceiling, cap (seconds)


class Store(HeldEventRecords):
    def __init__(
        self, documents: Documents, clock: Callable[[], datetime], *, pause: Callable[[float], None] = time.sleep
    ):
        self.documents, self._clock, self._pause = documents, clock, pause

    def atomically(self, work: Callable[[UnitOfWork], T]) -> T:
        def run(tx: DocumentTransaction) -> T:
            uow = UnitOfWork(tx, self._clock())
            result = work(uow)
            uow.flush()
            return result

        first, cap = CONTENTION_PAUSE
        for attempt in range(1, CONTENTION_ATTEMPTS + 1):
            try:
                return self.documents.run_in_transaction(run)
            except Contention as exc:
                if attempt == CONTENTION_ATTEMPTS:
                    raise TransientError(f"transaction contended {attempt} times, last: {exc}") from exc
                log.info("transaction contended (attempt %d), running it again", attempt)
                self._pause(random.uniform(0, min(cap, first * 2 ** (attempt - 1))))
        raise AssertionError("unreachable")  # the loop returns or raises

    # employees
    def employee(self, employee_id: str) -> Employee | None:
        doc = self.documents.get(m.employee_path(employee_id))
        return m.employee_from(employee_id, doc) if doc is not None else None

    def load(self, *, employees: Iterable[str] = (), cycles: Iterable[tuple[str, Quarter]] = ()) -> Loaded:
        paths = [m.employee_path(e) for e in employees] + [m.cycle_path(e, q) for e, q in cycles]
        return Loaded(self.documents.get_all(paths) if paths else {})

    def active_employee_ids(self) -> list[str]:
        return [i for i, _ in self.documents.query(m.EMPLOYEES, [("status", "==", ACTIVE)], ids_only=True)]

    def employee_ids(self) -> list[str]:
        return [i for i, _ in self.documents.query(m.EMPLOYEES, [], ids_only=True)]

    def cycles_led_by(self, lead_ids: Sequence[str], quarter: Quarter) -> list[CycleRecord]:
        found = []
        for group in m.in_groups(lead_ids):  # one query for up to IN_LIMIT leads
            for cycle_id, doc in self.documents.query(m.CYCLES, cycle_mapping.led_by(group, quarter)):
                try:
                    found.append(m.cycle_from(cycle_mapping.employee_of(cycle_id), quarter, doc))
                except UnusableRecord as exc:
                    log.error("skipped: %s", exc, extra={"employeeId": cycle_mapping.employee_of(cycle_id)})
        return found

    def due_employee_ids(self, day: date) -> list[str]:
        """Whoever the daily tick must look at on `day` (domain/next_check.py): one range query
        on `nextCheckOn`, reads in proportion to who is due. Until the index exists (employees
        from before it carry no day, which no range query finds) every active employee is due:
        each without a day gets DUE_NOW, once, and the marker then says the index is complete.
        The stamps go in commits of BATCH_LIMIT: one write each, one by one, would take 5,000
        round trips inside the tick's 60 s. A crash in between does it again next time, for
        those still without a day."""
        if self.documents.get(due.DUE_INDEX) is not None:
            return [i for i, _ in self.documents.query(m.EMPLOYEES, [due.due_filter(day)], ids_only=True)]
        ids = self.active_employee_ids()
        dated = {i for i, _ in self.documents.query(m.EMPLOYEES, [due.has_next_check()], ids_only=True)}
        stamps = [(m.employee_path(i), due.next_check_update(DUE_NOW)) for i in ids if i not in dated]
        for first in range(0, len(stamps), BATCH_LIMIT):
            self.documents.set_all(stamps[first : first + BATCH_LIMIT])
        self.documents.set(due.DUE_INDEX, due.due_index_document(day, len(ids)))
        log.info(
            "due index started: %d active employees due, %d stamped",
            len(ids),
            len(stamps),
            extra={"employees": len(ids), "stamped": len(stamps)},
        )
        return ids

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

    def employees_led_by_any(self, lead_ids: Sequence[str]) -> list[Employee]:
        return [e for group in m.in_groups(lead_ids) for e in self._employees("leadId", "in", group)]

    def wallets(self, employees: Sequence[Employee], year: int) -> dict[str, Wallet]:
        paths = {e.employee_id: m.wallet_path(e.employee_id, year) for e in employees}
        docs = self.documents.get_all(list(paths.values())) if paths else {}
        return {
            e.employee_id: m.wallet_from(e.employee_id, year, e.training_budget_sek, docs.get(paths[e.employee_id]))
            for e in employees
        }

    def audit_of(self, employee_id: str, *, limit: int | None = 200) -> list[AuditEntry]:
        entries = []
        # All of one person's (a few a quarter), sorted here: the newest `limit` by time, not by id.
        for doc_id, doc in self.documents.query(m.AUDIT, [("employeeId", "==", employee_id)]):
            try:
                entries.append(m.audit_entry_from(doc))
            except (KeyError, TypeError, ValueError) as exc:  # one bad entry must not hide the others
                log.error("audit/%s is not a usable entry: %r", doc_id, exc, extra={"employeeId": employee_id})
        return sorted(entries, key=lambda e: (e.at, e.key))[-limit if limit else None :]

    def reflection_goal_ids(self, employee_id: str, *, limit: int = 500) -> list[tuple[str, ...]]:
        found = self.documents.query(m.reflections_collection(employee_id), [], limit=limit)
        return [tuple(i for i in doc.get("goalIds") or () if isinstance(i, str)) for _, doc in found]

    def employee_with_slack_user(self, slack_user_id: str) -> Employee | None:
        """The plan's record of a Slack account. Someone rehired has a new record (a new platform
        id) with the same account as their offboarded one: the active one answers."""
        found = self._employees("slack.userId", "==", slack_user_id)
        return next((e for e in found if e.active), next(iter(found), None))

    def employees_onboarding(self, statuses: Sequence[str]) -> list[Employee]:
        return [e for status in statuses for e in self._employees("onboarding.status", "==", status)]

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

    def release_outbox(self, message_id: str, claim: Claim, *, at: datetime) -> bool:
        """Only the claim's own attempt ends its lease, and only if nobody wrote since we read."""
        entry, version = self.outbox_entry(message_id)
        if entry is None or entry.state != SENDING or entry.claim is None or entry.claim.attempt != claim.attempt:
            return False
        return self.documents.update_if_unchanged(m.outbox_path(message_id), m.release_update(claim, at), version)

    # group DMs the sender opened once (mapping/conversations.py)
    def group_conversation(self, users: tuple[str, ...]) -> str | None:
        return conversation_mapping.conversation_from(self.documents.get(conversation_mapping.conversation_path(users)))

    def keep_group_conversation(self, users: tuple[str, ...], channel: str) -> None:
        self.documents.set(
            conversation_mapping.conversation_path(users),
            conversation_mapping.conversation_document(users, channel, self._clock()),
        )

    def forget_group_conversation(self, users: tuple[str, ...], channel: str) -> None:
        # Not in a transaction: at worst a sender that just kept a new id loses it and opens
        # the conversation once more.
        path = conversation_mapping.conversation_path(users)
        if conversation_mapping.is_channel(self.documents.get(path), channel):
            self.documents.delete(path)

    def mark_sent(
        self, message_id: str, *, at: datetime, channel: str | None, ts: str | None, forget_users: bool = False
    ) -> None:
        self.documents.set(m.outbox_path(message_id), m.sent_update(SENT, at, channel, ts, forget_users=forget_users))

    def mark_failed(self, message_id: str, *, at: datetime, error: str, forget_users: bool = False) -> None:
        self.documents.set(m.outbox_path(message_id), m.failed_update(FAILED, at, error, forget_users=forget_users))

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

    def personal_records(self) -> PersonalRecords:
        return PersonalRecords(self.documents, self._clock)
