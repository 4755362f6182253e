"""A local stand-in for Slack's Web API, for the local stack, integration/e2e tests and the benchmark.

It is a real HTTP server (werkzeug), so code under test talks to it through an
unmodified ``slack_sdk.WebClient(base_url=f"{stand_in.url}/api/", token=...)``
and sees Slack's real response shapes, HTTP statuses and error codes.  What a
workspace *means* lives in workspace.py; this module adds what sits around
it at Slack's edge: auth, rate limiting, injected faults, the recording of every
call, Events API delivery, and the ``/_stand-in/...`` control endpoints.

    stand_in = SlackStandIn(rate_limit_per_channel=1).start()
    client = WebClient(base_url=f"{stand_in.url}/api/", token=stand_in.bot_token)
    ...
    stand_in.calls()        # or GET {url}/_stand-in/messages
    stand_in.stop()

Standalone: ``python -m devplan_tools.stand_in --port 0`` prints its URL.

The parts: web_api.py (the /api/ methods), limits.py (faults, rate limits), delivery.py
(signed events and clicks to the app); this module holds the server, the shared state and
the ``/_stand-in/...`` endpoints.
"""

from __future__ import annotations

import argparse
import json
import logging
import threading

from werkzeug.serving import BaseWSGIServer, make_server
from werkzeug.wrappers import Request, Response

from devplan_tools.stand_in.files import UPLOAD_PATH
from devplan_tools.stand_in.forms import AppForms
from devplan_tools.stand_in.home_tab import HomeTab
from devplan_tools.stand_in.http import QuietHandler, json_response
from devplan_tools.stand_in.limits import FaultsAndLimits, Limits, TierLimits
from devplan_tools.stand_in.web_api import WebApi
from devplan_tools.stand_in.workspace import Workspace

MESSAGE_METHODS = ("chat.postMessage", "chat.update", "chat.postEphemeral")


class SlackStandIn(WebApi, FaultsAndLimits, Limits, AppForms, HomeTab):
    def __init__(
        self,
        host="127.0.0.1",
        port=0,
        *,
        bot_token="xoxb-local-stand-in",
        rate_limit_per_channel: float | None = None,
        events_url: str | None = None,
        signing_secret: str | None = None,
        tiers: float | None = None,
    ):
        """`tiers`: enforce Slack's per-method tiers (tiers.py) at that time scale k (limits × k);
        None: only `rate_limit_per_channel` (what the tests and the local stack use by default)."""
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
        self._holds: list[dict] = []  # answers to hold back once done (limits.py)
        self._held: dict[int, threading.Event] = {}
        self._chaos: dict | None = None  # random failures, POST /_stand-in/chaos
        self._tiers: TierLimits | None = TierLimits(tiers) if tiers else None  # POST /_stand-in/limits
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> SlackStandIn:
        self._server = server = make_server(
            self.host, self.port, self._wsgi, threaded=True, request_handler=QuietHandler
        )
        self.workspace.upload_url_base = self.url
        self._thread = threading.Thread(target=server.serve_forever, name="slack-stand-in", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            if self._thread is not None:
                self._thread.join(timeout=5)
            self._server = self._thread = None

    def __enter__(self) -> SlackStandIn:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("SlackStandIn is not started")
        host = "127.0.0.1" if self.host in ("", "0.0.0.0", "::") else self.host  # a wildcard is not dialable
        return f"http://{host}:{self._server.server_port}"

    def calls(self, since: int = 0) -> list[dict]:
        with self._lock:
            return [json.loads(json.dumps(c)) for c in self._calls if c["seq"] > since]  # deep copies

    def add_user(self, email: str, name: str, locale: str | None = None) -> dict:
        """Returns ``{"ok": True, "user": {...}}`` exactly like POST /_stand-in/users."""
        with self._lock:
            user, created = self.workspace.add_user(email, name, locale)
        if created and self.events_url and self.signing_secret:
            threading.Thread(target=self._deliver_team_join, args=(user,), daemon=True).start()
        return {"ok": True, "user": user}

    def reset(self) -> None:
        """Forget recorded calls, rate-limit state, faults, holds and chaos; users, channels and
        history stay. Answers still held are let go (to whoever is still listening)."""
        with self._lock:
            self._calls.clear()
            self._faults.clear()
            self._holds.clear()
            self._last_post.clear()
            held, self._held = self._held, {}
            self._chaos = None
            if self._tiers is not None:  # still enforced, with full buckets
                self._tiers = TierLimits(self._tiers.k, self._tiers.overrides)
        for released in held.values():
            released.set()

    def _wsgi(self, environ, start_response):
        request = Request(environ)
        path = request.path.rstrip("/")
        if path.startswith("/api/"):
            response = self._api(request, path.removeprefix("/api/"))
        elif request.method == "POST" and path.startswith(UPLOAD_PATH):
            response = self._upload(request, path.removeprefix(UPLOAD_PATH))
        elif request.method == "GET" and path.startswith("/_stand-in/files/"):
            response = self._get_file(path.removeprefix("/_stand-in/files/"))
        else:
            route = {
                ("GET", "/_stand-in/health"): lambda r: json_response({"ok": True}),
                ("GET", "/_stand-in/messages"): self._get_messages,
                ("GET", "/_stand-in/users"): self._get_users,
                ("POST", "/_stand-in/users"): self._post_user,
                ("POST", "/_stand-in/reset"): self._post_reset,
                ("POST", "/_stand-in/faults"): self._post_fault,
                ("POST", "/_stand-in/trigger_ids"): self._post_trigger_id,
                ("POST", "/_stand-in/click"): self._post_click,
                ("POST", "/_stand-in/command"): self._post_command,
                ("POST", "/_stand-in/submit"): self._post_submit,
                ("POST", "/_stand-in/app_home_opened"): self._post_home_opened,
                ("GET", "/_stand-in/home"): self._get_home,
                ("POST", "/_stand-in/click_home"): self._post_click_home,
                ("GET", "/_stand-in/held"): self._get_held,
                ("POST", "/_stand-in/release"): self._post_release,
                ("POST", "/_stand-in/chaos"): self._post_chaos,
                ("GET", "/_stand-in/chaos"): self._get_chaos,
                ("POST", "/_stand-in/limits"): self._post_limits,
                ("GET", "/_stand-in/limits"): self._get_limits,
            }.get((request.method, path))
            response = route(request) if route else json_response({"ok": False, "error": "not_found"}, 404)
        return response(environ, start_response)

    def _upload(self, request: Request, file_id: str) -> Response:
        """An upload URL of files.getUploadURLExternal: raw bytes, or multipart with one file."""
        # slack-sdk posts raw bytes (urllib labels them form-urlencoded: never parse them as a form)
        multipart = request.mimetype == "multipart/form-data" and request.files
        content = next(iter(request.files.values())).read() if multipart else request.get_data()
        with self._lock:
            status, body = self.workspace.receive_upload(file_id, content)
            self._record("upload", {"file_id": file_id, "length": len(content)}, status, {"ok": status == 200})
        return Response(body, status, content_type="text/plain; charset=utf-8")

    def _get_file(self, file_id: str) -> Response:
        with self._lock:
            file = self.workspace.files.get(file_id)
        if file is None or file["content"] is None:
            return json_response({"ok": False, "error": "file_not_found"}, 404)
        return Response(file["content"], 200, content_type="application/octet-stream")

    def _post_reset(self, request: Request) -> Response:
        self.reset()
        return json_response({"ok": True})

    def _get_messages(self, request: Request) -> Response:
        try:
            since = int(request.args.get("since", 0))
        except ValueError:
            return json_response({"ok": False, "error": "invalid_since"}, 400)
        calls = self.calls(since)
        messages = [c for c in calls if c["ok"] and c["method"] in MESSAGE_METHODS]
        return json_response({"ok": True, "calls": calls, "messages": messages})

    def _get_users(self, request: Request) -> Response:
        with self._lock:
            return json_response({"ok": True, "users": self.workspace.humans()})

    def _post_user(self, request: Request) -> Response:
        body = request.get_json(silent=True) or {}
        email, name, locale = body.get("email"), body.get("name"), body.get("locale")
        if not (isinstance(email, str) and "@" in email and isinstance(name, str) and name.strip()):
            return json_response({"ok": False, "error": "invalid_arguments"}, 400)
        if locale is not None and not isinstance(locale, str):
            return json_response({"ok": False, "error": "invalid_arguments"}, 400)
        return json_response(self.add_user(email.strip(), name.strip(), locale))

    def _post_trigger_id(self, request: Request) -> Response:
        with self._lock:
            return json_response({"ok": True, "trigger_id": self.workspace.issue_trigger()})


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Run the Slack Web API stand-in.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--bot-token", default="xoxb-local-stand-in")
    parser.add_argument("--rate-limit-per-channel", type=float)
    parser.add_argument("--events-url")
    parser.add_argument("--signing-secret")
    parser.add_argument(
        "--tiers", type=float, metavar="K", help="enforce Slack's per-method tiers, limits × K (e.g. 1 or 10)"
    )
    a = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    stand_in = SlackStandIn(
        a.host,
        a.port,
        bot_token=a.bot_token,
        rate_limit_per_channel=a.rate_limit_per_channel,
        events_url=a.events_url,
        signing_secret=a.signing_secret,
        tiers=a.tiers,
    ).start()
    print(stand_in.url, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        stand_in.stop()


if __name__ == "__main__":
    main()
