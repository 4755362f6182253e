"""Firestore documents, the thin layer under the store: reads, buffered transactional
writes, queries, preconditions. The in-memory twin in tests/fakes.py answers to the same
`Documents` protocol, and tests/contract runs the same cases against both."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol, TypeVar

from google.api_core.exceptions import Aborted, FailedPrecondition, NotFound
from google.cloud import firestore

T = TypeVar("T")
Document = dict[str, Any]
Filter = tuple[str, str, Any]  # (field path, "==" | "in" | "<" | ">=", value)
Order = tuple[str, str]  # (field path, "asc" | "desc"): documents without the field are left out
# Firestore's documented ceiling of writes in one commit (a batch or a transaction).
BATCH_LIMIT = 500


class Contention(Exception):
    """The transaction lost to concurrent ones more often than the client retries it (Firestore
    ABORTED). Worth running again after a pause: the store does, a bounded number of times."""


class DocumentTransaction(Protocol):
    def get(self, path: str) -> Document | None: ...
    def get_all(self, paths: Sequence[str]) -> dict[str, Document | None]: ...
    def query(self, collection: str, filters: Sequence[Filter]) -> list[tuple[str, Document]]:
        """Read in the transaction: a concurrent write to what it found makes one of the two retry."""

    def set(self, path: str, data: Document, *, merge: bool) -> None: ...


class Documents(Protocol):
    def run_in_transaction(self, work: Callable[[DocumentTransaction], T]) -> T: ...
    def get(self, path: str) -> Document | None: ...
    def get_all(self, paths: Sequence[str]) -> dict[str, Document | None]: ...
    def query(
        self,
        collection: str,
        filters: Sequence[Filter],
        *,
        limit: int | None = None,
        ids_only: bool = False,
        order_by: Order | None = None,
    ) -> list[tuple[str, Document]]: ...
    def snapshot(self, path: str) -> tuple[Document | None, Any]: ...
    def update_if_unchanged(self, path: str, data: Document, version: Any) -> bool: ...
    def set(self, path: str, data: Document, *, merge: bool = True) -> None: ...
    def set_all(self, writes: Sequence[tuple[str, Document]], *, merge: bool = True) -> None:
        """Up to BATCH_LIMIT documents in one commit, all or none: one round trip, no reads."""

    def delete(self, path: str) -> None: ...


def lost_to_contention(exc: BaseException) -> bool:
    """ABORTED anywhere in the exception's chain. The client wraps an aborted commit in a
    ValueError once its attempts are used up (`raise … from` the Aborted), and after any failure
    it rolls back: when the rollback fails too (the transaction already gone), that error is
    raised instead, with the Aborted only as its `__context__`."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [exc]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        if isinstance(current, Aborted):
            return True
        seen.add(id(current))
        pending += [current.__cause__, current.__context__]
    return False


def _by_path(paths: Sequence[str], snapshots: Iterable[Any]) -> dict[str, Document | None]:
    """Every asked path, None where no document exists (get_all leaves out what it does not find)."""
    found: dict[str, Document | None] = dict.fromkeys(paths)
    for snap in snapshots:
        found[snap.reference.path] = snap.to_dict() if snap.exists else None
    return found


class _FirestoreTransaction:
    def __init__(self, db: firestore.Client, transaction: firestore.Transaction):
        self._db, self._tx = db, transaction

    def get(self, path: str) -> Document | None:
        snap = self._db.document(path).get(transaction=self._tx)
        return snap.to_dict() if snap.exists else None

    def get_all(self, paths: Sequence[str]) -> dict[str, Document | None]:
        return _by_path(paths, self._tx.get_all([self._db.document(p) for p in dict.fromkeys(paths)]))

    def query(self, collection: str, filters: Sequence[Filter]) -> list[tuple[str, Document]]:
        return [(s.id, s.to_dict() or {}) for s in self._tx.get(_query(self._db, collection, filters))]

    def set(self, path: str, data: Document, *, merge: bool) -> None:
        self._tx.set(self._db.document(path), data, merge=merge)


def _query(db: firestore.Client, collection: str, filters: Sequence[Filter]) -> Any:
    query: Any = db.collection(collection)
    for field, op, value in filters:
        query = query.where(filter=firestore.FieldFilter(field, op, value))
    return query


class FirestoreDocuments:
    def __init__(self, db: firestore.Client):
        self.db = db

    def run_in_transaction(self, work: Callable[[DocumentTransaction], T]) -> T:
        """One attempt; a commit or read that lost to another transaction (ABORTED) is
        `Contention`, and the store runs the work again after a random pause. Not the client's
        own retries (`max_attempts`, 5 by default): they start again at once, so the same
        contenders collide again in lock-step. Measured on the emulator, whose locks wait ~2 s
        before aborting: eight simultaneous team_joins went 40 s without a winner that way,
        and finish in 4–9 s with the store's jittered retries."""

        @firestore.transactional
        def run(transaction: firestore.Transaction) -> T:
            return work(_FirestoreTransaction(self.db, transaction))

        try:
            result: T = run(self.db.transaction(max_attempts=1))
        except Exception as exc:
            if lost_to_contention(exc):
                raise Contention(str(exc)) from exc
            raise
        return result

    def get(self, path: str) -> Document | None:
        snap = self.db.document(path).get()
        return snap.to_dict() if snap.exists else None

    def get_all(self, paths: Sequence[str]) -> dict[str, Document | None]:
        """One round trip for many documents (a chunk of employees and their cycles)."""
        return _by_path(paths, self.db.get_all([self.db.document(p) for p in dict.fromkeys(paths)]))

    def query(
        self,
        collection: str,
        filters: Sequence[Filter],
        *,
        limit: int | None = None,
        ids_only: bool = False,
        order_by: Order | None = None,
    ) -> list[tuple[str, Document]]:
        """`ids_only` asks for no fields at all: cheap enough for 10,000 employees. `order_by` a
        field with a range filter on the same field needs no composite index; with an equality
        filter on another field it needs one (infra/main.tf)."""
        query = _query(self.db, collection, filters)
        if order_by is not None:
            field, direction = order_by
            query = query.order_by(
                field, direction=firestore.Query.DESCENDING if direction == "desc" else firestore.Query.ASCENDING
            )
        if limit is not None:
            query = query.limit(limit)
        if ids_only:
            query = query.select([])
        return [(s.id, {} if ids_only else s.to_dict()) for s in query.stream()]

    def snapshot(self, path: str) -> tuple[Document | None, Any]:
        snap = self.db.document(path).get()
        return (snap.to_dict() if snap.exists else None), snap.update_time

    def update_if_unchanged(self, path: str, data: Document, version: Any) -> bool:
        """One write with a precondition: cheaper than a transaction for a claim."""
        try:
            self.db.document(path).update(data, option=self.db.write_option(last_update_time=version))
            return True
        except (FailedPrecondition, NotFound):  # changed under us, or gone
            return False

    def set(self, path: str, data: Document, *, merge: bool = True) -> None:
        self.db.document(path).set(data, merge=merge)

    def set_all(self, writes: Sequence[tuple[str, Document]], *, merge: bool = True) -> None:
        if len(writes) > BATCH_LIMIT:
            raise ValueError(f"{len(writes)} writes in one commit; Firestore takes at most {BATCH_LIMIT}")
        if not writes:
            return
        batch = self.db.batch()
        for path, data in writes:
            batch.set(self.db.document(path), data, merge=merge)
        batch.commit()

    def delete(self, path: str) -> None:
        self.db.document(path).delete()
