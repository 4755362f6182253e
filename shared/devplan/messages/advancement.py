"""Slack messages of Senior Coach and supervision (pure rendering): the question to the lead
with its evidence and Godkänn / Inte än, the recognition posts, the monthly supervision nudge.
Button values name the coach and the round (`coach|round`) or month (`coach|YYYY-MM`)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from devplan.domain.advancement import Criteria
from devplan.domain.employees import Employee
from devplan.messages.blocks import Rendered, buttons, context, section
from devplan.messages.catalog import text
from devplan.messages.goal_form import MODAL_TITLE_LIMIT, input_block, plain, text_input

SENIOR_APPROVE, SENIOR_NOT_YET = "senior_coach_approve", "senior_coach_not_yet"
SUPERVISION_HELD = "supervision_held"
NOT_YET_FORM = "senior_coach_not_yet_form"  # the view's callback_id: Inte än with an optional reason
MAX_REASON_LENGTH = 1000


@dataclass(frozen=True)
class Evidence:
    """What the lead sees before deciding."""

    sessions: int
    months: int
    goals_achieved: tuple[str, ...]
    criteria: Criteria


def mention(person: Employee) -> str:
    return f"<@{person.slack_user_id}>" if person.slack_user_id else f"*{person.name}*"


def _plain(line: str) -> str:
    return line.replace("*", "")


def ask(lang: str, *, coach: Employee, evidence: Evidence, value: str) -> Rendered:
    line = text(
        lang,
        "advancement.ask",
        coach=coach.name,
        sessions=evidence.sessions,
        required_sessions=evidence.criteria.sessions,
        months=evidence.months,
        required_months=evidence.criteria.months,
    )
    goals = (
        text(lang, "advancement.goals_achieved", goals=", ".join(evidence.goals_achieved))
        if evidence.goals_achieved
        else text(lang, "advancement.no_goals_achieved")
    )
    blocks = [section(line), context(goals)]
    blocks.append(
        buttons(
            f"senior-coach:{value}",
            (SENIOR_APPROVE, text(lang, "advancement.approve"), value, "primary"),
            (SENIOR_NOT_YET, text(lang, "advancement.not_yet"), value, None),
        )
    )
    return Rendered(_plain(line), tuple(blocks))


def recognition(lang: str, *, person: Employee, sessions: int, months: int) -> Rendered:
    line = text(lang, "advancement.recognition", person=mention(person), sessions=sessions, months=months)
    return Rendered(_plain(line), (section(line),))


def line(lang: str, key: str, **fields: Any) -> Rendered:
    shown = text(lang, key, **fields)
    return Rendered(_plain(shown), (section(shown),))


def supervision_nudge(lang: str, *, coach: Employee, supervisor: Employee, value: str) -> Rendered:
    shown = text(lang, "supervision.nudge", coach=mention(coach), supervisor=mention(supervisor))
    button = (SUPERVISION_HELD, text(lang, "supervision.held_button"), value, "primary")
    return Rendered(_plain(shown), (section(shown), buttons(f"supervision:{value}", button)))


def not_yet_form(lang: str, *, coach: str, value: str, on: str) -> dict[str, Any]:
    """Inte än's modal: one optional reason; `private_metadata` carries the button's value and the day."""
    reason = {**text_input(None, multiline=True), "max_length": MAX_REASON_LENGTH}
    return {
        "type": "modal",
        "callback_id": NOT_YET_FORM,
        "private_metadata": json.dumps({"value": value, "on": on}, separators=(",", ":")),
        "title": plain(text(lang, "advancement.not_yet_title")[:MODAL_TITLE_LIMIT]),
        "submit": plain(text(lang, "advancement.not_yet_submit")[:MODAL_TITLE_LIMIT]),
        "blocks": [
            section(f"*{coach}*"),
            input_block("reason", text(lang, "advancement.not_yet_reason"), reason, optional=True),
        ],
    }
