"""The rate-limit floor: the least time any client could take for the calls truly needed, at
the stand-in's limits (stand_in/tiers.py × k). Every limit is a token bucket (burst, rate); a
perfect client runs the buckets side by side, so the floor is the slowest bucket's
(calls - burst) / rate.

What is needed comes from the state the phase starts from (`Before`), not from what the product
happened to call: a group DM already kept needs no `conversations.open`, a person already linked
no `users.lookupByEmail` (one not linked needs a look-up, or a page of the product's listing of
the workspace for a batch: every `users.list` page counts), a message or a file is posted once.
Calls beyond that are the product's waste: they lengthen T, never the floor, so a regression
that wastes calls shows as floor/T."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from devplan_tools.stand_in.tiers import CHANNEL_POSTS, POST, WORKSPACE_POSTS, Limit, method_limit

OPEN, LOOKUP = "conversations.open", "users.lookupByEmail"
UPLOAD_URL, UPLOAD = "files.getUploadURLExternal", "files.completeUploadExternal"
# Calls a client needs; conversations.history only looks for a post after a crash.
NOT_NEEDED = {"conversations.history"}


@dataclass(frozen=True)
class Before:
    """What a phase starts from: the user sets whose conversation is kept (`slackConversations/`)
    and the addresses already linked to a Slack user."""

    kept: frozenset[frozenset[str]] = frozenset()
    linked: frozenset[str] = frozenset()


def _seconds(calls: int, limit: Limit, k: float) -> float:
    return max(0, calls - limit.burst) / (limit.per_minute * k / 60.0)


def post_outbox_id(call: dict) -> str:
    return ((call["args"].get("metadata") or {}).get("event_payload") or {}).get("outbox_id") or ""


def _file_ids(call: dict) -> list[str]:
    listed = call["args"].get("files")
    if isinstance(listed, str):
        try:
            listed = json.loads(listed)
        except ValueError:
            return []
    return [str(f["id"]) for f in listed or () if isinstance(f, dict) and "id" in f]


def _users(call: dict) -> frozenset[str]:
    users = call["args"].get("users") or ()
    return frozenset(users.split(",") if isinstance(users, str) else users)


def delivered(calls: list[dict], file_outbox: Mapping[str, str]) -> Counter[str]:
    """How often each outbox id reached Slack: a post (its metadata) or a shared file (its
    name; `file_outbox`: file id → outbox id)."""
    found: Counter[str] = Counter()
    for call in calls:
        if call["ok"] and call["method"] == POST:
            found[post_outbox_id(call)] += 1
        elif call["ok"] and call["method"] == UPLOAD:
            found.update(file_outbox[i] for i in _file_ids(call) if i in file_outbox)
    return found


def needed(calls: list[dict], before: Before, file_outbox: Mapping[str, str] | None = None) -> tuple[Counter, Counter]:
    """Per method the successful calls truly needed, and the posts per channel: a post or a
    digest file once per outbox message, an open once per user set with no kept conversation
    before the phase, a look-up once per address not linked before it."""
    file_outbox = file_outbox or {}
    methods: Counter[str] = Counter()
    channels: Counter[str] = Counter()
    seen: set[tuple[str, object]] = set()

    def first(method: str, key: object) -> bool:
        if (method, key) in seen:
            return False
        seen.add((method, key))
        return True

    for call in calls:
        method = call["method"]
        if not call["ok"] or method in NOT_NEEDED:
            continue
        if method == POST:
            if not first(method, post_outbox_id(call)):
                continue
            channels[call["channel"]] += 1
        elif method == OPEN:
            if _users(call) in before.kept or not first(method, _users(call)):
                continue
        elif method == LOOKUP:
            email = str(call["args"].get("email") or "").lower()
            if email in before.linked or not first(method, email):
                continue
        elif method == UPLOAD_URL:
            if not first(method, call["args"].get("filename")):
                continue
        elif method == UPLOAD:
            ids = tuple(file_outbox.get(i, i) for i in _file_ids(call))
            if not first(method, ids):
                continue
        methods[method] += 1
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
