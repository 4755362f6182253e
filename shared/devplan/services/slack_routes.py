"""The routing table of the Slack endpoint: (kind, name) → one service call."""
from __future__ import annotations

from typing import Any

from devplan.adapters.cycle_messages import MARK_HELD_ACTION
from devplan.adapters.slack_inbound import Route, SlackRequest
from devplan.services import reviews
from devplan.services.plan_status import plan_status_for
from devplan.services.slack_accounts import link_account


def routes(store: Any) -> dict[tuple[str, str], Route]:
    def utveckling(request: SlackRequest) -> dict[str, Any]:
        status = plan_status_for(request.user_id, store)
        return {"response_type": "ephemeral", "text": status.text, "blocks": list(status.blocks)}

    def team_join(request: SlackRequest) -> dict[str, Any]:
        user = request.payload["event"]["user"]
        email = (user.get("profile") or {}).get("email")
        return {"linked": link_account(email, user["id"], store) if email else 0}

    def review_mark_held(request: SlackRequest) -> dict[str, Any]:
        action = request.payload["actions"][0]
        outcome = reviews.mark_held(action.get("value", ""), request.user_id,
                                    action.get("action_ts") or request.payload.get("action_ts", "0"), store)
        return {"outcome": outcome}

    return {
        ("command", "/utveckling"): utveckling,
        ("block_actions", MARK_HELD_ACTION): review_mark_held,
        ("event", "team_join"): team_join,
    }
