"""What Slack sends when a person types a slash command or submits a modal: a signed form with a
fresh trigger_id, and a signed view_submission shaped as Slack shapes view.state.values."""

from __future__ import annotations

import json
import urllib.parse
from typing import Any

from werkzeug.wrappers import Request, Response

from devplan_tools.stand_in.delivery import AppDelivery
from devplan_tools.stand_in.protocol import APP_ID, TEAM_ID, SlackError


class AppForms(AppDelivery):
    """Part of SlackStandIn (see server.py): slash commands and modal submissions, delivered the
    way AppDelivery delivers events and clicks."""

    def command(self, user: str, text: str = "", command: str = "/utveckling") -> tuple[int, bytes]:
        """A person types a slash command (in their DM with the app): Slack POSTs a signed form with
        a fresh trigger_id, which the app may use once, within 3 s, to open a modal."""
        if not (self.events_url and self.signing_secret):
            raise SlackError("no_interactivity_url")
        with self._lock:
            person = self.workspace.user(user)
            dm = self.workspace.conversation(user, lenient=True)
            trigger_id = self.workspace.issue_trigger(user)
        form = {
            "token": "local-verification-token",
            "team_id": TEAM_ID,
            "team_domain": "innerjourney",
            "channel_id": dm["id"],
            "channel_name": "directmessage",
            "user_id": user,
            "user_name": person["name"],
            "command": command,
            "text": text,
            "api_app_id": APP_ID,
            "is_enterprise_install": "false",
            "response_url": f"{self.url}/_stand-in/response_url/{dm['id']}/command",
            "trigger_id": trigger_id,
        }
        return self._deliver_signed(urllib.parse.urlencode(form), "application/x-www-form-urlencoded")

    def submit_view(
        self, user: str, callback_id: str, values: dict, private_metadata: str | dict | None = None
    ) -> tuple[int, bytes]:
        """A person submits the modal open for them with `callback_id`: Slack sends a signed
        view_submission with view.state.values shaped per input element (views.submitted_state).
        `private_metadata`: replaces the view's (a str) or is merged into its JSON (a dict; e.g. the
        demo's simulated day). An empty answer closes the modal; errors keep it open."""
        if not (self.events_url and self.signing_secret):
            raise SlackError("no_interactivity_url")
        with self._lock:
            person = self.workspace.user(user)
            view = dict(self.workspace.open_modal(user, callback_id))
            view["state"] = self.workspace.submitted_state(view, values or {})
            if isinstance(private_metadata, dict):
                view["private_metadata"] = json.dumps(
                    {**json.loads(view["private_metadata"] or "{}"), **private_metadata}
                )
            elif private_metadata is not None:
                view["private_metadata"] = private_metadata
            trigger_id = self.workspace.issue_trigger(user)
        payload = {
            "type": "view_submission",
            "team": {"id": TEAM_ID, "domain": "innerjourney"},
            "user": {"id": user, "username": person["name"], "name": person["name"], "team_id": TEAM_ID},
            "api_app_id": APP_ID,
            "token": "local-verification-token",
            "trigger_id": trigger_id,
            "view": view,
            "response_urls": [],
            "is_enterprise_install": False,
        }
        status, answer = self._deliver_signed(
            urllib.parse.urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded"
        )
        if 200 <= status < 300 and not answer.strip():
            with self._lock:
                self.workspace.close_modal(view["id"])
        return status, answer

    def _post_command(self, request: Request) -> Response:
        """{"user", "text"?, "command"?} → the app's HTTP answer."""
        body: Any = request.get_json(silent=True) or {}
        return self._answered(
            lambda: self.command(body.get("user"), body.get("text") or "", body.get("command") or "/utveckling")
        )

    def _post_submit(self, request: Request) -> Response:
        """{"user", "callback_id", "values", "private_metadata"?} → the app's HTTP answer."""
        body: Any = request.get_json(silent=True) or {}
        return self._answered(
            lambda: self.submit_view(
                body.get("user"), body.get("callback_id"), body.get("values") or {}, body.get("private_metadata")
            )
        )
