"""The store keeps what Senior Coach and supervision add to an employee, fake and real alike: the
supervisor and the lead's last "Inte än", and the month-keyed supervision tally."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from devplan.domain.metrics import MetricItem, Tally
from devplan.services.supervision import SUPERVISION_SESSIONS
from tests.contract.test_store_contract import ANNA, BO, add


def test_the_supervisor_and_inte_an_round_trip(store):
    add(store, ANNA, BO)
    coach = replace(ANNA, supervisor_id="bo", senior_coach_not_yet=date(2025, 7, 15))
    store.atomically(lambda uow: uow.save_employee(coach))
    assert store.employee("anna") == coach
    store.atomically(lambda uow: uow.save_employee(replace(coach, level="senior_coach")))
    assert store.employee("anna") == replace(coach, level="senior_coach")  # the rest is kept


def test_held_supervision_counts_once_a_month(store):
    tally = Tally("anna", SUPERVISION_SESSIONS).with_item(MetricItem("2025-05", 1, date(2025, 5, 9)))
    store.atomically(lambda uow: uow.save_tally(tally.with_item(MetricItem("2025-05", 1, date(2025, 5, 20)))))
    assert store.atomically(lambda uow: uow.tally("anna", SUPERVISION_SESSIONS)).count() == 1
