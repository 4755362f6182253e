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


class Residue:
    """Just enough of a Firestore client for `compare.snapshot`: collections of documents."""

    def __init__(self, collections: dict[str, list[dict]]):
        self.collections = collections

    def collection(self, name: str):
        from types import SimpleNamespace

        docs = self.collections.get(name, [])
        return SimpleNamespace(
            stream=lambda: [SimpleNamespace(id=str(i), to_dict=lambda d=d: d) for i, d in enumerate(docs)]
        )


def test_a_dead_letter_or_held_event_left_only_after_chaos_is_a_difference():
    letter = {"function": "outbox-created", "reason": "permanent", "eventType": "t", "state": "open", "eventId": "e1"}
    held = {"type": "goals.set", "employeeId": "anna", "data": "{}", "eventId": "x", "received": 1}
    clean = compare.snapshot(Residue({"heldEvents": [held]}))
    same = compare.snapshot(Residue({"heldEvents": [{**held, "eventId": "y", "received": 2}]}))
    assert compare.differences(clean, same) == []  # ids and times are bookkeeping
    chaos = compare.snapshot(Residue({"heldEvents": [held, {**held, "eventId": "z"}], "deadLetters": [letter]}))
    lines = compare.differences(clean, chaos)
    assert len(lines) == 2 and any(line.startswith("deadLetters/") and "only after chaos" in line for line in lines)
    assert any(line.startswith("heldEvents/") and "count: 1 → 2" in line for line in lines)


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
