"""Slack's Web API at /api/<method>: decoding, auth, dispatch to the workspace, recording."""

from __future__ import annotations

import contextlib
import datetime
import json
import time

from werkzeug.wrappers import Request, Response

from devplan_tools.stand_in.http import OUTAGE_PAGE, json_response
from devplan_tools.stand_in.protocol import SlackError
from devplan_tools.stand_in.state import StandInState
from devplan_tools.stand_in.workspace import METHODS

# Arguments Slack takes as JSON; form bodies carry them as JSON strings, so decode them for
# the handlers and the recording alike.
JSON_ARGS = ("blocks", "attachments", "metadata", "view")
HOLD_AT_MOST_SECONDS = 300.0  # a forgotten hold must not keep a server thread forever
LATE_ANSWER_SECONDS = 11.0  # past the product's Slack client timeout (10 s)
CHAOS_ANSWERS: dict[str, tuple[int, dict | None, dict]] = {
    "http_500": (500, None, {}),
    "http_503": (503, None, {}),
    "ratelimited": (429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"}),
    "internal_error": (200, {"ok": False, "error": "internal_error"}, {}),
    "fatal_error": (200, {"ok": False, "error": "fatal_error"}, {}),
}


class WebApi(StandInState):
    """Part of SlackStandIn (see server.py): uses its lock, workspace, token, faults and call record."""

    @staticmethod
    def _decode(request: Request) -> dict:
        """Query args, then form or JSON body (slack-sdk sends either, and "token" in neither)."""
        args = dict(request.args.items())
        args.update(request.form.items())
        if request.is_json and request.get_data():  # an empty JSON body means no arguments
            body = request.get_json(silent=True)
            if not isinstance(body, dict):
                raise SlackError("invalid_json")
            args.update(body)
        for name in JSON_ARGS:
            if isinstance(args.get(name), str):
                # Left a string if it is not JSON: the handler answers with the method's own format error.
                with contextlib.suppress(ValueError):
                    args[name] = json.loads(args[name])
        return args

    def _api(self, request: Request, method: str) -> Response:
        early: tuple[int, dict | None, dict] | None = None
        try:
            args = self._decode(request)
        except SlackError as e:
            args, early = {}, (200, {"ok": False, "error": e.error}, {})
        with self._lock:
            chaos = self._chaos_fault(method) if early is None and method in METHODS else None
            if chaos and chaos != "timeout":
                status, body, headers = CHAOS_ANSWERS[chaos]
            else:
                status, body, headers = early or self._answer(request, method, args)
            self._record(method, args, status, body)
            held = self._take_hold(method, args, self._seq)
        if held is not None:  # done and recorded; the caller learns it only once released
            held.wait(timeout=HOLD_AT_MOST_SECONDS)
        if chaos == "timeout":  # done and recorded; the answer comes after the client gave up
            time.sleep(LATE_ANSWER_SECONDS)
        if body is None:  # an injected outage: Slack's HTML error page, not JSON
            return Response(OUTAGE_PAGE, status, content_type="text/html; charset=utf-8")
        return json_response(body, status, headers)

    def _answer(self, request: Request, method: str, args: dict) -> tuple[int, dict | None, dict]:
        if method not in METHODS:
            return 404, {"ok": False, "error": "unknown_method", "req_method": method}, {}
        fault = self._take_fault(method)
        if fault:
            if fault["error"]:
                return 200, {"ok": False, "error": fault["error"]}, {}
            if fault["status"] == 429:
                return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": fault.get("retry_after", "1")}
            return int(fault["status"]), None, {}
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ").strip() if auth.startswith("Bearer ") else args.get("token")
        if not token:
            return 200, {"ok": False, "error": "not_authed"}, {}  # Slack answers auth errors with 200
        if token != self.bot_token:
            return 200, {"ok": False, "error": "invalid_auth"}, {}
        channel = self.workspace.find(args.get("channel")) if method == "chat.postMessage" else None
        wait = self._rate_limited(channel["id"]) if channel else 0
        if not wait and self._tiers is not None:  # Slack's tiers (tiers.py), when switched on
            wait = self._tiers.retry_after(method, channel["id"] if channel else None)
        if wait:
            return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(wait)}
        try:
            body = getattr(self.workspace, method.replace(".", "_"))(args)
        except SlackError as e:
            return 200, {"ok": False, "error": e.error, **e.extra}, {}
        if channel:
            self._last_post[channel["id"]] = time.monotonic()
        return 200, body, {}

    def _record(self, method: str, args: dict, status: int, body: dict | None) -> None:
        body = body or {"ok": False, "error": f"http_{status}"}
        channel = body.get("channel")
        channel = channel.get("id") if isinstance(channel, dict) else channel
        conv = self.workspace.find(channel or args.get("channel") or args.get("channel_id"))  # files.* say channel_id
        self._seq += 1
        self._calls.append(
            {
                "seq": self._seq,
                "at": datetime.datetime.now(datetime.UTC).isoformat(timespec="milliseconds"),
                "method": method,
                "args": {k: v for k, v in args.items() if k != "token"},
                "ok": bool(body.get("ok")),
                "error": body.get("error"),
                "status": status,
                "channel": conv["id"] if conv else None,
                "channel_name": self.workspace.label(conv) if conv else None,
                "ts": body.get("ts") or body.get("message_ts"),
                "text": args.get("text"),
            }
        )
