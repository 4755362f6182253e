"""auth.test: who the bot is, in which team."""

from __future__ import annotations

from devplan_tools.stand_in.protocol import BOT_ID, BOT_NAME, BOT_USER_ID, TEAM_ID, TEAM_NAME, TEAM_URL
from devplan_tools.stand_in.state import WorkspaceState


class Team(WorkspaceState):
    """Part of Workspace (see workspace.py)."""

    METHODS: tuple[str, ...] = ("auth.test",)

    def auth_test(self, args):
        return {
            "ok": True,
            "url": TEAM_URL,
            "team": TEAM_NAME,
            "user": BOT_NAME,
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }
