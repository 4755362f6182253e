"""Probe: what one employee's quarter-opening transaction costs on the Firestore emulator, serially
and without triggers, in the shapes the code could take. Supports the findings of quarter_opening.py.

    .venv/bin/python bench/probe_transactions.py [--employees 200]

Shapes (each writes cycles/{id} + outbox/{id} per employee, like apply_day):
  as_today     one transaction per employee, 5 sequential reads (employee, cycle, next cycle,
               previous cycle, outbox id) + commit: what quarterly_cycle.apply_day does now
  one_get_all  one transaction per employee, the same 5 reads in one get_all + commit
  per_chunk    one transaction per chunk of 25 employees: one get_all of 125 docs + one commit
  plain_batch  no transaction: one WriteBatch per chunk (the floor's shape)
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "shared"))

from google.cloud import firestore  # noqa: E402

CHUNK = 25


def docs_of(eid: str, q: str) -> list[str]:
    return [f"employees/{eid}", f"cycles/{eid}:{q}", f"cycles/{eid}:next", f"cycles/{eid}:prev",
            f"outbox/review-invite:{eid}:{q}"]


def writes(tx_or_batch, db, eid: str, q: str) -> None:
    tx_or_batch.set(db.document(f"cycles/{eid}:{q}"), {"openedOn": "2025-04-01", "employeeId": eid}, merge=True)
    tx_or_batch.set(db.document(f"outbox/review-invite:{eid}:{q}"),
                    {"state": "pending", "text": "Dags för kvartalets 1:1 " * 8, "users": ["U1", "U2"]})


def as_today(db, ids, q):
    for eid in ids:
        @firestore.transactional
        def run(tx):
            for path in docs_of(eid, q):
                db.document(path).get(transaction=tx)
            writes(tx, db, eid, q)
        run(db.transaction())


def one_get_all(db, ids, q):
    for eid in ids:
        @firestore.transactional
        def run(tx):
            list(tx.get_all([db.document(p) for p in docs_of(eid, q)]))
            writes(tx, db, eid, q)
        run(db.transaction())


def per_chunk(db, ids, q):
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]

        @firestore.transactional
        def run(tx):
            list(tx.get_all([db.document(p) for e in chunk for p in docs_of(e, q)]))
            for eid in chunk:
                writes(tx, db, eid, q)
        run(db.transaction())


def plain_batch(db, ids, q):
    for start in range(0, len(ids), CHUNK):
        batch = db.batch()
        for eid in ids[start:start + CHUNK]:
            writes(batch, db, eid, q)
        batch.commit()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--employees", type=int, default=200)
    n = parser.parse_args().employees
    from devplan.local.emulators import start_emulators
    from devplan.local.processes import free_port
    import os
    with tempfile.TemporaryDirectory(prefix="devplan-probe-") as tmp:
        fs, ps = start_emulators(Path(tmp), functions_host=f"127.0.0.1:{free_port()}")
        try:
            os.environ["FIRESTORE_EMULATOR_HOST"] = fs.host
            db = firestore.Client(project="devplan-bench-probe")
            ids = [f"dev{i:05d}" for i in range(n)]
            for start in range(0, n, 500):
                batch = db.batch()
                for eid in ids[start:start + 500]:
                    batch.set(db.document(f"employees/{eid}"), {"name": eid, "status": "active"})
                batch.commit()
            as_today(db, ids[:50], "warmup")     # JIT warm-up of the emulator
            print(f"{n} employees, serial, Firestore emulator only (no triggers):")
            for shape in (as_today, one_get_all, per_chunk, plain_batch):
                started = time.monotonic()
                shape(db, ids, shape.__name__)
                t = time.monotonic() - started
                print(f"  {shape.__name__:<12} {t:6.2f} s   {1000 * t / n:6.2f} ms/employee   {n / t:7.1f} employees/s")
        finally:
            fs.stop()
            ps.stop()


if __name__ == "__main__":
    main()
