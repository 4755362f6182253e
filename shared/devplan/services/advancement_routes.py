"""Slack routes of Senior Coach and supervision (services/slack_routes.py merges them in)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from devplan.messages.advancement import SENIOR_APPROVE, SENIOR_NOT_YET, SUPERVISION_HELD
from devplan.services import senior_coach, supervision
from devplan.services.inputs import SlackRequest, SlackRoute
from devplan.services.ports import Store
from devplan.services.slack_replies import clicked_on


def advancement_routes(store: Store) -> dict[tuple[str, str], SlackRoute]:
    def coach_click(act: Callable[[Store, senior_coach.Click], dict[str, Any]]) -> SlackRoute:
        def handle(request: SlackRequest) -> dict[str, Any]:
            value = request.payload["actions"][0].get("value") or ""
            return act(store, senior_coach.read_click(value, request.user_id, clicked_on(request.payload)))

        return handle

    def supervision_held(request: SlackRequest) -> dict[str, Any]:
        value = request.payload["actions"][0].get("value") or ""
        return supervision.mark_held(store, value, request.user_id, clicked_on(request.payload))

    return {
        ("block_actions", SENIOR_APPROVE): coach_click(senior_coach.approve),
        ("block_actions", SENIOR_NOT_YET): coach_click(senior_coach.not_yet),
        ("block_actions", SUPERVISION_HELD): supervision_held,
    }
