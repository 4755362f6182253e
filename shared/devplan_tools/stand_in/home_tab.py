"""The app's Home tab as Slack drives it: app_home_opened (with the view last published) and
clicks on a Home view's buttons, signed like every delivery (delivery.py); and what a user sees."""

from __future__ import annotations

import json
import secrets
import time
from typing import Any

from werkzeug.wrappers import Request, Response

from devplan_tools.stand_in.delivery import AppDelivery
from devplan_tools.stand_in.http import json_response
from devplan_tools.stand_in.protocol import APP_ID, BOT_USER_ID, TEAM_ID, SlackError


class HomeTab(AppDelivery):
    """Part of SlackStandIn (see server.py)."""

    def open_home(self, user: str, event_ts: str | None = None, *, tab: str = "home") -> tuple[int, bytes]:
        """A person opens the app's Home tab: Slack's signed app_home_opened event_callback, with
        the view last published for them (Slack includes it once there is one). `event_ts` may be
        set to simulate time."""
        if not (self.events_url and self.signing_secret):
            raise SlackError("no_interactivity_url")
        with self._lock:
            self.workspace.user(user)
            view = self.workspace.home(user)
        now = time.time()
        event = {"type": "app_home_opened", "user": user, "tab": tab, "event_ts": event_ts or f"{now:.6f}"}
        envelope = {
            "token": "local-verification-token",
            "team_id": TEAM_ID,
            "api_app_id": APP_ID,
            "event": {**event, **({"view": view} if view else {})},
            "type": "event_callback",
            "event_id": "Ev" + secrets.token_hex(5).upper(),
            "event_time": int(now),
            "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
        }
        return self._deliver_signed(json.dumps(envelope), "application/json")

    def _post_home_opened(self, request: Request) -> Response:
        """{"user", "event_ts"?, "tab"?} → the app's HTTP answer."""
        body: Any = request.get_json(silent=True) or {}
        return self._answered(
            lambda: self.open_home(body.get("user"), body.get("event_ts"), tab=body.get("tab", "home"))
        )

    def click_home(
        self, user: str, action_id: str, action_ts: str | None = None, *, value: str | None = None
    ) -> tuple[int, bytes]:
        """A person clicks a button on their Home tab (the view last published for them, a button
        of an actions block or a section's accessory): Slack's signed block_actions with a "view"
        container and the view, and a trigger_id for views.open."""
        if not (self.events_url and self.signing_secret):
            raise SlackError("no_interactivity_url")
        with self._lock:
            clicker = self.workspace.user(user)
            view = self.workspace.home(user)
            found = [
                (b, e)
                for b in (view or {}).get("blocks") or []
                for e in [*b.get("elements", []), *([b["accessory"]] if b.get("accessory") else [])]
                if e.get("type") == "button" and e.get("action_id") == action_id and value in (None, e.get("value"))
            ]
            if not found:
                raise SlackError("action_not_found")
            block, element = found[0]
            trigger_id = self.workspace.issue_trigger(user)
        where = {"container": {"type": "view", "view_id": (view or {}).get("id")}, "view": view}
        return self._deliver_click(user, clicker, trigger_id, where, block, element, action_ts)

    def _post_click_home(self, request: Request) -> Response:
        """{"user", "action_id", "action_ts"?, "value"?} → the app's HTTP answer."""
        body: Any = request.get_json(silent=True) or {}
        return self._answered(
            lambda: self.click_home(
                body.get("user"), body.get("action_id"), body.get("action_ts"), value=body.get("value")
            )
        )

    def _get_home(self, request: Request) -> Response:
        """?user=U…: the Home tab that user sees now (the view last published), or null."""
        with self._lock:
            return json_response({"ok": True, "view": self.workspace.home(request.args.get("user", ""))})
