"""The due index (domain/next_check.py) in the store, against the in-memory documents and
Firestore on the emulator: the range query on `nextCheckOn`, the one-time migration of employees
without it, an outside write making someone due, and two writes of one employee in one
transaction folded into one that keeps both."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

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
