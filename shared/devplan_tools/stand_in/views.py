"""views.*: the Home tab and modals opened with a trigger_id (3 s to use, once)."""

from __future__ import annotations

import secrets
import time
from typing import Any

from devplan_tools.stand_in.block_kit import problems
from devplan_tools.stand_in.protocol import APP_ID, BOT_ID, TEAM_ID, SlackError, missing
from devplan_tools.stand_in.state import WorkspaceState

TRIGGER_LIFETIME_S = 3.0  # Slack: a trigger_id must be exchanged within 3 seconds


class Views(WorkspaceState):
    """Part of Workspace (see workspace.py): owns `_views`, `_home_view_ids` and `_triggers`."""

    METHODS: tuple[str, ...] = ("views.publish", "views.open")

    def issue_trigger(self, user: str | None = None) -> str:
        """A trigger_id as a command or click carries it; `user`: whose (the modal it opens is theirs)."""
        trigger_id = f"{len(self._triggers) + 1}.{int(time.time())}.{secrets.token_hex(16)}"
        self._triggers[trigger_id] = time.monotonic()
        self._trigger_users[trigger_id] = user
        return trigger_id

    def open_modal(self, user: str, callback_id: str) -> dict:
        """The newest modal open for `user` with `callback_id` (what a submission submits)."""
        for view_id in reversed(list(self._views)):
            view = self._views[view_id]
            if view["type"] == "modal" and view["callback_id"] == callback_id and self._view_users.get(view_id) == user:
                return view
        raise SlackError("view_not_found")

    def close_modal(self, view_id: str) -> None:
        """Submitted and answered with an empty body: Slack closes it."""
        self._views.pop(view_id, None)
        self._view_users.pop(view_id, None)

    @staticmethod
    def submitted_state(view: dict, values: dict) -> dict:
        """Slack's view.state.values for `values` ({block_id: text | option value | [values] | date}),
        shaped by each input block's element as Slack shapes it; inputs left out are empty."""
        state: dict = {}
        known = {b["block_id"]: b for b in view["blocks"] if b.get("type") == "input" and b.get("block_id")}
        unknown = set(values) - set(known)
        if unknown:
            raise SlackError("invalid_arguments", response_metadata={"messages": [f"no input block {sorted(unknown)}"]})
        for block_id, block in known.items():
            element, value = block["element"], values.get(block_id)
            kind = element.get("type")
            options = {o["value"]: o for o in element.get("options", [])}
            shown: dict[str, Any]
            if kind in ("checkboxes", "multi_static_select"):
                shown = {"selected_options": [options[v] for v in value or [] if v in options]}
            elif kind in ("static_select", "radio_buttons"):
                chosen = options.get(value) if value is not None else element.get("initial_option")
                shown = {"selected_option": chosen}
            elif kind == "datepicker":
                shown = {"selected_date": value}
            else:
                shown = {"value": value}
            state[block_id] = {element.get("action_id", "value"): {"type": kind, **shown}}
        return {"values": state}

    def _view(self, view, kind: str, view_id: str | None = None) -> dict:
        if not isinstance(view, dict) or view.get("type") != kind:
            raise SlackError(
                "invalid_arguments",
                response_metadata={"messages": [f"[ERROR] must be a {kind} view object [json-pointer:/view]"]},
            )
        broken = problems(kind, view.get("blocks"), view)
        if broken:  # Slack refuses the whole view, saying where (nothing of it is shown)
            raise SlackError("invalid_arguments", response_metadata={"messages": [f"[ERROR] {p}" for p in broken]})
        view_id = (
            view_id or f"V{secrets.token_hex(5).upper()}"
        )  # unique, like Slack's (a closed view's id is never reused)
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

    def home(self, user_id: str) -> dict | None:
        """The Home tab `user_id` sees now: the view last published for them (None: never)."""
        view_id = self._home_view_ids.get(user_id)
        return self._views.get(view_id) if view_id else None

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
        self._view_users[view["id"]] = self._trigger_users.get(trigger_id)
        return {"ok": True, "view": view}
