"""The store's contract for the training wallet and funding applications, against the in-memory
documents and Firestore on the emulator: a wallet round-trips per person and year in whole
kronor, and the funding map is saved beside goals another step saved in the same transaction."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from devplan.domain.funding import DRAFT, GRANTED, Application, FundingBook
from devplan.domain.goals import GoalPlan
from devplan.domain.wallet import TrainingRequest, Wallet
from tests.contract.test_store_contract import ANNA, add
from tests.fakes import NOW
from tests.unit.goal_support import live_goal

AT = datetime(2025, 4, 8, 7, 0, tzinfo=UTC)


def test_a_wallet_round_trips_per_person_and_year(store):
    add(store, ANNA)
    wallet, _ = Wallet.opened("anna", 2025, None).request(
        TrainingRequest("r1", "Kurs", "AB", 4200, AT, "g1"), has_approver=True
    )
    wallet, _ = wallet.request(TrainingRequest("r2", "Kurs 2", "AB", 1000, AT), has_approver=True)
    wallet, _ = wallet.approve("r2", "bo", AT)
    store.atomically(lambda uow: uow.save_wallet(wallet))
    read = store.atomically(lambda uow: uow.wallet("anna", 2025, None))
    assert read == wallet and read.left_sek == 0 and read.requests["r2"].raised_sek == 200
    assert isinstance(read.requests["r1"].cost_sek, int) and read.requests["r1"].requested_at == AT
    new_year = store.atomically(lambda uow: uow.wallet("anna", 2026, 8000))
    assert new_year == Wallet("anna", 2026, 8000) and new_year.left_sek == 8000


def test_funding_applications_are_saved_beside_goals_saved_in_the_same_transaction(store):
    add(store, ANNA)
    app = Application(
        "a1", "Vinnova", "Innovationsprojekt", 465865, date(2025, 5, 30), DRAFT, AT, reminded=frozenset({14})
    )
    book = FundingBook({"a1": app})
    store.atomically(lambda uow: uow.save_employee(replace(uow.employee("anna"), funding=book)))
    granted = replace(app, status=GRANTED, granted_sek=465000, updated_at=NOW)
    plan = GoalPlan(items=(live_goal("g1", 400000, "funding_sek", unit="kr"),))

    def work(uow):
        anna = uow.employee("anna")
        uow.save_employee(replace(anna, goals=plan))  # e.g. the grant moved a goal
        uow.save_funding("anna", replace(book, applications={"a1": granted}, larger_asked_at=1))

    store.atomically(work)
    anna = store.employee("anna")
    assert anna.goals == plan
    assert anna.funding == FundingBook({"a1": granted}, larger_asked_at=1)
