"""`devplan chaos`: the year run clean, then again under chaos, the final states compared.

Each run has a stack of its own (emulators, Slack stand-in, the functions in a child process).
The chaos run adds: every platform event and tick twice (some concurrently), platform events
reordered within the day (year.py), `slack_rate` of Slack Web API calls failing in the stand-in
(5xx, 429 + Retry-After, ok:false internal_error/fatal_error, an answer after the client's
timeout), and transient Firestore errors at `firestore_rate` per read or commit inside the
functions (firestore_faults.py). Exit status 1 on any difference, lost or duplicated post.
"""

from __future__ import annotations

import json
import os
import random
import sys
import tempfile
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TextIO

import requests

from devplan import runtime
from devplan_tools.chaos import compare, firestore_faults
from devplan_tools.chaos.year import ChaosClient, ChaosYear

# The sender's 120 s lease is what a retry waits out after an unanswered post; in the chaos
# run it is compressed like the retry backoff, or a year would take hours (host_process.py).
CHAOS_LEASE_SECONDS = 30


def run_year(
    *, chaos: bool, seed: int, first: date, last: date, slack_rate: float, firestore_rate: float, out: TextIO
) -> dict[str, Any]:
    from devplan_tools.local.stack import LocalStack

    rng = random.Random(seed) if chaos else None
    host_env = {"DEVPLAN_CHAOS_LEASE_SECONDS": str(CHAOS_LEASE_SECONDS)}
    if chaos:
        host_env[firestore_faults.ENV] = f"rate={firestore_rate},seed={seed}"
    saved = dict(os.environ)
    state_dir = Path(tempfile.mkdtemp(prefix=f"devplan-chaos-{'chaos' if chaos else 'clean'}-"))
    stack = LocalStack.start(state_dir, project="devplan-chaos", separate_host=True, host_env=host_env)
    counts: Counter[str] = Counter()
    try:
        if chaos:
            url = f"{stack.stand_in.url}/_stand-in/chaos"
            requests.post(url, json={"rate": slack_rate, "seed": seed}, timeout=5).raise_for_status()
        client = ChaosClient(stack.info(), rng, counts)
        year = ChaosYear(client, rng, counts, out)
        day = first
        while day <= last:
            year.run_day(day)
            day += timedelta(days=1)
        client.wait_settled()
        calls = client.slack_calls()
        host = requests.get(f"{stack.functions_url}/_host/status", timeout=5).json()
        slack_faults = requests.get(f"{stack.stand_in.url}/_stand-in/chaos", timeout=5).json()["faults"]
        return {
            "state": compare.snapshot(client.firestore()),
            "posts": Counter(_outbox_id(c) for c in calls if c["method"] == "chat.postMessage" and c["ok"]),
            "counts": counts,
            "host": host,
            "slack_faults": slack_faults,
            "logs": state_dir,
        }
    finally:
        stack.stop()
        os.environ.clear()
        os.environ.update(saved)
        runtime.reset()


def _outbox_id(call: dict[str, Any]) -> str:
    return str(((call.get("args") or {}).get("metadata") or {}).get("event_payload", {}).get("outbox_id"))


def report(clean: dict[str, Any], chaos: dict[str, Any], seed: int) -> dict[str, Any]:
    lost = sorted(set(clean["posts"]) - set(chaos["posts"]))
    extra = sorted(set(chaos["posts"]) - set(clean["posts"]))
    duplicated = sorted(k for k, n in chaos["posts"].items() if n > 1)
    diffs = compare.differences(clean["state"], chaos["state"])
    counts, host = chaos["counts"], chaos["host"]
    return {
        "seed": seed,
        "events": counts["events"],
        "eventsDuplicated": counts["events_duplicated"],
        "eventsConcurrent": counts["events_concurrent"],
        "eventsReordered": counts["events_reordered"],
        "ticks": counts["ticks"],
        "ticksDuplicated": counts["ticks_duplicated"],
        "webhookRetries": counts["webhook_retries"],
        "clicksRetried": counts["clicks_retried"],
        "slackFaults": chaos["slack_faults"],
        "firestoreFaults": host.get("firestoreFaults", {}),
        "hostAttempts": host.get("attempts", 0),
        "hostRetries": host.get("retries", 0),
        "hostDropped": host.get("dropped", 0),
        "postsClean": sum(clean["posts"].values()),
        "postsChaos": sum(chaos["posts"].values()),
        "lost": lost,
        "duplicated": duplicated,
        "onlyAfterChaos": extra,
        "differences": diffs,
    }


def run_chaos(
    *,
    year: int = 2025,
    seed: int | None = None,
    first: date | None = None,
    last: date | None = None,
    slack_rate: float = 0.1,
    firestore_rate: float = 0.03,
    out: TextIO = sys.stdout,
    quiet_year: bool = True,
) -> tuple[int, dict[str, Any]]:
    seed = seed if seed is not None else random.SystemRandom().randrange(1, 1_000_000)
    first, last = first or date(year, 1, 1), last or date(year, 12, 31)
    print(f"▶ chaos: seed {seed} ({first} … {last}); `devplan chaos --seed {seed}` runs it again", file=out)
    sink: TextIO = open(os.devnull, "w") if quiet_year else out  # noqa: SIM115 - closed below
    started = time.monotonic()
    try:
        runs = {}
        for chaos in (False, True):
            t0 = time.monotonic()
            runs[chaos] = run_year(
                chaos=chaos,
                seed=seed,
                first=first,
                last=last,
                slack_rate=slack_rate,
                firestore_rate=firestore_rate,
                out=sink,
            )
            print(f"  {'chaos' if chaos else 'clean'} run: {time.monotonic() - t0:.0f} s", file=out, flush=True)
    finally:
        if sink is not out:
            sink.close()
    result = report(runs[False], runs[True], seed)
    shown = {k: v for k, v in result.items() if k != "differences"}
    print(json.dumps(shown, ensure_ascii=False, indent=2), file=out)
    for line in result["differences"][:60]:
        print(f"  ≠ {line}", file=out)
    failed = bool(result["differences"] or result["lost"] or result["duplicated"] or result["onlyAfterChaos"])
    print(
        f"▶ {'DIFFERENT' if failed else 'equal'}: {len(result['differences'])} differences, {len(result['lost'])} "
        f"lost, {len(result['duplicated'])} duplicated, in {time.monotonic() - started:.0f} s (seed {seed})",
        file=out,
        flush=True,
    )
    return (1 if failed else 0), result
