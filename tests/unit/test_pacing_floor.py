"""The pacing benchmark's floor (bench/pacing/floor.py) counts what the state before a phase makes
necessary, not whatever the product called: a product that opened every kept group DM again
must score a worse floor/T, not raise its own floor. And every outbox message of a phase counts
as lost or duplicated, a digest shared as a file too."""

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from pacing.floor import Before, delivered, floor, needed  # noqa: E402

PAIRS = 999
K = 0.5


def _open(*users: str) -> dict:
    return {"ok": True, "method": "conversations.open", "args": {"users": ",".join(users)}, "channel": None}


def _post(outbox_id: str, channel: str) -> dict:
    meta = {"event_type": "devplan_outbox", "event_payload": {"outbox_id": outbox_id}}
    return {"ok": True, "method": "chat.postMessage", "channel": channel, "args": {"metadata": meta}}


def _upload(file_id: str) -> dict:
    files = json.dumps([{"id": file_id, "title": "Teamet"}])
    return {"ok": True, "method": "files.completeUploadExternal", "channel": "DLEAD", "args": {"files": files}}


def _quarter(reopen: bool) -> list[dict]:
    calls = []
    for i in range(1, PAIRS + 1):
        if reopen:
            calls.append(_open("ULEAD", f"U{i}"))
        calls.append(_post(f"review-invite:dev{i:05d}:2025-Q3", f"G{i}"))
    return calls


KEPT = Before(kept=frozenset(frozenset({"ULEAD", f"U{i}"}) for i in range(1, PAIRS + 1)))


def test_opening_kept_group_dms_again_does_not_raise_the_floor():
    lean, _ = floor(*needed(_quarter(reopen=False), KEPT), K)
    wasteful_methods, channels = needed(_quarter(reopen=True), KEPT)
    assert wasteful_methods["conversations.open"] == 0
    assert floor(wasteful_methods, channels, K)[0] == pytest.approx(lean)


def test_a_first_quarter_needs_one_open_per_pair_without_a_kept_conversation():
    calls = _quarter(reopen=True) + [_open("ULEAD", "U1")]  # one pair opened twice
    half_kept = Before(kept=frozenset(frozenset({"ULEAD", f"U{i}"}) for i in range(1, 500)))
    methods, _ = needed(calls, half_kept)
    assert methods["conversations.open"] == PAIRS - 499
    seconds, binding = floor(methods, _, 5)
    assert binding == "conversations.open" and seconds > 0


def test_only_people_not_linked_before_need_a_look_up():
    def lookup(email: str) -> dict:
        return {"ok": True, "method": "users.lookupByEmail", "args": {"email": email}, "channel": None}

    calls = [lookup("ny@bench.se"), lookup("ny@bench.se"), lookup("kvar@bench.se")]
    methods, _ = needed(calls, Before(linked=frozenset({"kvar@bench.se"})))
    assert methods["users.lookupByEmail"] == 1


def test_a_digest_file_counts_as_delivered_once_and_twice_as_duplicated():
    shared = {"F1": "digest:lead:2025-Q2", "F2": "digest:lead:2025-Q2"}
    calls = [_post("welcome:new1", "DNEW1"), _upload("F1"), _upload("F2")]
    found = delivered(calls, shared)
    assert found == {"welcome:new1": 1, "digest:lead:2025-Q2": 2}
    methods, _ = needed(calls, Before(), shared)
    assert methods["files.completeUploadExternal"] == 1  # the second was waste
