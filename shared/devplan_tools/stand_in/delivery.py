"""What Slack sends to the app: signed Events API callbacks (team_join), slash commands, button
clicks (block_actions) and modal submissions (view_submission) to the app's request URL, signed
with the app's signing secret."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from werkzeug.wrappers import Request, Response

from devplan_tools.stand_in.http import json_response
from devplan_tools.stand_in.protocol import APP_ID, BOT_USER_ID, TEAM_ID, SlackError
from devplan_tools.stand_in.state import StandInState

log = logging.getLogger("devplan_tools.stand_in.server")
EVENT_RETRY_PAUSES = (0.0, 0.6, 3.0)  # Slack's at once, 1 min, 5 min, compressed a hundredfold


class AppDelivery(StandInState):
    """Part of SlackStandIn (see server.py): needs `events_url`, `signing_secret`, `url`, its lock and workspace."""

    def _deliver_signed(
        self, body: str, content_type: str, extra_headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        """POST to the app's request URL signed like Slack (v0 HMAC of timestamp and body)."""
        url, secret = self.events_url, self.signing_secret
        if not (url and secret):  # callers check first; this is what click() answers then
            raise SlackError("no_interactivity_url")
        timestamp = str(int(time.time()))
        digest = hmac.new(secret.encode(), f"v0:{timestamp}:{body}".encode(), hashlib.sha256)
        request = urllib.request.Request(
            url,
            data=body.encode(),
            method="POST",
            headers={
                "Content-Type": content_type,
                "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
                "X-Slack-Request-Timestamp": timestamp,
                "X-Slack-Signature": f"v0={digest.hexdigest()}",
                **(extra_headers or {}),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def _deliver_team_join(self, user: dict) -> None:
        """POST a signed event_callback like Slack does; best effort, as the app must cope anyway."""
        now = time.time()
        envelope = {
            "token": "local-verification-token",
            "team_id": TEAM_ID,
            "api_app_id": APP_ID,
            "event": {"type": "team_join", "user": user, "event_ts": f"{now:.6f}", "cache_ts": int(now)},
            "type": "event_callback",
            "event_id": "Ev" + secrets.token_hex(5).upper(),
            "event_time": int(now),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": TEAM_ID,
                    "user_id": BOT_USER_ID,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
        }
        # Slack retries an event the app did not answer 2xx three times (at once, after 1 and 5
        # minutes; here compressed), saying so in X-Slack-Retry-Num / X-Slack-Retry-Reason.
        retry: dict[str, str] = {}
        for attempt, pause in enumerate((*EVENT_RETRY_PAUSES, None)):
            try:
                status, _ = self._deliver_signed(json.dumps(envelope), "application/json", retry)
                reason = "http_error"
            except Exception as e:  # noqa: BLE001 - any failure is retried, then only worth a log line
                status, reason = 0, "timeout" if isinstance(e, TimeoutError) else "http_error"
                log.warning("team_join for %s not delivered to %s: %s", user["id"], self.events_url, e)
            if 200 <= status < 300:
                log.info("team_join for %s delivered to %s: HTTP %s", user["id"], self.events_url, status)
                return
            if pause is None:
                log.warning("team_join for %s given up after %d attempts (HTTP %s)", user["id"], attempt + 1, status)
                return
            time.sleep(pause)
            retry = {"X-Slack-Retry-Num": str(attempt + 1), "X-Slack-Retry-Reason": reason}

    def click(
        self,
        user: str,
        channel: str,
        ts: str,
        action_id: str,
        action_ts: str | None = None,
        *,
        value: str | None = None,
        anyone: bool = False,
    ) -> tuple[int, bytes]:
        """A person clicks a button of a posted message: Slack sends a signed block_actions payload
        (form field `payload`) to the app's interactivity URL. `action_ts` may be set to simulate time;
        `value` picks one of several buttons with the same action_id; `anyone`: the clicker need not
        be in the conversation (the message was forwarded to them, or shown on their screen)."""
        if not (self.events_url and self.signing_secret):
            raise SlackError("no_interactivity_url")
        with self._lock:
            conv = self.workspace.conversation(channel)
            message = next((m for m in self.workspace.history[conv["id"]] if m["ts"] == ts), None)
            clicker = self.workspace.user(user)
            if message is None:
                raise SlackError("message_not_found")
            if user not in conv["members"] and not anyone:
                raise SlackError("not_in_channel")
            found = [
                (b, e)
                for b in message.get("blocks") or []
                if b.get("type") == "actions"
                for e in b.get("elements", [])
                if e.get("action_id") == action_id and value in (None, e.get("value"))
            ]
            if not found:
                raise SlackError("action_not_found")
            block, element = found[0]
            trigger_id = self.workspace.issue_trigger(user)
        where = {
            "container": {"type": "message", "message_ts": ts, "channel_id": conv["id"], "is_ephemeral": False},
            "channel": {"id": conv["id"], "name": self.workspace.label(conv)},
            "message": message,
            "response_url": f"{self.url}/_stand-in/response_url/{conv['id']}/{ts}",
        }
        return self._deliver_click(user, clicker, trigger_id, where, block, element, action_ts)

    def _deliver_click(
        self,
        user: str,
        clicker: dict,
        trigger_id: str,
        where: dict[str, Any],
        block: dict,
        element: dict,
        action_ts: str | None,
    ) -> tuple[int, bytes]:
        """Slack's signed block_actions for one button, `where` it was clicked (a message or a view)."""
        payload = {
            "type": "block_actions",
            "api_app_id": APP_ID,
            "token": "local-verification-token",
            "user": {"id": user, "username": clicker["name"], "name": clicker["name"], "team_id": TEAM_ID},
            "team": {"id": TEAM_ID, "domain": "innerjourney"},
            "trigger_id": trigger_id,
            **where,
            "actions": [
                {
                    "type": element.get("type"),
                    "action_id": element.get("action_id"),
                    "block_id": block.get("block_id"),
                    "text": element.get("text"),
                    "value": element.get("value"),
                    "action_ts": action_ts or f"{time.time():.6f}",
                }
            ],
        }
        return self._deliver_signed(
            urllib.parse.urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded"
        )

    def _answered(self, deliver: Any) -> Response:
        try:
            status, answer = deliver()
        except SlackError as e:
            return json_response({"ok": False, "error": e.error}, 400)
        return json_response(
            {"ok": 200 <= status < 300, "app_status": status, "app_answer": answer.decode(errors="replace")}
        )

    def _post_click(self, request: Request) -> Response:
        """{"user", "channel", "ts", "action_id", "action_ts"?} → the app's HTTP answer."""
        # Arbitrary JSON: a missing or mistyped field is answered by click() like any unknown one.
        body: Any = request.get_json(silent=True) or {}
        return self._answered(
            lambda: self.click(
                body.get("user"),
                body.get("channel"),
                body.get("ts"),
                body.get("action_id"),
                body.get("action_ts"),
                value=body.get("value"),
                anyone=bool(body.get("anyone")),
            )
        )
