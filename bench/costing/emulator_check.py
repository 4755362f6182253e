"""The in-memory counts checked against the Firestore emulator: the same N people seeded in both,
the same days ticked (fan-out and chunks, no triggers), counted by the same layer at the
`Documents` port, over the in-memory documents and over the real FirestoreDocuments on the
emulator. Equal counts mean the in-memory twin finds, misses and returns what Firestore does for
the product's reads (missing documents, query results) and the product writes the same."""

from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path

from costing.counting import CALLS, READS, WRITES, Counting, CountingMemory, Meter
from costing.year import moment, people
from devplan.adapters.firestore.documents import FirestoreDocuments
from devplan.adapters.firestore.store import Store
from devplan.services import daily_tick, quarterly_cycle
from devplan.services.inputs import EmployeeChunk, Tick
from tests.fakes import FakePublisher

DAYS = (date(2026, 1, 2), date(2026, 1, 5), date(2026, 1, 16), date(2026, 1, 19))  # opening, digest, nudges


def _tick(store: Store, meter: Meter, day: date) -> None:
    meter.day, meter.on = day, True
    publisher = FakePublisher()
    with meter.running("daily-tick"):
        daily_tick.fan_out(Tick(day, False, f"t-{day}"), store, publisher)
    for _, message in publisher.published:
        with meter.running("employee-tick"):
            quarterly_cycle.run_chunk(EmployeeChunk(day, tuple(message["employeeIds"]), "m", message["chunk"]), store)


def _counts(meter: Meter) -> dict[str, dict[str, int]]:
    return {
        f"{d} {f}": {k: c[k] for k in (CALLS, READS, WRITES)}
        for d, by in sorted(meter.counts.items())
        for f, c in sorted(by.items())
    }


def check(n: int) -> tuple[dict, dict]:
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import firestore

    from devplan_tools.local.emulators import start_emulators

    cast = people(n)
    memory_meter, emulator_meter = Meter(), Meter()
    clock = {"now": moment(DAYS[0], 7)}
    memory = CountingMemory(memory_meter)
    for eid, doc in cast:
        memory.set(f"employees/{eid}", doc)
    memory.set("ticks/due-index", {"since": "2025-12-01"})
    memory_meter.written.clear()
    with tempfile.TemporaryDirectory() as logs:
        fs, ps = start_emulators(Path(logs), "127.0.0.1:9")
        try:
            os.environ["FIRESTORE_EMULATOR_HOST"] = fs.host
            db = firestore.Client(project="devplan-cost-check", credentials=AnonymousCredentials())
            batch = db.batch()
            for eid, doc in cast:
                batch.set(db.document(f"employees/{eid}"), doc)
            batch.set(db.document("ticks/due-index"), {"since": "2025-12-01"})
            batch.commit()
            stores = (
                (Store(memory, clock=lambda: clock["now"], pause=lambda _: None), memory_meter),
                (Store(Counting(FirestoreDocuments(db), emulator_meter), lambda: clock["now"]), emulator_meter),
            )
            for day in DAYS:
                clock["now"] = moment(day, 7)
                for store, meter in stores:
                    _tick(store, meter, day)
        finally:
            fs.stop()
            ps.stop()
    return _counts(memory_meter), _counts(emulator_meter)
