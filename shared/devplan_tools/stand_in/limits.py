"""Slack's edge when things go wrong: injected faults (POST /_stand-in/faults), answers held
back after Slack did the work (a crash between Slack's accept and the caller's record), and the
per-channel rate limit of chat.postMessage (HTTP 429 with Retry-After)."""

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
from devplan_tools.stand_in.workspace import METHODS

# How Slack fails: an outage page (5xx), rate limited (429 + Retry-After), an error answer
# (ok: false), or an answer that comes after the client gave up (the call was done).
CHAOS_KINDS = ("http_500", "http_503", "ratelimited", "internal_error", "fatal_error", "timeout")


class FaultsAndLimits(StandInState):
    """Part of SlackStandIn (see server.py): owns `_faults` and `_last_post`, under its lock."""

    def _post_fault(self, request: Request) -> Response:
        """{"method", "status": 500|503|429, "count"} or {"method", "error": "<slack code>", "count"},
        or {"method", "hold": true, "match": {<args subset>}, "count"}: the matching call is done
        and recorded as usual, but its answer waits until POST /_stand-in/release."""
        body = request.get_json(silent=True) or {}
        if body.get("hold") is True:
            return self._post_hold(body)
        fault: dict[str, Any] = {
            "status": body.get("status"),
            "error": body.get("error"),
            "count": int(body.get("count", 1)),
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


def _contains(args: Any, match: Any) -> bool:
    """`match` is a subset of `args` (dicts compared key by key, anything else by equality)."""
    if isinstance(match, dict):
        return isinstance(args, dict) and all(k in args and _contains(args[k], v) for k, v in match.items())
    return bool(args == match)
