"""The chaos year, short form: the first weeks of the demo's year (three onboardings, one with
a late Slack account's lead told, first goals) clean and under chaos; the final states and the
Slack posts must be the same. The full year: `devplan chaos` (or `./dev chaos`)."""

import os
import random
import sys
from datetime import date

import pytest

from devplan_tools.chaos import compare
from devplan_tools.chaos.run import run_chaos

pytestmark = pytest.mark.e2e


def test_comparison_ignores_bookkeeping_and_names_every_other_difference():
    clean = {"outbox/welcome:anna": compare._clean({"state": "sent", "sentAt": 1, "claim": {"id": "a"}, "text": "Hej"})}
    same = {"outbox/welcome:anna": compare._clean({"state": "sent", "sentAt": 2, "claim": {"id": "b"}, "text": "Hej"})}
    assert compare.differences(clean, same) == []
    other = {
        "outbox/welcome:anna": compare._clean({"state": "sending", "text": "Hej"}),
        "cycles/anna:2025-Q1": {"reflections": 1},
    }
    assert compare.differences(clean, other) == [
        "cycles/anna:2025-Q1: only after chaos",
        "outbox/welcome:anna state: 'sent' → 'sending'",
    ]


def test_a_chaotic_start_of_the_year_ends_as_the_clean_one():
    seed = int(os.environ.get("DEVPLAN_CHAOS_SEED") or random.SystemRandom().randrange(1, 1_000_000))
    status, result = run_chaos(seed=seed, first=date(2025, 1, 1), last=date(2025, 1, 20), out=sys.stdout)
    # The chaos happened: every event and tick twice, failures injected, retries. (Which failures
    # a short run draws is the seed's: some seeds fail no Slack call in these few weeks.)
    assert result["events"] > 0 and result["eventsDuplicated"] == result["events"]
    assert result["ticks"] > 0 and result["ticksDuplicated"] == result["ticks"]
    assert sum(result["slackFaults"].values()) + sum(result["firestoreFaults"].values()) > 0
    assert result["hostRetries"] > 0 and result["postsClean"] > 0
    # ... and changed nothing.
    assert (result["lost"], result["duplicated"], result["onlyAfterChaos"]) == ([], [], []), f"seed {seed}"
    assert result["differences"] == [], f"seed {seed}: " + "\n".join(result["differences"])
    assert status == 0
