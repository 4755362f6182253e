"""conversations.*: public channels, DMs and group DMs with the bot, and their history."""

from __future__ import annotations

import base64
import hashlib
import time
from typing import Any

from devplan_tools.stand_in.protocol import BOT_USER_ID, SlackError, flag, id_list, ts_key
from devplan_tools.stand_in.state import WorkspaceState


class Conversations(WorkspaceState):
    """Part of Workspace (see workspace.py): owns `conversations` and `history`."""

    METHODS: tuple[str, ...] = (
        "conversations.open",
        "conversations.invite",
        "conversations.members",
        "conversations.list",
        "conversations.history",
    )

    def find(self, ref) -> dict | None:
        """Resolve what chat.postMessage accepts: an id, "#name"/"name", or a user id (their DM with the bot)."""
        if not isinstance(ref, str) or not ref:
            return None
        if ref in self.conversations:
            return self.conversations[ref]
        if ref in self.users and ref != BOT_USER_ID:
            return self._direct([ref])
        name = ref.removeprefix("#")
        return next((c for c in self.conversations.values() if c["kind"] == "channel" and c["name"] == name), None)

    def conversation(self, ref, *, lenient: bool = False) -> dict:
        """Posting methods are ``lenient`` (names, user ids); the rest, like Slack, want a conversation id."""
        conv = self.find(ref) if lenient else self.conversations.get(ref)
        if conv is None:
            raise SlackError("channel_not_found")
        return conv

    def _direct(self, uids: list[str]) -> dict:
        """The (stable) DM or group DM between the bot and ``uids``; created on first use as in Slack."""
        members = sorted(set(uids) - {BOT_USER_ID})
        if len(members) == 1:
            cid = "D" + members[0][1:]
        else:
            cid = "G" + hashlib.sha1(",".join(members).encode()).hexdigest()[:10].upper()
        if cid not in self.conversations:
            kind = "im" if len(members) == 1 else "mpim"
            name = "mpdm-" + "--".join(self.users[u]["name"] for u in members + [BOT_USER_ID]) + "-1"
            self.conversations[cid] = {
                "id": cid,
                "kind": kind,
                "name": name,
                "members": members + [BOT_USER_ID],
                "created": int(time.time()),
                "is_open": False,
            }
            self.history[cid] = []
        return self.conversations[cid]

    def label(self, conv: dict) -> str:
        """Human name for recordings: "#dev", "DM Anna Svensson", "group DM Anna Svensson, Bo Kvarnsmyr"."""
        people = ", ".join(self.users[u]["real_name"] for u in conv["members"] if u != BOT_USER_ID)
        return {"channel": f"#{conv['name']}", "im": f"DM {people}"}.get(conv["kind"], f"group DM {people}")

    def _channel_object(self, conv: dict) -> dict:
        kind, created = conv["kind"], conv["created"]
        if kind == "im":
            return {
                "id": conv["id"],
                "created": created,
                "is_im": True,
                "is_org_shared": False,
                "user": conv["members"][0],
                "is_user_deleted": False,
                "priority": 0,
            }
        blank = {"value": "", "creator": "", "last_set": 0}
        return {
            "id": conv["id"],
            "name": conv["name"],
            "name_normalized": conv["name"],
            "is_channel": kind == "channel",
            "is_group": kind == "mpim",
            "is_im": False,
            "is_mpim": kind == "mpim",
            "is_private": kind == "mpim",
            "created": created,
            "is_archived": False,
            "is_general": conv["name"] == "general",
            "unlinked": 0,
            "is_shared": False,
            "is_org_shared": False,
            "is_member": BOT_USER_ID in conv["members"],
            "num_members": len(conv["members"]),
            "creator": "",
            "topic": blank,
            "purpose": blank,
            "previous_names": [],
        }

    def conversations_open(self, args):
        if args.get("channel"):
            conv = self.conversation(args["channel"])
            if conv["kind"] == "channel":
                raise SlackError("method_not_supported_for_channel_type")
        else:
            uids = id_list(args.get("users"))
            if not uids:
                raise SlackError("users_list_not_supplied")
            if len(uids) > 8:
                raise SlackError("too_many_users")
            for uid in uids:
                self.user(uid)
            conv = self._direct(uids)
        answer: dict[str, object] = {"ok": True}
        if conv["is_open"]:
            answer.update(no_op=True, already_open=True)
        conv["is_open"] = True
        answer["channel"] = self._channel_object(conv) if flag(args.get("return_im")) else {"id": conv["id"]}
        return answer

    def conversations_invite(self, args):
        conv = self.conversation(args.get("channel"))
        if conv["kind"] != "channel":
            raise SlackError("method_not_supported_for_channel_type")
        uids = id_list(args.get("users"))
        if not uids:
            raise SlackError("no_user")
        errors: list[dict[str, Any]] = []
        valid: list[str] = []
        for uid in uids:
            why = (
                "user_not_found"
                if uid not in self.users
                else "cant_invite_self"
                if uid == BOT_USER_ID
                else "already_in_channel"
                if uid in conv["members"]
                else None
            )
            (errors.append({"user": uid, "ok": False, "error": why}) if why else valid.append(uid))
        if errors and not (flag(args.get("force")) and valid):
            raise SlackError(errors[0]["error"], errors=errors)  # Slack invites nobody unless force=true
        conv["members"].extend(valid)
        return {"ok": True, "channel": self._channel_object(conv), **({"errors": errors} if errors else {})}

    def conversations_members(self, args):
        conv = self.conversation(args.get("channel"))
        return {"ok": True, "members": list(conv["members"]), "response_metadata": {"next_cursor": ""}}

    def conversations_list(self, args):
        kinds = {"public_channel": "channel", "im": "im", "mpim": "mpim"}
        wanted = {kinds.get(t) for t in id_list(args.get("types") or "public_channel")}
        found = [
            self._channel_object(c)
            for c in self.conversations.values()
            if c["kind"] in wanted and (c["kind"] == "channel" or c["is_open"])
        ]
        return {"ok": True, "channels": found, "response_metadata": {"next_cursor": ""}}

    def conversations_history(self, args):
        conv = self.conversation(args.get("channel"))
        inclusive = flag(args.get("inclusive"))
        bounds = {}
        for name in ("oldest", "latest"):
            try:
                bounds[name] = ts_key(args[name]) if args.get(name) not in (None, "") else None
            except ValueError:
                raise SlackError(f"invalid_ts_{name}") from None
        latest_inclusive = inclusive
        if args.get("cursor"):  # our cursors are Slack's own format: base64("next_ts:<ts>")
            try:
                bounds["latest"] = ts_key(base64.b64decode(args["cursor"]).decode().removeprefix("next_ts:"))
            except ValueError:
                raise SlackError("invalid_cursor") from None
            latest_inclusive = True
        try:
            limit = min(max(int(args.get("limit") or 100), 1), 999)
        except ValueError:
            limit = 100
        oldest, latest = bounds["oldest"], bounds["latest"]

        def wanted(m: dict) -> bool:
            key = ts_key(m["ts"])
            if m.get("thread_ts", m["ts"]) != m["ts"]:
                return False  # thread replies live in conversations.replies, not history
            if oldest is not None and (key < oldest or (key == oldest and not inclusive)):
                return False
            return latest is None or key < latest or (key == latest and latest_inclusive)

        found = [m for m in reversed(self.history[conv["id"]]) if wanted(m)]  # newest first
        shown = [self._shown(m, with_metadata=flag(args.get("include_all_metadata"))) for m in found[:limit]]
        cursor = base64.b64encode(f"next_ts:{found[limit]['ts']}".encode()).decode() if len(found) > limit else ""
        return {
            "ok": True,
            "messages": shown,
            "has_more": bool(cursor),
            "pin_count": 0,
            "channel_actions_ts": None,
            "channel_actions_count": 0,
            "response_metadata": {"next_cursor": cursor},
        }
