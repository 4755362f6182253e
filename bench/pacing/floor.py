"""The rate-limit floor: the least time any client could take for the calls truly needed, at
the stand-in's limits (stand_in/tiers.py × k). Every limit is a token bucket (burst, rate); a
perfect client runs the buckets side by side, so the floor is the slowest bucket's
(calls - burst) / rate."""

from __future__ import annotations

from collections import Counter

from devplan_tools.stand_in.tiers import CHANNEL_POSTS, POST, WORKSPACE_POSTS, Limit, method_limit

# Calls a client needs; conversations.history only looks for a post after a crash.
NOT_NEEDED = {"conversations.history"}


def _seconds(calls: int, limit: Limit, k: float) -> float:
    return max(0, calls - limit.burst) / (limit.per_minute * k / 60.0)


def needed(calls: list[dict]) -> tuple[Counter, Counter]:
    """Per method the successful calls truly needed (a post once per outbox message), and the
    posts per channel."""
    methods: Counter[str] = Counter()
    channels: Counter[str] = Counter()
    posted: set[str] = set()
    for call in calls:
        if not call["ok"] or call["method"] in NOT_NEEDED:
            continue
        if call["method"] == POST:
            outbox_id = ((call["args"].get("metadata") or {}).get("event_payload") or {}).get("outbox_id")
            if outbox_id in posted:
                continue
            posted.add(outbox_id)
            channels[call["channel"]] += 1
        methods[call["method"]] += 1
    return methods, channels


def floor(methods: Counter, channels: Counter, k: float) -> tuple[float, str]:
    """(seconds, the binding limit)."""
    lanes = {m: _seconds(n, method_limit(m), k) for m, n in methods.items() if m != POST}
    lanes["chat.postMessage (workspace)"] = _seconds(methods[POST], WORKSPACE_POSTS, k)
    if channels:
        busiest, n = channels.most_common(1)[0]
        lanes[f"chat.postMessage (channel {busiest})"] = _seconds(n, CHANNEL_POSTS, k)
    binding = max(lanes, key=lambda lane: lanes[lane])
    return lanes[binding], binding
