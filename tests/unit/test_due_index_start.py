"""The due index's one-time start (Store.due_employee_ids before the marker `ticks/due-index`)
runs inside daily-tick: 60 s, a sixth of a vCPU, retried from the top. So it stamps the
employees without a day in commits of up to 500, not one write each, and a retry after a
crash stamps only those still without one."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import pytest

from devplan.adapters.firestore.documents import BATCH_LIMIT
from devplan.adapters.firestore.store import Store
from tests.fakes import NOW, MemoryDocuments

PEOPLE = 1_200


class CountedCommits(MemoryDocuments):
    """Each set is a commit of its own; a batch of writes is one."""

    def __init__(self) -> None:
        super().__init__()
        self.commits = 0
        self._in_batch = False

    def set(self, path: str, data: dict[str, Any], *, merge: bool = True) -> None:
        self.commits += not self._in_batch
        super().set(path, data, merge=merge)

    def set_all(self, writes, *, merge: bool = True) -> None:
        self.commits += 1
        self._in_batch = True
        try:
            super().set_all(writes, merge=merge)
        finally:
            self._in_batch = False


def _before_the_index(count: int) -> tuple[CountedCommits, Store]:
    documents = CountedCommits()
    for i in range(count):
        documents.docs[f"employees/e{i:05d}"] = {"name": f"Person {i}", "status": "active"}
    return documents, Store(documents, clock=lambda: NOW)


def _stamped(documents: MemoryDocuments) -> int:
    return sum(1 for d in documents.collection("employees").values() if "nextCheckOn" in d)


def test_the_index_starts_in_commits_of_at_most_500():
    documents, store = _before_the_index(PEOPLE)
    assert len(store.due_employee_ids(date(2026, 4, 1))) == PEOPLE
    assert _stamped(documents) == PEOPLE and documents.get("ticks/due-index") is not None
    assert documents.commits <= math.ceil(PEOPLE / BATCH_LIMIT) + 1  # the stamps, then the marker


def test_a_retry_after_a_crash_stamps_only_those_still_without_a_day():
    documents, store = _before_the_index(PEOPLE)
    documents.fail_next_set = lambda path, _: path == "employees/e00600"  # in the second commit
    with pytest.raises(ConnectionError):
        store.due_employee_ids(date(2026, 4, 1))
    assert _stamped(documents) == BATCH_LIMIT and documents.get("ticks/due-index") is None

    documents.commits = 0
    assert len(store.due_employee_ids(date(2026, 4, 1))) == PEOPLE  # the retry: everyone still due
    assert _stamped(documents) == PEOPLE
    assert documents.commits == math.ceil((PEOPLE - BATCH_LIMIT) / BATCH_LIMIT) + 1
