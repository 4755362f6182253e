"""A local stand-in for Slack's Web API, for the local stack, integration/e2e tests and the benchmark.

It is a real HTTP server (werkzeug), so code under test talks to it through an
unmodified ``slack_sdk.WebClient(base_url=f"{stand_in.url}/api/", token=...)``
and sees Slack's real response shapes, HTTP statuses and error codes.  What a
workspace *means* lives in slack_workspace.py; this module adds what sits around
it at Slack's edge: auth, rate limiting, injected faults, the recording of every
call, Events API delivery, and the ``/_stand-in/...`` control endpoints.

    stand_in = SlackStandIn(rate_limit_per_channel=1).start()
    client = WebClient(base_url=f"{stand_in.url}/api/", token=stand_in.bot_token)
    ...
    stand_in.calls()        # or GET {url}/_stand-in/messages
    stand_in.stop()

Standalone: ``python -m devplan_tools.stand_in.server --port 0`` prints its URL.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import hmac
import json
import logging
import math
import secrets
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from devplan_tools.stand_in.workspace import APP_ID, BOT_USER_ID, METHODS, TEAM_ID, SlackError, Workspace

log = logging.getLogger(__name__)

# Arguments Slack takes as JSON; form bodies carry them as JSON strings, so decode them for
# the handlers and the recording alike.
JSON_ARGS = ("blocks", "attachments", "metadata", "view")
MESSAGE_METHODS = ("chat.postMessage", "chat.update", "chat.postEphemeral")
OUTAGE_PAGE = ("<!DOCTYPE html><html><head><title>Slack is having trouble</title></head><body>"
               "<h1>Slack is having trouble</h1><p>Something went wrong on our end. "
               "Please try again in a few minutes.</p></body></html>")


def _json(body: dict, status: int = 200, headers: dict | None = None) -> Response:
    return Response(json.dumps(body), status, headers, content_type="application/json; charset=utf-8")


class _QuietHandler(WSGIRequestHandler):
    """Keeps werkzeug's one-line-per-request access log out of test and benchmark output."""

    def log_request(self, *args, **kwargs):
        pass


class SlackStandIn:
    def __init__(self, host="127.0.0.1", port=0, *, bot_token="xoxb-local-stand-in",
                 rate_limit_per_channel: float | None = None, events_url: str | None = None,
                 signing_secret: str | None = None):
        self.host, self.port, self.bot_token = host, port, bot_token
        self.rate_limit_per_channel = rate_limit_per_channel
        self.events_url, self.signing_secret = events_url, signing_secret
        self.workspace = Workspace()
        # One lock serialises every call: the workspace, recording, faults and rate limits
        # are then consistent without any finer locking (plenty fast for a benchmark).
        self._lock = threading.RLock()
        self._calls: list[dict] = []
        self._seq = 0  # keeps counting across reset() so a client's ?since= stays meaningful
        self._faults: dict[str, list[dict]] = {}  # method -> queued {"status"/"error", "count"}
        self._last_post: dict[str, float] = {}  # channel id -> monotonic time of the last accepted post
        self._server = None
        self._thread: threading.Thread | None = None

    # ---- lifecycle ---------------------------------------------------------------------------
    def start(self) -> "SlackStandIn":
        self._server = make_server(self.host, self.port, self._wsgi, threaded=True, request_handler=_QuietHandler)
        self._thread = threading.Thread(target=self._server.serve_forever, name="slack-stand-in", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = self._thread = None

    def __enter__(self) -> "SlackStandIn":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("SlackStandIn is not started")
        host = "127.0.0.1" if self.host in ("", "0.0.0.0", "::") else self.host  # a wildcard is not dialable
        return f"http://{host}:{self._server.server_port}"

    # ---- Python API (mirrors the /_stand-in endpoints) ---------------------------------------
    def calls(self, since: int = 0) -> list[dict]:
        with self._lock:
            return [json.loads(json.dumps(c)) for c in self._calls if c["seq"] > since]  # deep copies

    def add_user(self, email: str, name: str) -> dict:
        """Returns ``{"ok": True, "user": {...}}`` exactly like POST /_stand-in/users."""
        with self._lock:
            user, created = self.workspace.add_user(email, name)
        if created and self.events_url and self.signing_secret:
            threading.Thread(target=self._deliver_team_join, args=(user,), daemon=True).start()
        return {"ok": True, "user": user}

    def reset(self) -> None:
        """Forget recorded calls, rate-limit state and faults; users, channels and history stay."""
        with self._lock:
            self._calls.clear()
            self._faults.clear()
            self._last_post.clear()

    # ---- HTTP --------------------------------------------------------------------------------
    def _wsgi(self, environ, start_response):
        request = Request(environ)
        path = request.path.rstrip("/")
        if path.startswith("/api/"):
            response = self._api(request, path.removeprefix("/api/"))
        else:
            route = {("GET", "/_stand-in/health"): lambda r: _json({"ok": True}),
                     ("GET", "/_stand-in/messages"): self._get_messages,
                     ("GET", "/_stand-in/users"): self._get_users,
                     ("POST", "/_stand-in/users"): self._post_user,
                     ("POST", "/_stand-in/reset"): lambda r: (self.reset(), _json({"ok": True}))[1],
                     ("POST", "/_stand-in/faults"): self._post_fault,
                     ("POST", "/_stand-in/trigger_ids"): self._post_trigger_id,
                     ("POST", "/_stand-in/click"): self._post_click}.get((request.method, path))
            response = route(request) if route else _json({"ok": False, "error": "not_found"}, 404)
        return response(environ, start_response)

    def _get_messages(self, request: Request) -> Response:
        try:
            since = int(request.args.get("since", 0))
        except ValueError:
            return _json({"ok": False, "error": "invalid_since"}, 400)
        calls = self.calls(since)
        messages = [c for c in calls if c["ok"] and c["method"] in MESSAGE_METHODS]
        return _json({"ok": True, "calls": calls, "messages": messages})

    def _get_users(self, request: Request) -> Response:
        with self._lock:
            return _json({"ok": True, "users": self.workspace.humans()})

    def _post_user(self, request: Request) -> Response:
        body = request.get_json(silent=True) or {}
        email, name = body.get("email"), body.get("name")
        if not (isinstance(email, str) and "@" in email and isinstance(name, str) and name.strip()):
            return _json({"ok": False, "error": "invalid_arguments"}, 400)
        return _json(self.add_user(email.strip(), name.strip()))

    def _post_fault(self, request: Request) -> Response:
        """{"method", "status": 500|503|429, "count"} or {"method", "error": "<slack code>", "count"}."""
        body = request.get_json(silent=True) or {}
        fault = {"status": body.get("status"), "error": body.get("error"), "count": int(body.get("count", 1))}
        if body.get("method") not in METHODS or not (fault["status"] or fault["error"]) or fault["count"] < 1:
            return _json({"ok": False, "error": "invalid_arguments"}, 400)
        with self._lock:
            self._faults.setdefault(body["method"], []).append(fault)
        return _json({"ok": True})

    def _post_trigger_id(self, request: Request) -> Response:
        with self._lock:
            return _json({"ok": True, "trigger_id": self.workspace.issue_trigger()})

    # ---- Web API -----------------------------------------------------------------------------
    @staticmethod
    def _decode(request: Request) -> dict:
        """Query args, then form or JSON body (slack-sdk sends either, and "token" in neither)."""
        args = dict(request.args.items())
        args.update(request.form.items())
        if request.is_json and request.get_data():      # an empty JSON body means no arguments
            body = request.get_json(silent=True)
            if not isinstance(body, dict):
                raise SlackError("invalid_json")
            args.update(body)
        for name in JSON_ARGS:
            if isinstance(args.get(name), str):
                try:
                    args[name] = json.loads(args[name])
                except ValueError:
                    pass  # left a string: the handler answers with the method's own format error
        return args

    def _api(self, request: Request, method: str) -> Response:
        try:
            args = self._decode(request)
        except SlackError as e:
            args, early = {}, (200, {"ok": False, "error": e.error}, {})
        else:
            early = None
        with self._lock:
            status, body, headers = early or self._answer(request, method, args)
            self._record(method, args, status, body)
        if body is None:  # an injected outage: Slack's HTML error page, not JSON
            return Response(OUTAGE_PAGE, status, content_type="text/html; charset=utf-8")
        return _json(body, status, headers)

    def _answer(self, request: Request, method: str, args: dict) -> tuple[int, dict | None, dict]:
        if method not in METHODS:
            return 404, {"ok": False, "error": "unknown_method", "req_method": method}, {}
        fault = self._take_fault(method)
        if fault:
            if fault["error"]:
                return 200, {"ok": False, "error": fault["error"]}, {}
            if fault["status"] == 429:
                return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"}
            return int(fault["status"]), None, {}
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ").strip() if auth.startswith("Bearer ") else args.get("token")
        if not token:
            return 200, {"ok": False, "error": "not_authed"}, {}  # Slack answers auth errors with 200
        if token != self.bot_token:
            return 200, {"ok": False, "error": "invalid_auth"}, {}
        channel = self.workspace.find(args.get("channel")) if method == "chat.postMessage" else None
        wait = self._rate_limited(channel["id"]) if channel else 0
        if wait:
            return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(wait)}
        try:
            body = getattr(self.workspace, method.replace(".", "_"))(args)
        except SlackError as e:
            return 200, {"ok": False, "error": e.error, **e.extra}, {}
        if channel:
            self._last_post[channel["id"]] = time.monotonic()
        return 200, body, {}

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

    def _record(self, method: str, args: dict, status: int, body: dict | None) -> None:
        body = body or {"ok": False, "error": f"http_{status}"}
        channel = body.get("channel")
        channel = channel.get("id") if isinstance(channel, dict) else channel
        conv = self.workspace.find(channel or args.get("channel"))
        self._seq += 1
        self._calls.append({
            "seq": self._seq, "at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds"),
            "method": method, "args": {k: v for k, v in args.items() if k != "token"},
            "ok": bool(body.get("ok")), "error": body.get("error"), "status": status,
            "channel": conv["id"] if conv else None, "channel_name": self.workspace.label(conv) if conv else None,
            "ts": body.get("ts") or body.get("message_ts"), "text": args.get("text")})

    # ---- Events API and interactivity -------------------------------------------------------
    def _deliver_signed(self, body: str, content_type: str) -> tuple[int, bytes]:
        """POST to the app's request URL signed like Slack (v0 HMAC of timestamp and body)."""
        timestamp = str(int(time.time()))
        digest = hmac.new(self.signing_secret.encode(), f"v0:{timestamp}:{body}".encode(), hashlib.sha256)
        request = urllib.request.Request(self.events_url, data=body.encode(), method="POST", headers={
            "Content-Type": content_type, "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
            "X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": f"v0={digest.hexdigest()}"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def _deliver_team_join(self, user: dict) -> None:
        """POST a signed event_callback like Slack does; best effort, as the app must cope anyway."""
        now = time.time()
        envelope = {
            "token": "local-verification-token", "team_id": TEAM_ID, "api_app_id": APP_ID,
            "event": {"type": "team_join", "user": user, "event_ts": f"{now:.6f}", "cache_ts": int(now)},
            "type": "event_callback", "event_id": "Ev" + secrets.token_hex(5).upper(), "event_time": int(now),
            "authorizations": [{"enterprise_id": None, "team_id": TEAM_ID, "user_id": BOT_USER_ID,
                                "is_bot": True, "is_enterprise_install": False}],
            "is_ext_shared_channel": False}
        try:
            status, _ = self._deliver_signed(json.dumps(envelope), "application/json")
            log.info("team_join for %s delivered to %s: HTTP %s", user["id"], self.events_url, status)
        except Exception as e:  # noqa: BLE001 - any failure is only worth a log line
            log.warning("team_join for %s not delivered to %s: %s", user["id"], self.events_url, e)

    def click(self, user: str, channel: str, ts: str, action_id: str, action_ts: str | None = None) -> tuple[int, bytes]:
        """A person clicks a button of a posted message: Slack sends a signed block_actions payload
        (form field `payload`) to the app's interactivity URL. `action_ts` may be set to simulate time."""
        if not (self.events_url and self.signing_secret):
            raise SlackError("no_interactivity_url")
        with self._lock:
            conv = self.workspace.conversation(channel)
            message = next((m for m in self.workspace.history[conv["id"]] if m["ts"] == ts), None)
            clicker = self.workspace.user(user)
            if message is None:
                raise SlackError("message_not_found")
            if user not in conv["members"]:
                raise SlackError("not_in_channel")
            found = [(b, e) for b in message.get("blocks") or [] if b.get("type") == "actions"
                     for e in b.get("elements", []) if e.get("action_id") == action_id]
            if not found:
                raise SlackError("action_not_found")
            block, element = found[0]
            trigger_id = self.workspace.issue_trigger()
        action_ts = action_ts or f"{time.time():.6f}"
        payload = {
            "type": "block_actions", "api_app_id": APP_ID, "token": "local-verification-token",
            "user": {"id": user, "username": clicker["name"], "name": clicker["name"], "team_id": TEAM_ID},
            "team": {"id": TEAM_ID, "domain": "innerjourney"}, "trigger_id": trigger_id,
            "container": {"type": "message", "message_ts": ts, "channel_id": conv["id"], "is_ephemeral": False},
            "channel": {"id": conv["id"], "name": self.workspace.label(conv)}, "message": message,
            "response_url": f"{self.url}/_stand-in/response_url/{conv['id']}/{ts}",
            "actions": [{"type": element.get("type"), "action_id": action_id, "block_id": block.get("block_id"),
                         "text": element.get("text"), "value": element.get("value"), "action_ts": action_ts}]}
        return self._deliver_signed(urllib.parse.urlencode({"payload": json.dumps(payload)}),
                                    "application/x-www-form-urlencoded")

    def _post_click(self, request: Request) -> Response:
        """{"user", "channel", "ts", "action_id", "action_ts"?} → the app's HTTP answer."""
        body = request.get_json(silent=True) or {}
        try:
            status, answer = self.click(body.get("user"), body.get("channel"), body.get("ts"),
                                        body.get("action_id"), body.get("action_ts"))
        except SlackError as e:
            return _json({"ok": False, "error": e.error}, 400)
        return _json({"ok": 200 <= status < 300, "app_status": status, "app_answer": answer.decode(errors="replace")})


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Run the Slack Web API stand-in.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--bot-token", default="xoxb-local-stand-in")
    parser.add_argument("--rate-limit-per-channel", type=float)
    parser.add_argument("--events-url")
    parser.add_argument("--signing-secret")
    a = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    stand_in = SlackStandIn(a.host, a.port, bot_token=a.bot_token, rate_limit_per_channel=a.rate_limit_per_channel,
                            events_url=a.events_url, signing_secret=a.signing_secret).start()
    print(stand_in.url, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        stand_in.stop()


if __name__ == "__main__":
    main()
