"""Firestore: transactions with an idempotency ledger and an outbox, behind a small store API.

Services call `store.atomically(work)`; `work(uow)` may run several times (Firestore retries
contended transactions), so it must only read and buffer writes through the unit of work.
The unit of work buffers writes until `work` returns, which keeps Firestore's rule
"all reads before writes" without services having to order their calls.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, Callable, TypeVar

from google.cloud import firestore

from devplan.domain.outbox import OutboxMessage

T = TypeVar("T")
LEDGER = "processedEvents"
OUTBOX = "outbox"
# Ledger entries carry expireAt; a Firestore TTL policy (infra/main.tf) deletes them later.
LEDGER_RETENTION = timedelta(days=30)


class FirestoreUnitOfWork:
    def __init__(self, db: firestore.Client, transaction: firestore.Transaction, now: datetime):
        self._db, self._tx, self.now = db, transaction, now
        self._reads: dict[str, dict[str, Any] | None] = {}
        self._writes: list[tuple[str, dict[str, Any], bool]] = []
        self.emitted: list[OutboxMessage] = []

    def get(self, path: str) -> dict[str, Any] | None:
        if path not in self._reads:
            snap = self._db.document(path).get(transaction=self._tx)
            self._reads[path] = snap.to_dict() if snap.exists else None
        return self._reads[path]

    def get_all(self, paths: list[str]) -> dict[str, dict[str, Any] | None]:
        missing = [p for p in dict.fromkeys(paths) if p not in self._reads]
        if missing:
            self._reads.update(dict.fromkeys(missing))
            for snap in self._tx.get_all([self._db.document(p) for p in missing]):
                self._reads[snap.reference.path] = snap.to_dict() if snap.exists else None
        return {p: self._reads.get(p) for p in paths}

    def claim(self, key: str) -> bool:
        """Claim an event id in this transaction; False if an earlier run already did."""
        path = f"{LEDGER}/{key.replace('/', '_')}"
        if self.get(path) is not None:
            return False
        self.put(path, {"processedAt": self.now, "expireAt": self.now + LEDGER_RETENTION}, merge=False)
        return True

    def put(self, path: str, data: dict[str, Any], *, merge: bool = True) -> None:
        self._writes.append((path, data, merge))

    def emit(self, message: OutboxMessage) -> bool:
        """Add a message to the outbox unless a message with its id exists (never reset one)."""
        path = f"{OUTBOX}/{message.id}"
        if self.get(path) is not None or any(m.id == message.id for m in self.emitted):
            return False
        self.emitted.append(message)
        self.put(path, message.document(self.now), merge=False)
        return True

    def flush(self) -> None:
        for path, data, merge in self._writes:
            self._tx.set(self._db.document(path), data, merge=merge)


class FirestoreStore:
    def __init__(self, db: firestore.Client, clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)):
        self.db, self._clock = db, clock

    def atomically(self, work: Callable[[FirestoreUnitOfWork], T]) -> T:
        @firestore.transactional
        def run(transaction: firestore.Transaction) -> T:
            uow = FirestoreUnitOfWork(self.db, transaction, self._clock())
            result = work(uow)
            uow.flush()
            return result

        return run(self.db.transaction())

    def get(self, path: str) -> dict[str, Any] | None:
        snap = self.db.document(path).get()
        return snap.to_dict() if snap.exists else None

    def get_many(self, paths: list[str]) -> dict[str, dict[str, Any] | None]:
        """One round trip for many documents (a chunk of employees and their cycles)."""
        found: dict[str, dict[str, Any] | None] = {p: None for p in paths}
        for snap in self.db.get_all([self.db.document(p) for p in dict.fromkeys(paths)]):
            found[snap.reference.path] = snap.to_dict() if snap.exists else None
        return found

    def ids_where(self, collection: str, field: str, value: Any) -> list[str]:
        """Document ids only (no fields are sent): cheap enough for 10,000 employees."""
        query = self.db.collection(collection).where(filter=firestore.FieldFilter(field, "==", value)).select([])
        return [s.id for s in query.stream()]

    def unfinished_outbox(self, *, created_before: datetime, limit: int) -> list[str]:
        query = (self.db.collection(OUTBOX).where(filter=firestore.FieldFilter("state", "in", ["pending", "sending"]))
                 .where(filter=firestore.FieldFilter("createdAt", "<", created_before)).limit(limit).select([]))
        return [s.id for s in query.stream()]

    def find(self, collection: str, field: str, value: Any) -> list[tuple[str, dict[str, Any]]]:
        query = self.db.collection(collection).where(filter=firestore.FieldFilter(field, "==", value))
        return [(s.id, s.to_dict()) for s in query.stream()]

    def update_if_unchanged(self, path: str, data: dict[str, Any], update_time: Any) -> bool:
        """One write with a precondition: cheaper than a transaction for a claim."""
        from google.api_core.exceptions import FailedPrecondition
        try:
            self.db.document(path).update(data, option=self.db.write_option(last_update_time=update_time))
            return True
        except FailedPrecondition:
            return False

    def snapshot(self, path: str) -> tuple[dict[str, Any] | None, Any]:
        snap = self.db.document(path).get()
        return (snap.to_dict() if snap.exists else None), snap.update_time

    def set(self, path: str, data: dict[str, Any], *, merge: bool = True) -> None:
        self.db.document(path).set(data, merge=merge)
