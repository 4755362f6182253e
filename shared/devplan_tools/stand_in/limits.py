"""Slack's edge when things go wrong: injected faults (POST /_stand-in/faults), answers held
back after Slack did the work (a crash between Slack's accept and the caller's record), the
per-channel rate limit of chat.postMessage (HTTP 429 with Retry-After), and, when switched on
(POST /_stand-in/limits, `--tiers`), Slack's published per-method tiers (tiers.py)."""

from __future__ import annotations

import math
import random
import threading
import time
from collections import Counter
from typing import Any

from werkzeug.wrappers import Request, Response

from devplan_tools.stand_in.http import json_response
from devplan_tools.stand_in.state import StandInState
from devplan_tools.stand_in.tiers import CHANNEL_POSTS, POST, WORKSPACE_POSTS, Limit, method_limit
from devplan_tools.stand_in.workspace import METHODS

# How Slack fails: an outage page (5xx), rate limited (429 + Retry-After), an error answer
# (ok: false), or an answer that comes after the client gave up (the call was done).
CHAOS_KINDS = ("http_500", "http_503", "ratelimited", "internal_error", "fatal_error", "timeout")


class FaultsAndLimits(StandInState):
    """Part of SlackStandIn (see server.py): owns `_faults` and `_last_post`, under its lock."""

    def _post_fault(self, request: Request) -> Response:
        """{"method", "status": 500|503|429, "count"[, "retry_after": "<header value>"]} or
        {"method", "error": "<slack code>", "count"},
        or {"method", "hold": true, "match": {<args subset>}, "count"}: the matching call is done
        and recorded as usual, but its answer waits until POST /_stand-in/release."""
        body = request.get_json(silent=True) or {}
        if body.get("hold") is True:
            return self._post_hold(body)
        fault: dict[str, Any] = {
            "status": body.get("status"),
            "error": body.get("error"),
            "count": int(body.get("count", 1)),
            "retry_after": str(body.get("retry_after", "1")),  # a 429's header, as given (even malformed)
        }
        if body.get("method") not in METHODS or not (fault["status"] or fault["error"]) or fault["count"] < 1:
            return json_response({"ok": False, "error": "invalid_arguments"}, 400)
        with self._lock:
            self._faults.setdefault(body["method"], []).append(fault)
        return json_response({"ok": True})

    def _post_hold(self, body: dict[str, Any]) -> Response:
        count, match = body.get("count", 1), body.get("match") or {}
        if body.get("method") not in METHODS or not isinstance(match, dict) or not isinstance(count, int) or count < 1:
            return json_response({"ok": False, "error": "invalid_arguments"}, 400)
        with self._lock:
            self._holds.append({"method": body["method"], "match": match, "count": count})
        return json_response({"ok": True})

    def _take_hold(self, method: str, args: dict[str, Any], seq: int) -> threading.Event | None:
        """Under the lock, after the call was answered and recorded: hold this answer back?"""
        for hold in self._holds:
            if hold["method"] == method and _contains(args, hold["match"]):
                hold["count"] -= 1
                if hold["count"] == 0:
                    self._holds.remove(hold)
                self._held[seq] = released = threading.Event()
                return released
        return None

    def _get_held(self, request: Request) -> Response:
        with self._lock:
            return json_response({"ok": True, "held": sorted(self._held)})

    def _post_release(self, request: Request) -> Response:
        """Let every held answer go (to whoever is still listening)."""
        with self._lock:
            held, self._held = self._held, {}
        for released in held.values():
            released.set()
        return json_response({"ok": True, "released": sorted(held)})

    def _post_chaos(self, request: Request) -> Response:
        """{"rate": 0.1, "seed": N}: that share of Web API calls fails, each in one of Slack's
        ways (CHAOS_KINDS), drawn from a seeded generator; {"rate": 0} turns it off."""
        body = request.get_json(silent=True) or {}
        rate, seed = body.get("rate"), body.get("seed", 0)
        if not isinstance(rate, (int, float)) or not 0 <= rate <= 1 or not isinstance(seed, int):
            return json_response({"ok": False, "error": "invalid_arguments"}, 400)
        with self._lock:
            self._chaos = {"rate": rate, "rng": random.Random(seed), "counts": Counter()} if rate else None
        return json_response({"ok": True})

    def _get_chaos(self, request: Request) -> Response:
        with self._lock:
            return json_response({"ok": True, "faults": dict(self._chaos["counts"]) if self._chaos else {}})

    def _chaos_fault(self, method: str) -> str | None:
        """Under the lock: this call's injected failure, if the dice say so."""
        chaos = self._chaos
        if chaos is None or chaos["rng"].random() >= chaos["rate"]:
            return None
        kind = chaos["rng"].choice(CHAOS_KINDS)
        chaos["counts"][kind] += 1
        return str(kind)

    def _take_fault(self, method: str) -> dict | None:
        queue = self._faults.get(method)
        if not queue:
            return None
        fault = queue[0]
        fault["count"] -= 1
        if fault["count"] == 0:
            queue.pop(0)
        return fault

    def _rate_limited(self, channel_id: str) -> int:
        """Whole seconds to wait (slack-sdk's retry handler int()s Retry-After), or 0 to proceed."""
        last = self._last_post.get(channel_id)
        if not self.rate_limit_per_channel or last is None:
            return 0
        remaining = 1 / self.rate_limit_per_channel - (time.monotonic() - last)
        return max(1, math.ceil(remaining)) if remaining > 0 else 0


class _Bucket:
    """A token bucket: `burst` calls at once, refilled at the limit's rate."""

    def __init__(self, limit: Limit, now: float):
        self.rate, self.burst = limit.per_minute / 60.0, limit.burst
        self.tokens, self.at = float(limit.burst), now

    def wait(self, now: float) -> float:
        """Seconds until one call is allowed (0: now); refills first."""
        self.tokens = min(float(self.burst), self.tokens + (now - self.at) * self.rate)
        self.at = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate


class TierLimits:
    """Slack's per-method tiers (tiers.py) × time scale `k`, with overrides for fault tests.
    Not thread-safe on its own: the stand-in calls it under its lock."""

    def __init__(self, k: float = 1.0, overrides: dict[str, Limit] | None = None, clock=time.monotonic):
        self.k, self.overrides, self._clock = k, dict(overrides or {}), clock
        self._buckets: dict[str, _Bucket] = {}
        self.limited: Counter[str] = Counter()  # method -> 429 answers
        self.allowed: Counter[str] = Counter()  # method -> calls let through

    def limit(self, method: str) -> Limit:
        return self.overrides.get(method, method_limit(method)).scaled(self.k)

    def _bucket(self, key: str, limit: Limit, now: float) -> _Bucket:
        if key not in self._buckets:
            self._buckets[key] = _Bucket(limit, now)
        return self._buckets[key]

    def retry_after(self, method: str, channel_id: str | None) -> int:
        """0 and the call is counted against its buckets, or whole seconds to wait (at least 1,
        as Slack's Retry-After), nothing counted."""
        now = self._clock()
        if method == POST and method not in self.overrides:
            keys = [(f"{POST}#workspace", WORKSPACE_POSTS.scaled(self.k))]
            if channel_id:
                keys.append((f"{POST}#{channel_id}", CHANNEL_POSTS.scaled(self.k)))
        else:
            keys = [(method, self.limit(method))]
        buckets = [self._bucket(key, limit, now) for key, limit in keys]
        wait = max(b.wait(now) for b in buckets)
        if wait > 0:
            self.limited[method] += 1
            return max(1, math.ceil(wait))
        for b in buckets:
            b.tokens -= 1
        self.allowed[method] += 1
        return 0

    def describe(self) -> dict[str, Any]:
        return {
            "time_scale": self.k,
            "overrides": {m: {"per_minute": v.per_minute, "burst": v.burst} for m, v in self.overrides.items()},
            "limited": dict(self.limited),
            "allowed": dict(self.allowed),
        }


class Limits(StandInState):
    """Part of SlackStandIn (see server.py): the tiers switch, POST/GET /_stand-in/limits."""

    def set_tiers(self, enabled: bool, k: float = 1.0, overrides: dict[str, Limit] | None = None) -> None:
        """Enforce Slack's tiers × k (or stop); restarts the buckets and the counts."""
        with self._lock:
            self._tiers = TierLimits(k, overrides) if enabled else None

    def _post_limits(self, request: Request) -> Response:
        """{"tiers": true, "time_scale": k, "methods": {"conversations.open": {"per_minute": 5,
        "burst": 1}}}: Slack's tiers × k, some methods tighter; {"tiers": false}: unlimited
        (but for the per-channel limit the stand-in was started with)."""
        body = request.get_json(silent=True) or {}
        k, methods = body.get("time_scale", 1), body.get("methods") or {}
        try:
            overrides = {m: Limit(float(v["per_minute"]), int(v.get("burst", 1))) for m, v in methods.items()}
        except (TypeError, KeyError, ValueError, AttributeError):
            overrides = None
        valid = (
            isinstance(body.get("tiers"), bool)
            and isinstance(k, (int, float))
            and k > 0
            and overrides is not None
            and all(v.per_minute > 0 and v.burst >= 1 for v in overrides.values())
        )
        if not valid:
            return json_response({"ok": False, "error": "invalid_arguments"}, 400)
        self.set_tiers(body["tiers"], float(k), overrides)
        return self._get_limits(request)

    def _get_limits(self, request: Request) -> Response:
        with self._lock:
            tiers = self._tiers.describe() if self._tiers else None
        return json_response({"ok": True, "tiers": tiers})


def _contains(args: Any, match: Any) -> bool:
    """`match` is a subset of `args` (dicts compared key by key, anything else by equality)."""
    if isinstance(match, dict):
        return isinstance(args, dict) and all(k in args and _contains(args[k], v) for k, v in match.items())
    return bool(args == match)
