"""views.*: the Home tab and modals opened with a trigger_id (3 s to use, once)."""

from __future__ import annotations

import secrets
import time

from devplan_tools.stand_in.protocol import APP_ID, BOT_ID, TEAM_ID, SlackError, missing
from devplan_tools.stand_in.state import WorkspaceState

TRIGGER_LIFETIME_S = 3.0  # Slack: a trigger_id must be exchanged within 3 seconds


class Views(WorkspaceState):
    """Part of Workspace (see workspace.py): owns `_views`, `_home_view_ids` and `_triggers`."""

    METHODS: tuple[str, ...] = ("views.publish", "views.open")

    def issue_trigger(self) -> str:
        trigger_id = f"{len(self._triggers) + 1}.{int(time.time())}.{secrets.token_hex(16)}"
        self._triggers[trigger_id] = time.monotonic()
        return trigger_id

    def _view(self, view, kind: str, view_id: str | None = None) -> dict:
        if not isinstance(view, dict) or view.get("type") != kind:
            raise SlackError(
                "invalid_arguments",
                response_metadata={"messages": [f"[ERROR] must be a {kind} view object [json-pointer:/view]"]},
            )
        view_id = view_id or f"V{len(self._views) + 1:08d}"
        self._views[view_id] = {
            "id": view_id,
            "team_id": TEAM_ID,
            "type": kind,
            "blocks": view.get("blocks", []),
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "state": {"values": {}},
            "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
            "title": view.get("title"),
            "close": view.get("close"),
            "submit": view.get("submit"),
            "clear_on_close": bool(view.get("clear_on_close")),
            "notify_on_close": bool(view.get("notify_on_close")),
            "external_id": view.get("external_id", ""),
            "previous_view_id": None,
            "root_view_id": view_id,
            "app_id": APP_ID,
            "app_installed_team_id": TEAM_ID,
            "bot_id": BOT_ID,
        }
        return self._views[view_id]

    def views_publish(self, args):
        if not args.get("user_id"):
            raise missing("user_id")
        self.user(args["user_id"])
        # The Home tab is one view per user: republishing keeps its id and changes its hash.
        view = self._view(args.get("view"), "home", self._home_view_ids.get(args["user_id"]))
        self._home_view_ids[args["user_id"]] = view["id"]
        return {"ok": True, "view": view}

    def views_open(self, args):
        trigger_id = args.get("trigger_id")
        if not trigger_id:
            raise missing("trigger_id")
        if trigger_id not in self._triggers:
            raise SlackError("invalid_trigger_id")
        issued = self._triggers[trigger_id]
        if issued is None:
            raise SlackError("exchanged_trigger_id")  # Slack's code for a trigger used twice
        if time.monotonic() - issued > TRIGGER_LIFETIME_S:
            raise SlackError("expired_trigger_id")
        view = self._view(args.get("view"), "modal")
        self._triggers[trigger_id] = None
        return {"ok": True, "view": view}
