"""One measured phase: Slack's tiers on at time scale k (stand-in and the product's pace alike),
the work started, the stand-in's record read until everything expected is posted; then the
figures: T, the floor (floor.py) from what the state before the phase makes necessary, lost and
duplicated (every outbox message of the phase posted or shared as a file), 429 answers."""

from __future__ import annotations

import os
import time
from collections import Counter
from datetime import date, datetime

from opening import err

from devplan import runtime
from devplan.adapters.slack_pace import SCALE_ENV
from devplan.services.digest import chart_filename
from pacing.floor import Before, delivered, floor, needed, post_outbox_id


def at_scale(stack, k: float) -> None:
    """Slack's limits × k in the stand-in and in the product's pace. The product's Slack
    client is built again (as a new instance would be: nothing in memory but what it keeps
    in Firestore)."""
    stack.stand_in.set_tiers(True, k)
    os.environ[SCALE_ENV] = repr(k)
    runtime.reset()


def last_seq(stack) -> int:
    return max((c["seq"] for c in stack.stand_in.calls()), default=0)


def state_before(db) -> tuple[Before, set[str]]:
    """The kept conversations, the linked addresses and the outbox ids before a phase."""
    kept = frozenset(
        frozenset((s.to_dict() or {}).get("users") or ()) for s in db.collection("slackConversations").stream()
    )
    linked = frozenset(
        str(doc.get("email") or "").lower()
        for doc in (s.to_dict() or {} for s in db.collection("employees").select(["email", "slack"]).stream())
        if (doc.get("slack") or {}).get("userId")
    )
    return Before(kept, linked), outbox_ids(db)


def outbox_ids(db) -> set[str]:
    return {s.id for s in db.collection("outbox").select([]).stream()}


def posted_messages(db, since: set[str]) -> set[str]:
    """Outbox messages written after `since` that Slack shows as a post or a file (not a
    channel invite or a Home tab, which repeat harmlessly)."""
    docs = db.collection("outbox").select(["kind"]).stream()
    return {s.id for s in docs if s.id not in since and ((s.to_dict() or {}).get("kind") or "message") == "message"}


def measure(stack, db, k: float, expected: set[str], start, timeout: float, label: str) -> dict:
    """`expected`: outbox ids whose posts end the phase; `start()`: begins the work."""
    before, outbox_before = state_before(db)
    since = last_seq(stack)
    t0_wall, t0 = time.time(), time.monotonic()
    start()
    posted: set[str] = set()
    seq, last_report = since, t0
    while posted < expected and time.monotonic() - t0 < timeout:
        for call in stack.stand_in.calls(seq):
            seq = max(seq, call["seq"])
            if call["method"] == "chat.postMessage" and call["ok"] and post_outbox_id(call) in expected:
                posted.add(post_outbox_id(call))
        if time.monotonic() - last_report > 5:
            last_report = time.monotonic()
            err(f"  [{label} {last_report - t0:6.1f} s] posted {len(posted)}/{len(expected)}")
        time.sleep(0.2)
    stack.wait_quiet(timeout=300, settle=1.0)  # the `sent` marks and anything trailing
    calls = stack.stand_in.calls(since)
    # the phase ends with its last successful Slack call (posts, and invites that post nothing)
    last = max((datetime.fromisoformat(c["at"]).timestamp() for c in calls if c["ok"]), default=None)
    messages = expected | posted_messages(db, outbox_before)  # a digest, too: shared as a file
    names = {chart_filename(m): m for m in messages}
    shared = {i: names[f["name"]] for i, f in list(stack.stand_in.workspace.files.items()) if f["name"] in names}
    per_id = delivered(calls, shared)
    methods, channels = needed(calls, before, shared)
    t_floor, binding = floor(methods, channels, k)
    elapsed = (last - t0_wall) if last else None
    limited = sum(1 for c in calls if c["status"] == 429)
    return {
        "phase": label,
        "k": k,
        "T_s": round(elapsed, 2) if elapsed else None,
        "floor_s": round(t_floor, 2),
        "binding": binding,
        "efficiency": round(t_floor / elapsed, 3) if elapsed else 0.0,
        "expected": len(messages),
        "lost": len(messages - set(per_id)),
        "lost_ids": sorted(messages - set(per_id))[:20],
        "duplicated": sum(n - 1 for n in per_id.values() if n > 1),
        "calls": len(calls),
        "ratelimited": limited,
        "ratelimited_share": round(limited / max(1, len(calls)), 4),
        "ratelimited_by_method": dict(Counter(c["method"] for c in calls if c["status"] == 429)),
        "needed": dict(methods),
        "timeline": _timeline(calls, t0_wall),
    }


def _timeline(calls: list[dict], origin: float) -> dict[str, list[float]]:
    """Per method: seconds from the start to its first and last successful call."""
    spans: dict[str, list[float]] = {}
    for call in calls:
        if call["ok"]:
            at = round(datetime.fromisoformat(call["at"]).timestamp() - origin, 1)
            span = spans.setdefault(call["method"], [at, at])
            span[0], span[1] = min(span[0], at), max(span[1], at)
    return spans


def quarter_invites(n: int, quarter: str) -> set[str]:
    return {f"review-invite:dev{i:05d}:{quarter}" for i in range(1, n)}


def tick(stack, day: date):
    return lambda: stack.tick(day)
