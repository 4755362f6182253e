"""users.*: the workspace's people, looked up by id or by e-mail as Slack does."""

from __future__ import annotations

import base64
import datetime
import time
from zoneinfo import ZoneInfo

from devplan_tools.stand_in.protocol import APP_ID, BOT_ID, TEAM_ID, TZ, SlackError
from devplan_tools.stand_in.state import WorkspaceState


def user_object(uid: str, email: str | None, real_name: str, *, is_bot: bool = False) -> dict:
    now = datetime.datetime.now(ZoneInfo(TZ))
    first, _, last = real_name.partition(" ")
    profile: dict[str, object] = {
        "real_name": real_name,
        "real_name_normalized": real_name,
        "display_name": real_name,
        "display_name_normalized": real_name,
        "first_name": first,
        "last_name": last,
        "title": "",
        "phone": "",
        "status_text": "",
        "status_emoji": "",
        "team": TEAM_ID,
    }
    if email:
        profile["email"] = email
    offset = now.utcoffset()
    assert offset is not None  # an aware datetime (ZoneInfo) always has one
    if is_bot:
        profile.update(bot_id=BOT_ID, api_app_id=APP_ID, always_active=True)
    return {
        "id": uid,
        "team_id": TEAM_ID,
        "name": (email or real_name).split("@")[0].lower(),
        "deleted": False,
        "color": "9f69e7",
        "real_name": real_name,
        "tz": TZ,
        "tz_label": "Central European Summer Time" if now.dst() else "Central European Time",
        "tz_offset": int(offset.total_seconds()),
        "profile": profile,
        "is_admin": False,
        "is_owner": False,
        "is_primary_owner": False,
        "is_restricted": False,
        "is_ultra_restricted": False,
        "is_bot": is_bot,
        "is_app_user": False,
        "updated": int(time.time()),
        "is_email_confirmed": not is_bot,
    }


# Every Slack account has a locale (Slack answers it only with include_locale=true). Slack's own
# default is the workspace's language; this stand-in's workspace is Swedish, so people read
# Swedish unless a test or the demo gives them another locale (POST /_stand-in/users "locale").
DEFAULT_LOCALE = "sv-SE"


class Users(WorkspaceState):
    """Part of Workspace (see workspace.py): owns `users`, `_by_email` and the users' locales."""

    METHODS: tuple[str, ...] = ("users.lookupByEmail", "users.info", "users.list")

    @property
    def locales(self) -> dict[str, str]:
        """user id -> locale; kept beside the user objects, which show it only when asked."""
        return self.__dict__.setdefault("_locales", {})

    def add_user(self, email: str, name: str, locale: str | None = None) -> tuple[dict, bool]:
        """Returns (user, created); a known e-mail returns the existing user (its locale changed if given)."""
        created = email.lower() not in self._by_email
        if created:
            uid = f"U{len(self._by_email) + 1:08d}"  # deterministic: U00000001, U00000002, ...
            self.users[uid] = user_object(uid, email, name)
            self._by_email[email.lower()] = uid
            self.conversations["C0GENERAL"]["members"].append(uid)  # like Slack, newcomers land in #general
        uid = self._by_email[email.lower()]
        if locale:
            self.locales[uid] = locale
        return self.users[uid], created

    def humans(self) -> list[dict]:
        return [u for u in self.users.values() if not u["is_bot"]]

    def user(self, uid) -> dict:
        if uid not in self.users:
            raise SlackError("user_not_found")
        return self.users[uid]

    def users_lookupByEmail(self, args):
        uid = self._by_email.get(str(args.get("email") or "").strip().lower())
        if uid is None:
            raise SlackError("users_not_found")  # sic: plural, unlike users.info
        return {"ok": True, "user": self.users[uid]}

    def users_info(self, args):
        user = self.user(args.get("user"))
        if str(args.get("include_locale", "")).lower() in ("true", "1"):  # JSON true or a form's "true"
            return {"ok": True, "user": {**user, "locale": self.locales.get(user["id"], DEFAULT_LOCALE)}}
        return {"ok": True, "user": user}

    def users_list(self, args):
        """Every member, bots and deactivated included, in pages of `limit` (Slack's cursor:
        base64 "user:<id>" of the next page's first member); locales with include_locale."""
        members = list(self.users.values())
        start = 0
        if args.get("cursor"):
            try:
                after = base64.b64decode(str(args["cursor"])).decode().removeprefix("user:")
                start = next(i for i, u in enumerate(members) if u["id"] == after)
            except (ValueError, StopIteration):
                raise SlackError("invalid_cursor") from None
        try:
            limit = min(max(int(args.get("limit") or 0), 1), 1000) if args.get("limit") else len(members) or 1
        except ValueError:
            limit = 100
        page = members[start : start + limit]
        if str(args.get("include_locale", "")).lower() in ("true", "1"):
            page = [{**u, "locale": self.locales.get(u["id"], DEFAULT_LOCALE)} for u in page]
        more = start + limit < len(members)
        cursor = base64.b64encode(f"user:{members[start + limit]['id']}".encode()).decode() if more else ""
        return {"ok": True, "members": page, "cache_ts": int(time.time()), "response_metadata": {"next_cursor": cursor}}
