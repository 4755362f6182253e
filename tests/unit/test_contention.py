"""Transaction contention is not an error: the store runs the work again after a random pause, a
bounded number of times, and only then says "transient" (the caller retries later)."""

import pytest

from devplan.adapters.firestore import store as store_module
from devplan.errors import TransientError
from tests.fakes import InMemoryStore


def claim(uow):
    return uow.claim("platform:ev-1")


def test_a_contended_transaction_runs_again_after_jittered_pauses():
    store = InMemoryStore()
    store.memory.contended = 2  # two runs lose to others, their writes thrown away
    assert store.atomically(claim) is True
    assert len(store.pauses) == 2 and all(0 <= p <= store_module.CONTENTION_PAUSE[1] for p in store.pauses)
    assert store.atomically(claim) is False  # exactly one claim was written


def test_contention_that_does_not_end_is_a_transient_error_after_bounded_attempts():
    store = InMemoryStore()
    store.memory.contended = store_module.CONTENTION_ATTEMPTS
    with pytest.raises(TransientError, match="contended"):
        store.atomically(claim)
    assert len(store.pauses) == store_module.CONTENTION_ATTEMPTS - 1
    assert "processedEvents/platform:ev-1" not in store.docs  # nothing of the lost runs was written
    assert store.atomically(claim) is True


def test_pauses_grow_but_stay_under_the_cap(monkeypatch):
    monkeypatch.setattr(store_module.random, "uniform", lambda low, high: high)  # the ceilings themselves
    store = InMemoryStore()
    store.memory.contended = store_module.CONTENTION_ATTEMPTS - 1
    store.atomically(claim)
    first, cap = store_module.CONTENTION_PAUSE
    assert store.pauses == [min(cap, first * 2**n) for n in range(store_module.CONTENTION_ATTEMPTS - 1)]
