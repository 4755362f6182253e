"""The in-memory Slack workspace behind the Slack stand-in (see slack_stand_in.py).

This module knows Slack's *semantics*: users, conversations, messages, views and
the Web API methods with their real argument names, response shapes and error
codes.  It knows nothing about HTTP, auth, rate limits or recording; the
stand-in does that and serialises every call through one lock, so nothing here
is thread-safe on its own.

Handlers take the decoded arguments (a dict: form/query values are strings,
JSON bodies keep their types) and return the response body, or raise SlackError
which the stand-in turns into Slack's ``{"ok": false, "error": ...}``.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import secrets
import time
from zoneinfo import ZoneInfo

TEAM_ID, TEAM_NAME, TEAM_URL = "T0INNERJ", "Inner Journey", "https://innerjourney.slack.com/"
BOT_USER_ID, BOT_ID, APP_ID, BOT_NAME = "U0DEVPLAN", "B0DEVPLAN", "A0DEVPLAN", "devplan"
TZ = "Europe/Stockholm"
# Readable but Slack-shaped ids, stable across runs so fixtures and logs can name them.
PUBLIC_CHANNELS = {"C0GENERAL": "general", "C0DEV": "dev", "C0COACHING": "coaching", "C0FINANCE": "finance"}
TRIGGER_LIFETIME_S = 3.0  # Slack: a trigger_id must be exchanged within 3 seconds
MAX_BLOCKS, MAX_TEXT = 50, 40_000


class SlackError(Exception):
    """A Slack Web API error; ``extra`` holds Slack's additional fields (errors, response_metadata)."""

    def __init__(self, error: str, **extra):
        super().__init__(error)
        self.error, self.extra = error, extra


def _missing(field: str) -> SlackError:
    return SlackError("invalid_arguments", response_metadata={"messages": [f"[ERROR] missing required field: {field}"]})


def flag(value) -> bool:
    """Slack booleans: slack-sdk sends "1"/"0" in form bodies and true/false in JSON bodies."""
    return value is True or str(value).strip().lower() in ("1", "true")


def id_list(value) -> list[str]:
    """``users`` arrives as "U1,U2" (slack-sdk joins lists) or, in raw JSON calls, as a list."""
    items = value if isinstance(value, list) else str(value or "").split(",")
    return list(dict.fromkeys(str(i).strip() for i in items if str(i).strip()))


def ts_key(ts) -> int:
    """A ts as integer microseconds; floats would lose the last digits of "1700000000.000100"."""
    seconds, _, fraction = str(ts).partition(".")
    return int(seconds) * 1_000_000 + int((fraction + "000000")[:6])


def _user_object(uid: str, email: str | None, real_name: str, *, is_bot: bool = False) -> dict:
    now = datetime.datetime.now(ZoneInfo(TZ))
    first, _, last = real_name.partition(" ")
    profile = {"real_name": real_name, "real_name_normalized": real_name, "display_name": real_name,
               "display_name_normalized": real_name, "first_name": first, "last_name": last,
               "title": "", "phone": "", "status_text": "", "status_emoji": "", "team": TEAM_ID}
    if email:
        profile["email"] = email
    if is_bot:
        profile.update(bot_id=BOT_ID, api_app_id=APP_ID, always_active=True)
    return {"id": uid, "team_id": TEAM_ID, "name": (email or real_name).split("@")[0].lower(),
            "deleted": False, "color": "9f69e7", "real_name": real_name, "tz": TZ,
            "tz_label": "Central European Summer Time" if now.dst() else "Central European Time",
            "tz_offset": int(now.utcoffset().total_seconds()), "profile": profile,
            "is_admin": False, "is_owner": False, "is_primary_owner": False, "is_restricted": False,
            "is_ultra_restricted": False, "is_bot": is_bot, "is_app_user": False,
            "updated": int(time.time()), "is_email_confirmed": not is_bot}


class Workspace:
    def __init__(self):
        self.users: dict[str, dict] = {BOT_USER_ID: _user_object(BOT_USER_ID, None, BOT_NAME, is_bot=True)}
        self._by_email: dict[str, str] = {}
        created = int(time.time())
        # Conversations of every kind ("channel", "im", "mpim") keyed by id; the bot is in all of them.
        self.conversations: dict[str, dict] = {
            cid: {"id": cid, "kind": "channel", "name": name, "members": [BOT_USER_ID], "created": created}
            for cid, name in PUBLIC_CHANNELS.items()}
        self.history: dict[str, list[dict]] = {cid: [] for cid in self.conversations}
        self._last_ts = 0
        self._views: dict[str, dict] = {}
        self._home_view_ids: dict[str, str] = {}
        self._triggers: dict[str, float | None] = {}  # trigger_id -> issued (monotonic), None once exchanged

    # ---- users -----------------------------------------------------------------------------
    def add_user(self, email: str, name: str) -> tuple[dict, bool]:
        """Returns (user, created); a known e-mail returns the existing user."""
        if email.lower() in self._by_email:
            return self.users[self._by_email[email.lower()]], False
        uid = f"U{len(self._by_email) + 1:08d}"  # deterministic: U00000001, U00000002, ...
        self.users[uid] = _user_object(uid, email, name)
        self._by_email[email.lower()] = uid
        self.conversations["C0GENERAL"]["members"].append(uid)  # like Slack, newcomers land in #general
        return self.users[uid], True

    def humans(self) -> list[dict]:
        return [u for u in self.users.values() if not u["is_bot"]]

    def user(self, uid) -> dict:
        if uid not in self.users:
            raise SlackError("user_not_found")
        return self.users[uid]

    # ---- conversations ---------------------------------------------------------------------
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
            self.conversations[cid] = {"id": cid, "kind": kind, "name": name, "members": members + [BOT_USER_ID],
                                       "created": int(time.time()), "is_open": False}
            self.history[cid] = []
        return self.conversations[cid]

    def label(self, conv: dict) -> str:
        """Human name for recordings: "#dev", "DM Anna Svensson", "group DM Anna Svensson, Bo Kvarnsmyr"."""
        people = ", ".join(self.users[u]["real_name"] for u in conv["members"] if u != BOT_USER_ID)
        return {"channel": f"#{conv['name']}", "im": f"DM {people}"}.get(conv["kind"], f"group DM {people}")

    def _channel_object(self, conv: dict) -> dict:
        kind, created = conv["kind"], conv["created"]
        if kind == "im":
            return {"id": conv["id"], "created": created, "is_im": True, "is_org_shared": False,
                    "user": conv["members"][0], "is_user_deleted": False, "priority": 0}
        blank = {"value": "", "creator": "", "last_set": 0}
        return {"id": conv["id"], "name": conv["name"], "name_normalized": conv["name"],
                "is_channel": kind == "channel", "is_group": kind == "mpim", "is_im": False,
                "is_mpim": kind == "mpim", "is_private": kind == "mpim", "created": created,
                "is_archived": False, "is_general": conv["name"] == "general", "unlinked": 0,
                "is_shared": False, "is_org_shared": False, "is_member": BOT_USER_ID in conv["members"],
                "num_members": len(conv["members"]), "creator": "", "topic": blank, "purpose": blank,
                "previous_names": []}

    # ---- messages --------------------------------------------------------------------------
    def next_ts(self) -> str:
        """Slack ts: epoch seconds with 6 decimals, unique and strictly increasing."""
        self._last_ts = max(int(time.time() * 1_000_000), self._last_ts + 1)
        return f"{self._last_ts // 1_000_000}.{self._last_ts % 1_000_000:06d}"

    @staticmethod
    def _content(args: dict, *, creating: bool = True) -> dict:
        """Validate text/blocks/attachments/metadata the way chat.* does; returns the fields given."""
        names = ("text", "blocks", "attachments", "metadata") + (("thread_ts",) if creating else ())
        fields = {k: args[k] for k in names if k in args}
        blocks = fields.get("blocks")
        if isinstance(blocks, str):  # still a string: it was not valid JSON
            raise SlackError("invalid_blocks_format")
        if blocks is not None:
            if not isinstance(blocks, list) or not all(isinstance(b, dict) and "type" in b for b in blocks):
                raise SlackError("invalid_blocks", errors=["invalid_blocks [json-pointer:/blocks]"])
            if len(blocks) > MAX_BLOCKS:
                why = f"must provide an array of no more than {MAX_BLOCKS} items [json-pointer:/blocks]"
                raise SlackError("invalid_blocks", errors=[why], response_metadata={"messages": [f"[ERROR] {why}"]})
        if creating and not (fields.get("text") or blocks or fields.get("attachments")):
            raise SlackError("no_text")
        if len(str(fields.get("text") or "")) > MAX_TEXT:
            raise SlackError("msg_too_long")
        meta = fields.get("metadata")
        if isinstance(meta, str):
            raise SlackError("invalid_metadata_format")
        if meta is not None:
            if not (isinstance(meta, dict) and isinstance(meta.get("event_type"), str)
                    and isinstance(meta.get("event_payload"), dict)):
                raise SlackError("invalid_metadata_schema")
            fields["metadata"] = {"event_type": meta["event_type"], "event_payload": meta["event_payload"]}
        return fields

    @staticmethod
    def _shown(message: dict, *, with_metadata: bool = True) -> dict:
        """Slack only returns message metadata from history when include_all_metadata is set."""
        return {k: v for k, v in message.items() if with_metadata or k != "metadata"}

    def _post(self, conv: dict, fields: dict) -> dict:
        ts = self.next_ts()
        message = {"type": "message", "text": fields.get("text", ""), "user": BOT_USER_ID, "bot_id": BOT_ID,
                   "app_id": APP_ID, "team": TEAM_ID, "ts": ts, **{k: v for k, v in fields.items() if k != "text"},
                   "bot_profile": {"id": BOT_ID, "app_id": APP_ID, "name": BOT_NAME, "team_id": TEAM_ID,
                                   "deleted": False, "icons": {}}}
        self.history[conv["id"]].append(message)
        conv["is_open"] = True
        return message

    # ---- views -----------------------------------------------------------------------------
    def issue_trigger(self) -> str:
        trigger_id = f"{len(self._triggers) + 1}.{int(time.time())}.{secrets.token_hex(16)}"
        self._triggers[trigger_id] = time.monotonic()
        return trigger_id

    def _view(self, view, kind: str, view_id: str | None = None) -> dict:
        if not isinstance(view, dict) or view.get("type") != kind:
            raise SlackError("invalid_arguments", response_metadata={
                "messages": [f"[ERROR] must be a {kind} view object [json-pointer:/view]"]})
        view_id = view_id or f"V{len(self._views) + 1:08d}"
        self._views[view_id] = {
            "id": view_id, "team_id": TEAM_ID, "type": kind, "blocks": view.get("blocks", []),
            "private_metadata": view.get("private_metadata", ""), "callback_id": view.get("callback_id", ""),
            "state": {"values": {}}, "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
            "title": view.get("title"), "close": view.get("close"), "submit": view.get("submit"),
            "clear_on_close": bool(view.get("clear_on_close")), "notify_on_close": bool(view.get("notify_on_close")),
            "external_id": view.get("external_id", ""), "previous_view_id": None, "root_view_id": view_id,
            "app_id": APP_ID, "app_installed_team_id": TEAM_ID, "bot_id": BOT_ID}
        return self._views[view_id]

    # ---- Web API methods (Slack names; the stand-in dispatches "a.b" to a_b) ---------------
    def auth_test(self, args):
        return {"ok": True, "url": TEAM_URL, "team": TEAM_NAME, "user": BOT_NAME, "team_id": TEAM_ID,
                "user_id": BOT_USER_ID, "bot_id": BOT_ID, "is_enterprise_install": False}

    def users_lookupByEmail(self, args):
        uid = self._by_email.get(str(args.get("email") or "").strip().lower())
        if uid is None:
            raise SlackError("users_not_found")  # sic: plural, unlike users.info
        return {"ok": True, "user": self.users[uid]}

    def users_info(self, args):
        return {"ok": True, "user": self.user(args.get("user"))}

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
        answer = {"ok": True}
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
        errors, valid = [], []
        for uid in uids:
            why = ("user_not_found" if uid not in self.users else "cant_invite_self" if uid == BOT_USER_ID
                   else "already_in_channel" if uid in conv["members"] else None)
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
        found = [self._channel_object(c) for c in self.conversations.values()
                 if c["kind"] in wanted and (c["kind"] == "channel" or c["is_open"])]
        return {"ok": True, "channels": found, "response_metadata": {"next_cursor": ""}}

    def chat_postMessage(self, args):
        conv = self.conversation(args.get("channel"), lenient=True)
        message = self._post(conv, self._content(args))
        return {"ok": True, "channel": conv["id"], "ts": message["ts"], "message": self._shown(message)}

    def chat_update(self, args):
        conv = self.conversation(args.get("channel"))
        message = next((m for m in self.history[conv["id"]] if m["ts"] == args.get("ts")), None)
        if message is None:
            raise SlackError("message_not_found")
        fields = self._content(args, creating=False)
        if not (fields.get("text") or fields.get("blocks") or fields.get("attachments")):
            raise SlackError("no_text")
        message.update(fields, edited={"user": BOT_USER_ID, "ts": self.next_ts()})
        return {"ok": True, "channel": conv["id"], "ts": message["ts"], "text": message["text"],
                "message": self._shown(message)}

    def chat_postEphemeral(self, args):
        conv = self.conversation(args.get("channel"), lenient=True)
        self.user(args.get("user"))
        if args["user"] not in conv["members"]:
            raise SlackError("user_not_in_channel")
        self._content(args)
        return {"ok": True, "message_ts": self.next_ts()}  # ephemeral: never in history

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
        return {"ok": True, "messages": shown, "has_more": bool(cursor), "pin_count": 0,
                "channel_actions_ts": None, "channel_actions_count": 0, "response_metadata": {"next_cursor": cursor}}

    def views_publish(self, args):
        if not args.get("user_id"):
            raise _missing("user_id")
        self.user(args["user_id"])
        # The Home tab is one view per user: republishing keeps its id and changes its hash.
        view = self._view(args.get("view"), "home", self._home_view_ids.get(args["user_id"]))
        self._home_view_ids[args["user_id"]] = view["id"]
        return {"ok": True, "view": view}

    def views_open(self, args):
        trigger_id = args.get("trigger_id")
        if not trigger_id:
            raise _missing("trigger_id")
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


# The Web API methods the stand-in serves; "chat.postMessage" is handled by Workspace.chat_postMessage.
METHODS = ("auth.test", "users.lookupByEmail", "users.info", "conversations.open", "conversations.invite",
           "conversations.members", "conversations.list", "conversations.history", "chat.postMessage",
           "chat.update", "chat.postEphemeral", "views.publish", "views.open")
