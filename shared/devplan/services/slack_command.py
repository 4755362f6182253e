"""`/utveckling [ord]`: the command's first word picks what it does (Swedish words first,
English for people who write English), everything else about the command is here.

With no word it answers the asker's plan; `mål`, `reflektera` and `kurs` open a modal and so
need the command's trigger_id (a command without one falls through to the polite "unknown").
Ids and names after the first word are passed on as typed: Slack's mentions are upper case.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from devplan.domain.calendar import stockholm_date
from devplan.messages.catalog import text
from devplan.services import (
    goal_forms,
    history,
    language_choice,
    notes_reading,
    reflection_forms,
    responsibility,
    supervision,
    time_off,
    wallet_forms,
)
from devplan.services.inputs import SlackRequest, SlackRoute
from devplan.services.language import request_language, speaker_language
from devplan.services.plan_status import plan_status_for
from devplan.services.ports import Slack, Store
from devplan.services.slack_replies import ephemeral

GOAL_WORDS, REFLECTION_WORDS = ("mål", "mal", "goal", "goals"), ("reflektera", "reflektion", "reflect")
NOMINATE_WORDS, HISTORY_WORDS = ("utse", "nominate"), ("historik", "history")
SUPERVISOR_WORDS = ("handledare", "supervisor")
COURSE_WORDS = ("kurs", "utbildning", "course", "training")
TIME_OFF_WORDS, NOTES_WORDS = ("ledig", "ledighet", "away", "time-off"), ("anteckningar", "protokoll", "notes")


def utveckling_route(store: Store, slack: Slack, clock: Callable[[], datetime]) -> SlackRoute:
    """`clock`: when the command is typed (a command carries no time of its own)."""

    def today() -> date:
        return stockholm_date(clock())

    def utveckling(request: SlackRequest) -> dict[str, Any]:
        typed = (request.payload.get("text") or "").strip()
        words = typed.lower().split()
        trigger_id = request.payload.get("trigger_id") or ""
        if not words:
            status = plan_status_for(request.user_id, store, today(), request_language(request.payload))
            return {"response_type": "ephemeral", "text": status.text, "blocks": list(status.blocks)}
        if words[0] in GOAL_WORDS and trigger_id:
            return goal_forms.open_new(store, slack, request.user_id, trigger_id, today())
        if words[0] in SUPERVISOR_WORDS:  # the mentions' ids are upper case: the text as typed
            return supervision.assign_command(store, request.user_id, request.payload.get("text") or "")
        if words[0] in REFLECTION_WORDS and trigger_id:
            return reflection_forms.open_form(store, slack, request.user_id, trigger_id, today())
        rest = typed[len(words[0]) :]  # as typed: ids and names keep case
        if words[0] in NOMINATE_WORDS:
            return responsibility.nominate_command(store, request.user_id, rest, clock())
        if words[0] in HISTORY_WORDS:
            return history.history_command(store, request.user_id, rest)
        if words[0] in TIME_OFF_WORDS:
            return time_off.command(store, request.user_id, words[1:], clock())
        if words[0] in NOTES_WORDS:
            return notes_reading.show(store, request.user_id, rest, today())
        if words[0] in language_choice.LANGUAGE_WORDS:
            return language_choice.command(store, request.user_id, words[1:], today())
        if words[0] in COURSE_WORDS and trigger_id:
            return wallet_forms.open_form(store, slack, request.user_id, trigger_id, today())
        lang = speaker_language(store, request.user_id, request.payload)
        return ephemeral(text(lang, "slack_answers.unknown_command"))

    return utveckling
