"""Benchmark: what a year of the product costs in Firestore operations and function invocations,
per day and per employee per quarter, for N employees, against the free quotas.

    .venv/bin/python bench/cost.py                       # N = 50 and 500, a simulated year each, 5,000 extrapolated
    .venv/bin/python bench/cost.py --direct 5000         # + the opening and the digest's day measured at 5,000
    .venv/bin/python bench/cost.py --smoke               # 10 people, January (the suite's smoke run)

In-process: the real store and services over in-memory documents (tests/fakes.py) with a
counting layer at the `Documents` port (costing/counting.py), the functions and their triggers
run by a small host (costing/host.py). The emulator does not count; `--emulator-check` runs the
tick of one opening day at small N on the Firestore emulator through the same counting layer and
compares. Targets: each quota's busiest day of 5,000 employees inside Firestore's free daily quota, the
month's invocations inside the free 2 million, and a quiet day's tick reads proportional to the
people due (at most READS_PER_DUE per person due plus a few). Exits 1 when a target is missed.
See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "shared"), str(REPO), str(REPO / "bench")]

from costing.counting import CALLS, DELETES, READS, WRITES  # noqa: E402
from costing.year import Year  # noqa: E402

from devplan.domain.calendar import Quarter, is_business_day  # noqa: E402
from devplan.domain.cycle import digest_day, opening_day  # noqa: E402

# Firestore's free quota per day (cloud.google.com/firestore/pricing) and Cloud Run's (2nd gen
# functions run on it) free requests per month (cloud.google.com/run/pricing).
QUOTA = {READS: 50_000, WRITES: 20_000, DELETES: 20_000}
FREE_INVOCATIONS_PER_MONTH = 2_000_000
TICK_FUNCTIONS = ("daily-tick", "employee-tick")
READS_PER_DUE = 12  # a due person's records (employee, three quarters' cycles, outbox entries, lead, agenda)
READS_FIXED = 5  # the day's tick record, the due query (one read even when it finds nobody), the migration marker


def day_totals(counts: dict[str, Counter[str]], functions: tuple[str, ...] | None = None) -> Counter[str]:
    total: Counter[str] = Counter()
    for function, c in counts.items():
        if functions is None or function in functions:
            total.update(c)
    return total


def summarise(year: Year, days: list[date]) -> dict:
    counts = year.meter.counts
    per_day = {d: day_totals(counts.get(d, {})) for d in days}
    busiest = max(days, key=lambda d: (per_day[d][READS] + per_day[d][WRITES], d.toordinal()))
    business = [d for d in days if is_business_day(d)]
    due = {d: (year.host.memory.docs.get(f"ticks/{d.isoformat()}") or {}).get("employees", 0) for d in business}
    tick_reads = {d: day_totals(counts.get(d, {}), TICK_FUNCTIONS)[READS] for d in business}
    months: Counter[str] = Counter()
    by_function: Counter[str] = Counter()
    for d in days:
        for function, c in counts.get(d, {}).items():
            months[f"{d:%Y-%m}"] += c[CALLS]
            by_function[function] += c[CALLS]
    quarters = max(1, round(len(days) / 91))
    total: Counter[str] = Counter()
    for d in days:
        total.update(per_day[d])
    return {
        "employees": year.n,
        "days": len(days),
        "busiest": {"day": busiest.isoformat(), **{k: per_day[busiest][k] for k in (READS, WRITES, DELETES, CALLS)}},
        "busiest_by_function": {f: dict(c) for f, c in sorted(counts.get(busiest, {}).items())},
        # Each quota is per day and per kind: the day most read need not be the day most written
        # (the opening writes most, the quarterly digest's day after reads most).
        "peaks": {k: _peak(per_day, days, k) for k in QUOTA},
        "quarters": {  # every opening and its digest's day (the first also keeps the pairs' group DMs)
            d.isoformat(): {k: per_day[d][k] for k in (READS, WRITES)}
            for q in sorted({Quarter.of(d) for d in days})
            for d in (opening_day(q), digest_day(opening_day(q)))
            if d in per_day
        },
        "average_day": {
            k: round(sum(per_day[d][k] for d in days) / len(days), 1) for k in (READS, WRITES, DELETES, CALLS)
        },
        "per_employee_quarter": {k: round(total[k] / year.n / quarters, 1) for k in (READS, WRITES, DELETES, CALLS)},
        "invocations_by_function_per_employee_quarter": {
            f: round(n / year.n / quarters, 2) for f, n in sorted(by_function.items())
        },
        "busiest_month_invocations": max(months.values(), default=0),
        "tick": {
            "median_due": statistics.median(due.values()) if due else 0,
            "median_reads": statistics.median(tick_reads.values()) if tick_reads else 0,
            "quiet_days": sum(1 for d in business if due[d] == 0),
            "worst_reads_per_due": max(
                ((tick_reads[d] - READS_FIXED) / due[d] for d in business if due[d]), default=0.0
            ),
            "reads_on_quiet_days": max((tick_reads[d] for d in business if due[d] == 0), default=0),
        },
    }


def _peak(per_day: dict[date, Counter[str]], days: list[date], key: str) -> dict:
    day = max(days, key=lambda d: (per_day[d][key], d.toordinal()))
    return {"day": day.isoformat(), "count": per_day[day][key]}


def scaled(figures: dict, n: int) -> dict:
    """Linear in head count: every figure of a day is a sum over the people the day touches (their
    records, their messages, their triggers); what does not grow with N (the tick record, one read
    per query) is under 10 operations a day, and rounding up covers it."""
    k = n / figures["employees"]
    return {
        "employees": n,
        "method": f"extrapolated ×{k:g} from {figures['employees']}",
        "busiest": {
            "day": figures["busiest"]["day"],
            **{key: round(figures["busiest"][key] * k) + 10 for key in (READS, WRITES, DELETES, CALLS)},
        },
        "peaks": {key: {**p, "count": round(p["count"] * k) + 10} for key, p in figures["peaks"].items()},
        "average_day": {key: round(v * k) for key, v in figures["average_day"].items()},
        "busiest_month_invocations": round(figures["busiest_month_invocations"] * k),
    }


def table(f: dict) -> str:
    b, a = f["busiest"], f["average_day"]
    lines = [
        f"N = {f['employees']:>5}  {f.get('method', 'measured over ' + str(f.get('days')) + ' days')}",
        f"  busiest day {b['day']}: reads {b[READS]:>7,}  writes {b[WRITES]:>7,}  deletes {b[DELETES]:>5,}"
        f"  invocations {b[CALLS]:>7,}   (quota: {QUOTA[READS]:,} / {QUOTA[WRITES]:,} / {QUOTA[DELETES]:,})",
        f"  average day:            reads {a[READS]:>7,}  writes {a[WRITES]:>7,}  deletes {a[DELETES]:>5,}"
        f"  invocations {a[CALLS]:>7,}",
        "  each quota's busiest day: "
        + ", ".join(f"{key} {p['count']:,} on {p['day']}" for key, p in f["peaks"].items()),
        f"  busiest month's invocations: {f['busiest_month_invocations']:,} (free: {FREE_INVOCATIONS_PER_MONTH:,})",
    ]
    if f.get("quarters"):
        lines.append(
            "  each opening and its digest's day (reads / writes): "
            + "; ".join(f"{d} {c[READS]:,} / {c[WRITES]:,}" for d, c in f["quarters"].items())
        )
    if "per_employee_quarter" in f:
        p, t = f["per_employee_quarter"], f["tick"]
        lines += [
            "  busiest day by function: "
            + "; ".join(
                f"{fn} {c.get(CALLS, 0)}× r{c.get(READS, 0)} w{c.get(WRITES, 0)}"
                for fn, c in f["busiest_by_function"].items()
            ),
            f"  per employee per quarter: reads {p[READS]}  writes {p[WRITES]}  deletes {p[DELETES]}"
            f"  invocations {p[CALLS]}",
            "  invocations per employee per quarter: "
            + ", ".join(f"{fn} {v}" for fn, v in f["invocations_by_function_per_employee_quarter"].items()),
            f"  daily tick on business days: median {t['median_due']} due, median {t['median_reads']} reads;"
            f" {t['quiet_days']} days nobody due (at most {t['reads_on_quiet_days']} reads);"
            f" worst {t['worst_reads_per_due']:.1f} reads per person due (target ≤ {READS_PER_DUE})",
        ]
    return "\n".join(lines)


def misses(figures: list[dict], target_n: int) -> list[str]:
    missed = []
    for f in figures:
        t = f.get("tick")
        if t and (t["worst_reads_per_due"] > READS_PER_DUE or t["reads_on_quiet_days"] > READS_FIXED):
            missed.append(f"N={f['employees']}: the tick's reads are not proportional to who is due: {t}")
    at_target = [f for f in figures if f["employees"] == target_n]
    for f in at_target[-1:]:
        for key, quota in QUOTA.items():
            peak = f["peaks"][key]
            if peak["count"] > quota:
                missed.append(f"N={target_n}: {key} on {peak['day']} {peak['count']:,} > free {quota:,}")
        if f["busiest_month_invocations"] > FREE_INVOCATIONS_PER_MONTH:
            missed.append(f"N={target_n}: {f['busiest_month_invocations']:,} invocations in a month")
    return missed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, nargs="+", default=[50, 500], help="N for a simulated year each")
    parser.add_argument("--target", type=int, default=5000, help="N the quota target is for (extrapolated)")
    parser.add_argument("--direct", type=int, help="also measure the first opening and the digest's day at this N")
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--smoke", action="store_true", help="10 people, January only")
    parser.add_argument("--json", action="store_true", help="one JSON line of figures at the end")
    parser.add_argument("--emulator-check", type=int, metavar="N", help="compare the counts with the emulator at N")
    args = parser.parse_args(argv)
    if argv is None:  # the command, not the suite's smoke run: the product's warnings are expected here
        logging.getLogger("devplan").setLevel(logging.CRITICAL)
    if args.emulator_check:
        from costing.emulator_check import check

        in_memory, on_emulator = check(args.emulator_check)
        for key in sorted(set(in_memory) | set(on_emulator)):
            same = "same" if in_memory.get(key) == on_emulator.get(key) else "DIFFERENT"
            print(f"{key:<28} in memory {in_memory.get(key)}  emulator {on_emulator.get(key)}  {same}")
        print("counts agree" if in_memory == on_emulator else "counts differ")
        return 0 if in_memory == on_emulator else 1
    figures = []
    runs = [(10, 31)] if args.smoke else [(n, None) for n in args.employees]
    for n, days in runs:
        started = time.monotonic()
        year = Year(n, args.year)
        first = date(args.year, 1, 1)
        span = [
            date.fromordinal(first.toordinal() + i) for i in range(days or (date(args.year + 1, 1, 1) - first).days)
        ]
        year.run(span)
        f = summarise(year, span)
        f["seconds"] = round(time.monotonic() - started, 1)
        figures.append(f)
        print(table(f), f"\n  ({f['seconds']} s)", flush=True)
    if not args.smoke:
        base = max(figures, key=lambda f: f["employees"])
        if args.target != base["employees"]:
            figures.append(scaled(base, args.target))
            print(table(figures[-1]))
        if args.direct:
            started = time.monotonic()
            year = Year(args.direct, args.year)
            first = date(args.year, 1, 1)
            opening = next(
                date.fromordinal(first.toordinal() + i)
                for i in range(10)
                if is_business_day(date.fromordinal(first.toordinal() + i))
            )
            # to the opening's next business day: last quarter's digest reads most that day
            span = [date.fromordinal(d) for d in range(first.toordinal(), digest_day(opening).toordinal() + 1)]
            year.run(span)
            f = summarise(year, span)
            f["method"] = f"measured: the days to the first opening ({opening}) and the digest's day after"
            f["seconds"] = round(time.monotonic() - started, 1)
            figures.append(f)
            print(table(f), f"\n  ({f['seconds']} s)")
    missed = misses(figures, args.target if not args.smoke else -1)
    for m in missed:
        print("MISSED:", m)
    print("targets met" if not missed else f"{len(missed)} target(s) missed")
    if args.json:
        print(json.dumps(figures, default=str))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
