"""A smoke run of bench/slack_pacing.py (a few employees, fast): it runs end to end under the
stand-in's tiers and loses or duplicates nothing. (Efficiency is not a target at this size:
a handful of calls fit in Slack's bursts, so the floor is ~0.)"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_pacing_benchmark_runs_and_loses_nothing():
    args = ["--employees", "6", "--onboarding", "4", "--k-first", "20", "--k-steady", "20", "--k-onboarding", "20"]
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "slack_pacing.py"), *args, "--timeout", "120", "--json"],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    results = json.loads(done.stdout.strip().splitlines()[-1])
    assert [r["phase"] for r in results] == ["first quarter", "steady quarter", "onboarding 4"], done.stderr[-2000:]
    for r in results:
        assert r["lost"] == 0 and r["duplicated"] == 0, r
        assert r["ratelimited_share"] <= 0.02, r
    first, steady = results[0], results[1]
    # The quarter phases tick the opening only: last quarter's digest comes the business day
    # after (domain/cycle.digest_day), a day of its own.
    assert first["expected"] == 5  # the invites: none lost
    # One group DM per pair, opened once and kept: the next quarter opens none.
    for phase, pairs in ((first, 5), (steady, 0)):
        assert phase["needed"].get("files.completeUploadExternal", 0) == 0, phase["needed"]
        assert phase["needed"].get("conversations.open", 0) == pairs, phase["needed"]
