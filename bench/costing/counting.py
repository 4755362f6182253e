"""Firestore billing, counted at the `Documents` port (adapters/firestore/documents.py) that every
adapter goes through: a document read per document asked for by get/get_all (also one that
does not exist), per document a query returns (at least one per query), per transactional read;
a write per set/update (per document of a commit); a delete per delete. Each count is booked to
the day and the function running (`Meter.running`).

`CountingMemory` is the in-memory documents of tests/fakes.py (the real store runs over them)
with a collection index so a year of 5,000 people stays fast; `Counting` wraps any Documents
(the emulator's FirestoreDocuments, for the check at small N) the same way."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any

from tests.fakes import MemoryDocuments

READS, WRITES, DELETES, CALLS = "reads", "writes", "deletes", "invocations"


class Meter:
    """Counts per (day, function, kind); `written` hands each committed write to the host's triggers."""

    def __init__(self) -> None:
        self.counts: dict[date, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
        self.day: date | None = None
        self.function = "seed"
        self.on: bool = False
        self.written: list[tuple[str, dict[str, Any] | None, dict[str, Any] | None]] = []  # path, before, after

    def add(self, kind: str, n: int = 1) -> None:
        if self.on and self.day is not None and n:
            self.counts[self.day][self.function][kind] += n

    @contextmanager
    def running(self, function: str):
        """One invocation of `function`: counted, and its reads and writes booked to it."""
        before, self.function = self.function, function
        self.add(CALLS)
        try:
            yield
        finally:
            self.function = before


class CountingMemory(MemoryDocuments):
    def __init__(self, meter: Meter):
        super().__init__()
        self.meter = meter
        self._index: dict[str, set[str]] = defaultdict(set)  # collection → document ids

    def get(self, path: str) -> dict[str, Any] | None:
        self.meter.add(READS)
        return super().get(path)

    def get_all(self, paths: Sequence[str]) -> dict[str, dict[str, Any] | None]:
        return {p: self.get(p) for p in dict.fromkeys(paths)}

    def query(self, collection: str, filters: Sequence[Any], **kwargs: Any) -> list[tuple[str, dict[str, Any]]]:
        found = super().query(collection, filters, **kwargs)
        self.meter.add(READS, max(1, len(found)))
        return found

    def update_if_unchanged(self, path: str, data: dict[str, Any], version: int) -> bool:
        self.meter.add(WRITES)
        before = self.docs.get(path)
        done = super().update_if_unchanged(path, data, version)
        if done:
            self.meter.written.append((path, before, self.docs.get(path)))
        return done

    def set(self, path: str, data: dict[str, Any], *, merge: bool = True) -> None:
        self.meter.add(WRITES)
        before = self.docs.get(path)
        super().set(path, data, merge=merge)
        self._index[path.rpartition("/")[0]].add(path.rpartition("/")[2])
        self.meter.written.append((path, before, self.docs.get(path)))

    def delete(self, path: str) -> None:
        self.meter.add(DELETES)
        super().delete(path)
        self._index[path.rpartition("/")[0]].discard(path.rpartition("/")[2])

    def collection(self, name: str) -> dict[str, dict[str, Any]]:
        return {i: self.docs[f"{name}/{i}"] for i in self._index.get(name, ()) if f"{name}/{i}" in self.docs}


class Counting:
    """Any Documents (the emulator's), counted as CountingMemory counts; no triggers (the emulator has its own)."""

    def __init__(self, inner: Any, meter: Meter):
        self.inner, self.meter = inner, meter

    def run_in_transaction(self, work: Callable[[Any], Any]) -> Any:
        meter = self.meter

        class Tx:
            def __init__(self, tx: Any):
                self.tx = tx

            def get(self, path: str) -> Any:
                meter.add(READS)
                return self.tx.get(path)

            def get_all(self, paths: Sequence[str]) -> Any:
                meter.add(READS, len(dict.fromkeys(paths)))
                return self.tx.get_all(paths)

            def query(self, collection: str, filters: Any) -> Any:
                found = self.tx.query(collection, filters)
                meter.add(READS, max(1, len(found)))
                return found

            def set(self, path: str, data: Any, *, merge: bool) -> None:
                meter.add(WRITES)
                self.tx.set(path, data, merge=merge)

        return self.inner.run_in_transaction(lambda tx: work(Tx(tx)))

    def get(self, path: str) -> Any:
        self.meter.add(READS)
        return self.inner.get(path)

    def get_all(self, paths: Sequence[str]) -> Any:
        self.meter.add(READS, len(dict.fromkeys(paths)))
        return self.inner.get_all(paths)

    def query(self, collection: str, filters: Any, **kwargs: Any) -> Any:
        found = self.inner.query(collection, filters, **kwargs)
        self.meter.add(READS, max(1, len(found)))
        return found

    def snapshot(self, path: str) -> Any:
        self.meter.add(READS)
        return self.inner.snapshot(path)

    def update_if_unchanged(self, path: str, data: Any, version: Any) -> bool:
        self.meter.add(WRITES)
        return bool(self.inner.update_if_unchanged(path, data, version))

    def set(self, path: str, data: Any, *, merge: bool = True) -> None:
        self.meter.add(WRITES)
        self.inner.set(path, data, merge=merge)

    def set_all(self, writes: Sequence[tuple[str, Any]], *, merge: bool = True) -> None:
        self.meter.add(WRITES, len(writes))
        self.inner.set_all(writes, merge=merge)

    def delete(self, path: str) -> None:
        self.meter.add(DELETES)
        self.inner.delete(path)
