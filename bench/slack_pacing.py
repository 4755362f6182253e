"""Benchmark: Slack at production scale. The quarter opening for N employees and the onboarding
of a batch, on the whole local stack, under Slack's limits enforced by the stand-in (tiers × k),
against the rate-limit floor (the least time any client could take for the calls truly needed,
at the same limits).

    .venv/bin/python bench/slack_pacing.py --employees 1000 [--onboarding 200] [--json]

Phases: the first quarter after a bulk import (2025-04-01: every pair's group DM still to
open), a steady-state quarter (2025-07-01: every conversation kept), the onboarding of a batch
of new people. Targets per phase: floor/T >= 0.9, 0 lost, 0 duplicated, 429 answers <= 2 % of
calls. Exits 1 when a target is missed. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "shared"))  # harmless when devplan is installed in the venv

from google.cloud import firestore  # noqa: E402
from opening import err  # noqa: E402
from opening.seed import quiet_logs, seed  # noqa: E402
from pacing import onboarding  # noqa: E402
from pacing.phases import at_scale, measure, quarter_invites, tick  # noqa: E402

from devplan_tools.local.function_host import CONCURRENT_TRIGGERS_ENV  # noqa: E402

TARGET_EFFICIENCY, TARGET_429_SHARE = 0.9, 0.02
FIRST, STEADY = (date(2025, 4, 1), "2025-Q2"), (date(2025, 7, 1), "2025-Q3")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=1000, help="one lead + N-1 developers (default 1000)")
    parser.add_argument("--onboarding", type=int, default=200, help="new people in one batch (default 200; 0: skip)")
    # Each k makes its phase's floor a few minutes long: against it, the local stack's fixed
    # start-up (tick, fan-out, first transactions: ~5-10 s) is what T adds to the floor.
    parser.add_argument("--k-first", type=float, default=5.0, help="time scale of the first quarter (default 5)")
    parser.add_argument("--k-steady", type=float, default=0.5, help="time scale of the steady quarter (default 0.5)")
    parser.add_argument("--k-onboarding", type=float, default=5.0, help="time scale of the onboarding (default 5)")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds per phase at most")
    parser.add_argument("--json", action="store_true", help="also print the figures as one JSON line")
    args = parser.parse_args(argv)
    n = args.employees
    if n < 2:
        parser.error("--employees must be at least 2 (a lead and a developer)")

    quiet_logs()
    # Firestore triggers delivered concurrently, as Eventarc does (the emulator serialises them
    # behind the running one), bounded by each function's max_instances × concurrency.
    os.environ[CONCURRENT_TRIGGERS_ENV] = "1"
    from devplan_tools.local.stack import LocalStack

    results = []
    with tempfile.TemporaryDirectory(prefix="devplan-pacing-") as tmp:
        stack = LocalStack.start(Path(tmp), project="devplan-pacing")
        try:
            logging.getLogger().setLevel(logging.WARNING)
            db = firestore.Client(project=stack.project)
            started = time.monotonic()
            seed(stack, db, n)
            err(f"seeded {n} employees in {time.monotonic() - started:.1f} s")
            for (day, quarter), k, label in (
                (FIRST, args.k_first, "first quarter"),
                (STEADY, args.k_steady, "steady quarter"),
            ):
                at_scale(stack, k)
                invites = quarter_invites(n, quarter)
                results.append(measure(stack, db, k, invites, tick(stack, day), args.timeout, label))
                err(_line(results[-1]))
            if args.onboarding:
                people = onboarding.new_people(stack, args.onboarding)
                at_scale(stack, args.k_onboarding)
                label = f"onboarding {args.onboarding}"
                results.append(
                    measure(
                        stack,
                        db,
                        args.k_onboarding,
                        onboarding.expected(people),
                        onboarding.write(db, people),
                        args.timeout,
                        label,
                    )
                )
                err(_line(results[-1]))
        finally:
            stack.stop()
    return report(results, args.json)


def _line(r: dict) -> str:
    return (
        f"{r['phase']}: T {r['T_s']} s, floor {r['floor_s']} s ({r['binding']}), floor/T {r['efficiency']}, "
        f"lost {r['lost']}, duplicated {r['duplicated']}, 429 {r['ratelimited']}/{r['calls']}"
    )


def missed(r: dict) -> list[str]:
    misses = []
    if r["efficiency"] < TARGET_EFFICIENCY:
        misses.append(f"floor/T {r['efficiency']} < {TARGET_EFFICIENCY}")
    if r["lost"] or r["duplicated"]:
        misses.append(f"{r['lost']} lost, {r['duplicated']} duplicated")
    if r["ratelimited_share"] > TARGET_429_SHARE:
        misses.append(f"429 share {r['ratelimited_share']:.1%} > {TARGET_429_SHARE:.0%}")
    return misses


def report(results: list[dict], as_json: bool) -> int:
    head = f"{'phase':<18} {'k':>5} {'T s':>8} {'floor s':>8} {'floor/T':>8} {'lost':>5} {'dup':>4} {'429':>10}"
    print(head + "  binding")
    failed = False
    for r in results:
        misses = missed(r)
        failed |= bool(misses)
        print(
            f"{r['phase']:<18} {r['k']:>5g} {r['T_s'] or float('nan'):>8.1f} {r['floor_s']:>8.1f} "
            f"{r['efficiency']:>8.3f} {r['lost']:>5} {r['duplicated']:>4} "
            f"{r['ratelimited']:>4}/{r['calls']:<5}  {r['binding']}  "
            + ("MISSED: " + "; ".join(misses) if misses else "ok")
        )
    if as_json:
        print(json.dumps(results))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
