"""The in-memory Slack workspace behind the Slack stand-in (see server.py).

This module knows Slack's *semantics*: users, conversations, messages, views and
the Web API methods with their real argument names, response shapes and error
codes.  It knows nothing about HTTP, auth, rate limits or recording; the
stand-in does that and serialises every call through one lock, so nothing here
is thread-safe on its own.

Handlers take the decoded arguments (a dict: form/query values are strings,
JSON bodies keep their types) and return the response body, or raise SlackError
which the stand-in turns into Slack's ``{"ok": false, "error": ...}``.

The Web API methods live with their family: users.py, conversations.py, chat.py, views.py,
team.py, files.py; this class puts them together over one shared state.
"""

from __future__ import annotations

import time

from devplan_tools.stand_in.chat import Chat
from devplan_tools.stand_in.conversations import Conversations
from devplan_tools.stand_in.files import Files
from devplan_tools.stand_in.protocol import BOT_NAME, BOT_USER_ID
from devplan_tools.stand_in.team import Team
from devplan_tools.stand_in.users import Users, user_object
from devplan_tools.stand_in.views import Views

# Readable but Slack-shaped ids, stable across runs so fixtures and logs can name them.
PUBLIC_CHANNELS = {"C0GENERAL": "general", "C0DEV": "dev", "C0COACHING": "coaching", "C0FINANCE": "finance"}


class Workspace(Team, Users, Conversations, Chat, Views, Files):
    def __init__(self):
        self.users: dict[str, dict] = {BOT_USER_ID: user_object(BOT_USER_ID, None, BOT_NAME, is_bot=True)}
        self._by_email: dict[str, str] = {}
        created = int(time.time())
        # Conversations of every kind ("channel", "im", "mpim") keyed by id; the bot is in all of them.
        self.conversations: dict[str, dict] = {
            cid: {"id": cid, "kind": "channel", "name": name, "members": [BOT_USER_ID], "created": created}
            for cid, name in PUBLIC_CHANNELS.items()
        }
        self.history: dict[str, list[dict]] = {cid: [] for cid in self.conversations}
        self._last_ts = 0
        self._views: dict[str, dict] = {}
        self._home_view_ids: dict[str, str] = {}
        self._triggers: dict[str, float | None] = {}  # trigger_id -> issued (monotonic), None once exchanged
        self._trigger_users: dict[str, str | None] = {}  # trigger_id -> the user whose command or click it came with
        self._view_users: dict[str, str | None] = {}  # open modal's view id -> its user
        self.files: dict[str, dict] = {}  # uploads (files.py)
        self.upload_url_base = ""  # the server's URL, once it runs


# The Web API methods the stand-in serves; "chat.postMessage" is handled by Workspace.chat_postMessage.
METHODS = Team.METHODS + Users.METHODS + Conversations.METHODS + Chat.METHODS + Views.METHODS + Files.METHODS
