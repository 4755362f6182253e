"""A chunk of the daily tick is one transaction whose reads are a few round trips whatever its
size: each read of a single document inside it is a round trip to Firestore, and on the opening
day one per person (their training wallet, a coach's session tally for the agenda) made the
chunk's transaction the opening's long pole (bench/quarter_opening.py)."""

from __future__ import annotations

from datetime import date

from devplan.services import quarterly_cycle
from devplan.services.inputs import EmployeeChunk
from tests.fakes import InMemoryStore
from tests.unit.test_quarterly_cycle import employee

OPENING = date(2026, 4, 1)


class CountedReads:
    """Every transaction's reads, counted by kind: one document (`get`) or many at once (`get_all`)."""

    def __init__(self, store: InMemoryStore):
        self.gets: list[str] = []
        self.get_alls = 0
        run = store.memory.run_in_transaction

        def counted(work):
            def counting(tx):
                get, get_all = tx.get, tx.get_all

                def one(path):
                    self.gets.append(path)
                    return get(path)

                def many(paths):
                    self.get_alls += 1
                    return get_all(paths)

                tx.get, tx.get_all = one, many
                return work(tx)

            return run(counting)

        store.memory.run_in_transaction = counted


def test_an_opening_chunk_reads_in_a_few_round_trips_whatever_its_size():
    store = InMemoryStore()
    store.set("employees/bo", {**employee("Bo", lead=None), "role": "project_lead", "leadId": None})
    ids = ["bo"]
    for n in range(20):
        store.set(f"employees/e{n:02d}", employee(f"E{n}"))
        ids.append(f"e{n:02d}")
    store.set("employees/maja", {**employee("Maja"), "role": "coach"})
    store.set("employees/maja/wallets/2026", {"year": 2026, "requests": {}})
    ids.append("maja")
    reads = CountedReads(store)

    outcome = quarterly_cycle.run_chunk(EmployeeChunk(OPENING, tuple(ids), "m-1"), store)

    assert sum(outcome.values()) == 22 and all(kind.startswith("open_quarter") for kind in outcome)
    assert reads.gets == []  # no read of one document at a time: wallets and tallies come with the rest
    assert reads.get_alls <= 4  # people and cycles, leads, then outbox entries with the agenda's records
    invite = store.get("outbox/review-invite:maja:2026-Q2")
    assert invite is not None and "Senior Coach" in str(invite["blocks"])  # the tally read from the prefetch
