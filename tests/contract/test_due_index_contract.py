"""The due index (domain/next_check.py) in the store, against the in-memory documents and
Firestore on the emulator: the range query on `nextCheckOn`, the one-time migration of employees
without it (in batched commits), an outside write making someone due, and two writes of one
employee in one transaction folded into one that keeps both."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from devplan.adapters.firestore.documents import BATCH_LIMIT
from devplan.domain.employees import WELCOMED
from tests.contract.test_store_contract import ANNA, BO, add


def test_the_due_query_finds_who_is_due_by_the_day(store):
    add(store, ANNA, BO)
    assert sorted(store.due_employee_ids(date(2026, 4, 1))) == ["anna", "bo"]  # before the index: all active
    store.atomically(
        lambda uow: (uow.schedule_check("anna", date(2026, 4, 15)), uow.schedule_check("bo", date(2026, 4, 20)))
    )
    assert store.due_employee_ids(date(2026, 4, 14)) == []
    assert store.due_employee_ids(date(2026, 4, 15)) == ["anna"]
    assert sorted(store.due_employee_ids(date(2026, 4, 22))) == ["anna", "bo"]  # a missed day is caught up
    store.atomically(lambda uow: uow.save_employee(replace(BO, slack_user_id="U_BO", onboarding=WELCOMED)))
    assert store.due_employee_ids(date(2026, 4, 2)) == ["bo"]  # changed from outside: due at the next tick


def test_a_save_and_a_next_check_of_one_employee_are_one_write_keeping_both(store):
    add(store, ANNA)
    assert store.due_employee_ids(date(2026, 5, 1)) == ["anna"]  # the index starts

    def work(uow):
        uow.save_employee(replace(ANNA, slack_user_id="U_ANNA", onboarding=WELCOMED))
        uow.schedule_check("anna", date(2026, 5, 4))

    store.atomically(work)
    anna = store.employee("anna")
    assert anna.slack_user_id == "U_ANNA" and anna.onboarding == WELCOMED and anna.name == ANNA.name
    assert store.due_employee_ids(date(2026, 5, 3)) == [] and store.due_employee_ids(date(2026, 5, 4)) == ["anna"]


def _legacy(store, count: int, *, status: str = "active", prefix: str = "e") -> list[str]:
    """Employees from before the index (no `nextCheckOn`), written as they were then."""
    ids = [f"{prefix}{i:05d}" for i in range(count)]
    docs = [(f"employees/{i}", {"name": f"Person {i}", "status": status}) for i in ids]
    for first in range(0, len(docs), BATCH_LIMIT):
        store.documents.set_all(docs[first : first + BATCH_LIMIT])
    return ids


def test_the_index_starts_for_many_in_batches_and_keeps_a_day_already_there(store):
    active = _legacy(store, 1_200)
    _legacy(store, 3, status="left", prefix="gone")
    store.documents.set(f"employees/{active[7]}", {"nextCheckOn": "2026-05-04"})  # a write since the deploy

    assert sorted(store.due_employee_ids(date(2026, 4, 1))) == active  # before the index: every active one

    assert store.documents.get(f"employees/{active[7]}")["nextCheckOn"] == "2026-05-04"
    assert store.documents.get("employees/gone00000").get("nextCheckOn") is None
    assert sorted(store.due_employee_ids(date(2026, 4, 1))) == sorted(set(active) - {active[7]})
    assert len(store.due_employee_ids(date(2026, 5, 4))) == 1_200


def test_a_batch_of_writes_is_one_commit_merged_into_each_document(store):
    store.documents.set("employees/anna", {"name": "Anna", "slack": {"userId": "U1"}})
    store.documents.set_all([("employees/anna", {"slack": {"locale": "sv"}}), ("employees/bo", {"name": "Bo"})])
    assert store.documents.get("employees/anna") == {"name": "Anna", "slack": {"userId": "U1", "locale": "sv"}}
    assert store.documents.get("employees/bo") == {"name": "Bo"}
    store.documents.set_all([])  # nothing to commit: nothing asked of Firestore
    with pytest.raises(ValueError):
        store.documents.set_all([(f"employees/x{i}", {"name": "X"}) for i in range(BATCH_LIMIT + 1)])
