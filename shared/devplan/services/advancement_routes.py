"""Slack routes of Senior Coach and supervision (services/slack_routes.py merges them in).

Inte än opens a modal with one optional reason when the lead clicks it with a trigger_id; its
submission records the decision. Anyone else's click, a click without a trigger_id or a modal
that cannot be opened records (or refuses) at once, as a plain button would."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from devplan.domain.advancement import SENIOR_COACH, ask_round
from devplan.domain.calendar import stockholm_date
from devplan.messages.advancement import (
    MAX_REASON_LENGTH,
    NOT_YET_FORM,
    SENIOR_APPROVE,
    SENIOR_NOT_YET,
    SUPERVISION_HELD,
    not_yet_form,
)
from devplan.services import senior_coach, supervision
from devplan.services.inputs import SlackRequest, SlackRoute
from devplan.services.leads import active_lead
from devplan.services.ports import Slack, Store
from devplan.services.slack_replies import clicked_at, clicked_on, form_context, form_day, submitted

log = logging.getLogger(__name__)
ViewAnswer = Callable[[dict[str, str]], dict[str, Any]]


def advancement_routes(store: Store, slack: Slack, view_answer: ViewAnswer) -> dict[tuple[str, str], SlackRoute]:
    def click_of(request: SlackRequest) -> senior_coach.Click:
        value = request.payload["actions"][0].get("value") or ""
        at = clicked_at(request.payload)
        return senior_coach.read_click(value, request.user_id, stockholm_date(at), at=at)

    def approve(request: SlackRequest) -> dict[str, Any]:
        return senior_coach.approve(store, click_of(request))

    def not_yet(request: SlackRequest) -> dict[str, Any]:
        click, trigger_id = click_of(request), request.payload.get("trigger_id") or ""
        coach = store.employee(click.coach_id)
        lead = active_lead(store, coach) if coach else None  # only a lead decides
        asked = (
            coach is not None and coach.level != SENIOR_COACH and click.round == ask_round(coach.senior_coach_not_yet)
        )
        if not (trigger_id and coach and lead and lead.slack_user_id == click.slack_user_id and asked):
            return senior_coach.not_yet(store, click)  # refused or answered "already" at once
        value = f"{click.coach_id}|{click.round}"
        try:
            slack.open_view(trigger_id, not_yet_form(lead.language, coach=coach.name, value=value, on=str(click.on)))
        except Exception as exc:  # the modal is a nicety: record without a reason
            log.warning("Inte än form not opened for %s: %s", click.coach_id, exc)
            return senior_coach.not_yet(store, click)
        return {"opened": True}

    def not_yet_submitted(request: SlackRequest) -> dict[str, Any]:
        context = form_context(request.payload)
        reason = submitted(request.payload).get("reason")
        on = form_day(context)
        value = str(context.get("value") or "")
        # Slack keeps the field within max_length; a longer one (not from Slack) is cut, not refused
        senior_coach.not_yet(
            store, senior_coach.read_click(value, request.user_id, on, reason and reason[:MAX_REASON_LENGTH])
        )
        return view_answer({})

    def supervision_held(request: SlackRequest) -> dict[str, Any]:
        value = request.payload["actions"][0].get("value") or ""
        return supervision.mark_held(store, value, request.user_id, clicked_on(request.payload))

    return {
        ("block_actions", SENIOR_APPROVE): approve,
        ("block_actions", SENIOR_NOT_YET): not_yet,
        ("view_submission", NOT_YET_FORM): not_yet_submitted,
        ("block_actions", SUPERVISION_HELD): supervision_held,
    }
