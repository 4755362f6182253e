"""The Slack endpoint's routing table: (kind, name) → one service call.

Slack wants an answer within 3 s, so routes do one quick Firestore read or write and return;
anything slow goes through the outbox. What a route reads of the payload was checked when the
request was decoded (adapters/decoding/slack.py): a team_join's event.user with an id, a
block_actions' actions[0] with an action_id and, if present, a text value and Slack timestamps.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from devplan.errors import InvalidEvent
from devplan.messages.cycle import MARK_HELD_ACTION
from devplan.services import reviews
from devplan.services.goal_revision import GOAL_MISSED, mark_missed_route
from devplan.services.inputs import SlackRequest, SlackRoute
from devplan.services.plan_status import plan_status_for
from devplan.services.ports import Store
from devplan.services.slack_accounts import link_account

log = logging.getLogger(__name__)
# Shown for a command we do not know (yet): Slack would otherwise show the user an error.
UNKNOWN_COMMAND = "Det här känner jag inte igen ännu."


def routes(store: Store) -> dict[tuple[str, str], SlackRoute]:
    def utveckling(request: SlackRequest) -> dict[str, Any]:
        status = plan_status_for(request.user_id, store)
        return {"response_type": "ephemeral", "text": status.text, "blocks": list(status.blocks)}

    def team_join(request: SlackRequest) -> dict[str, Any]:
        user = request.payload["event"]["user"]
        email = (user.get("profile") or {}).get("email")
        return {"linked": link_account(email, user["id"], store) if email else 0}

    def review_mark_held(request: SlackRequest) -> dict[str, Any]:
        action = request.payload["actions"][0]
        # The day it was held is Slack's, never our clock's: a click without a time says nothing.
        clicked_at = action.get("action_ts") or request.payload.get("action_ts")
        if not clicked_at:
            raise InvalidEvent("mark-held click carries no action_ts", code="malformed")
        return {"outcome": reviews.mark_held(action.get("value") or "", request.user_id, clicked_at, store)}

    return {
        ("command", "/utveckling"): utveckling,
        ("block_actions", MARK_HELD_ACTION): review_mark_held,
        ("block_actions", GOAL_MISSED): lambda request: mark_missed_route(request, store),
        ("event", "team_join"): team_join,
    }


def route(request: SlackRequest, table: Mapping[tuple[str, str], SlackRoute]) -> dict[str, Any]:
    """Dispatch on (kind, name). Unknown commands and actions are answered politely, not 4xx."""
    if request.kind == "url_verification":
        return {"challenge": request.payload.get("challenge")}
    handler = table.get((request.kind, request.name))
    if handler is None:
        log.warning("no route for Slack %s %s", request.kind, request.name)
        return {"response_type": "ephemeral", "text": UNKNOWN_COMMAND} if request.kind == "command" else {}
    return handler(request)
