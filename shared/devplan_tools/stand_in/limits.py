"""Slack's edge when things go wrong: injected faults (POST /_stand-in/faults) and the
per-channel rate limit of chat.postMessage (HTTP 429 with Retry-After)."""

from __future__ import annotations

import math
import time
from typing import Any

from werkzeug.wrappers import Request, Response

from devplan_tools.stand_in.http import json_response
from devplan_tools.stand_in.state import StandInState
from devplan_tools.stand_in.workspace import METHODS


class FaultsAndLimits(StandInState):
    """Part of SlackStandIn (see server.py): owns `_faults` and `_last_post`, under its lock."""

    def _post_fault(self, request: Request) -> Response:
        """{"method", "status": 500|503|429, "count"} or {"method", "error": "<slack code>", "count"}."""
        body = request.get_json(silent=True) or {}
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
