"""Slack routes of the 1:1 notes (services/slack_routes.py merges them in): "Klar" on an
agenda's open action, and the notes modal's submission. A click Slack ignores the answer to:
a refusal or "already ticked off" also goes as a DM to the clicker (slack_replies.answer_click)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from devplan.domain.outbox import named
from devplan.messages.catalog import text
from devplan.messages.meeting_notes import NOTE_ACTION_DONE, NOTES_FORM, parse_action_ref
from devplan.services import meeting_notes
from devplan.services.inputs import SlackRequest, SlackRoute
from devplan.services.ports import Store
from devplan.services.slack_replies import answer_click, clicked_on

ViewAnswer = Callable[[dict[str, str]], dict[str, Any]]


def notes_routes(store: Store, view_answer: ViewAnswer) -> dict[tuple[str, str], SlackRoute]:
    def done(request: SlackRequest) -> dict[str, Any]:
        value = request.payload["actions"][0].get("value") or ""
        outcome = meeting_notes.tick(store, value, request.user_id, clicked_on(request.payload))
        if outcome not in ("not_a_participant", "already_done"):
            return {"outcome": outcome}
        clicker = store.employee_with_slack_user(request.user_id)
        lang = clicker.language if clicker else "sv"
        employee_id, _, item_id = parse_action_ref(value)
        pair = meeting_notes.pair_of(store, employee_id)
        if outcome == "already_done" or pair is None:
            shown = text(lang, "notes.already_done")
        else:
            shown = text(lang, "notes.not_yours", employee=pair[0].name, lead=pair[1].name)
        key, about = f"note:{outcome}:{employee_id}:{item_id}", named(*pair) if pair else ()
        return answer_click(store, request.user_id, key, shown, outcome, about)

    def submitted(request: SlackRequest) -> dict[str, Any]:
        return view_answer(meeting_notes.submit(store, request.user_id, request.payload))

    return {("block_actions", NOTE_ACTION_DONE): done, ("view_submission", NOTES_FORM): submitted}
