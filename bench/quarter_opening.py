"""Benchmark: the quarter opening (1 April 2025) for N employees on the whole local stack,
compared with a floor measured in the same run against the same emulator and Slack stand-in.

    .venv/bin/python bench/quarter_opening.py --employees 1000 [--json]

System path: tick → Pub/Sub → fan-out → chunks of employee ids → one transaction per chunk
(cycles/{id}:2025-Q2 + outbox/review-invite:...) → outbox trigger → sender → Slack stand-in.
Floor: the same number of Firestore writes by plain WriteBatch commits, plus the same number
of chat.postMessage calls by a plain 16-thread HTTP client. See bench/README.md.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "shared"))  # harmless when devplan is installed in the venv

from google.cloud import firestore  # noqa: E402
from opening import OPENING, err  # noqa: E402
from opening.floor import floor_posts, floor_writes  # noqa: E402
from opening.profile import FunctionAttempts, HostArrivals, RpcCounter, latencies  # noqa: E402
from opening.report import report  # noqa: E402
from opening.seed import quiet_logs, seed  # noqa: E402
from opening.system import run_system, timeline, written_by_system  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=1000, help="N: one lead + N-1 developers (default 1000)")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds to wait for the system path")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also count the functions' Firestore RPCs, CPU per process and latencies from the data",
    )
    parser.add_argument("--json", action="store_true", help="also print the figures as one JSON line at the end")
    args = parser.parse_args(argv)
    n = args.employees
    if n < 2:
        parser.error("--employees must be at least 2 (a lead and a developer)")

    quiet_logs()
    from devplan.services.daily_tick import CHUNK_SIZE
    from devplan_tools.local.function_host import CONCURRENT_TRIGGERS_ENV
    from devplan_tools.local.stack import LocalStack

    # Delivered as production delivers (Eventarc and Pub/Sub push side by side, bounded by the
    # manifest), not one Firestore event at a time and two pushes per subscription as the
    # emulators do: what is measured is the product, not the emulators' queues. "0" measures those.
    os.environ.setdefault(CONCURRENT_TRIGGERS_ENV, "1")
    figures: dict = {
        "employees": n,
        "chunk_size": CHUNK_SIZE,
        "concurrent_delivery": os.environ[CONCURRENT_TRIGGERS_ENV] == "1",
    }
    stack = None
    with tempfile.TemporaryDirectory(prefix="devplan-bench-") as tmp:
        try:
            started = time.monotonic()
            stack = LocalStack.start(Path(tmp), project="devplan-bench")
            logging.getLogger().setLevel(logging.WARNING)
            err(f"stack up in {time.monotonic() - started:.1f} s; seeding {n} employees …")
            db = firestore.Client(project=stack.project)
            seeded = seed(stack, db, n)
            figures.update({k: round(v, 3) for k, v in seeded.items() if k.endswith("_s")})
            drain = seeded["seed_total_s"] - seeded["seed_users_s"] - seeded["seed_write_s"]
            err(
                f"seeded in {seeded['seed_total_s']:.1f} s (users {seeded['seed_users_s']:.1f} s, writes "
                f"{seeded['seed_write_s']:.1f} s, trigger drain {drain:.1f} s); "
                f"ticking {OPENING} …"
            )

            rpcs = RpcCounter() if args.profile else None
            arrivals = HostArrivals() if args.profile else None
            attempts = FunctionAttempts() if args.profile else None
            if attempts:
                attempts.enabled = True
            system = run_system(stack, db, n, args.timeout, rpcs)
            if attempts:
                attempts.enabled = False
            stack.wait_quiet(timeout=120, settle=0.5)  # trailing trigger events (our own `sent` writes)
            wrote = written_by_system(db, n)
            tl = timeline(db, system["t0_wall"])
            lat = latencies(db, n, arrivals, attempts) if args.profile else None
            err(f"system done; floor: {wrote['writes']} batched writes, {n - 1} posts …")
            t_writes = floor_writes(wrote["writes"])
            t_posts = floor_posts(stack.stand_in, n - 1, seeded["lead_user"])
        finally:
            if stack is not None:
                stack.stop()

    return report(args, figures, system, wrote, tl, lat, t_writes, t_posts)


if __name__ == "__main__":
    sys.exit(main())
