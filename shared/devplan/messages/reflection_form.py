"""The reflection modal (pure rendering): what went well, what was hard, next steps, the goals
it is about and who may read it. Block ids are the fields' names (`went_well`, `challenges`,
`next_steps`, `goals`, `visibility`), every element's action_id `value` (as the goal form's).
"""

from __future__ import annotations

import json
from typing import Any

from devplan.domain.calendar import Quarter
from devplan.domain.goals import SmartGoal
from devplan.domain.limits import MAX_REFLECTION_LENGTH
from devplan.domain.reflections import PRIVATE, SHARED
from devplan.messages.blocks import section
from devplan.messages.catalog import text
from devplan.messages.dates import quarter_label
from devplan.messages.goal_form import MODAL_TITLE_LIMIT, input_block, plain, text_input

REFLECTION_FORM = "reflection_form"  # the view's callback_id
TEXT_FIELDS = ("went_well", "challenges", "next_steps")
MAX_SECTION_LENGTH = MAX_REFLECTION_LENGTH  # per field, as the journal webhook takes it
MAX_GOAL_OPTIONS = 10  # Slack's limit on checkboxes; a person has at most 3 active goals


def metadata(employee_id: str, on: str) -> str:
    """`private_metadata`: whose reflection, and the day the modal was opened (its quarter)."""
    return json.dumps({"employee_id": employee_id, "on": on}, separators=(",", ":"))


def reflection_form(
    lang: str, *, employee_id: str, on: str, quarter: Quarter, goals: tuple[SmartGoal, ...], lead: str | None
) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = [section(text(lang, "reflection_form.intro", quarter=quarter_label(lang, quarter)))]
    for field in TEXT_FIELDS:
        element = {**text_input(None, multiline=True), "max_length": MAX_SECTION_LENGTH}
        blocks.append(input_block(field, text(lang, f"reflection_form.{field}"), element, optional=True))
    if goals:
        options = [
            {"text": plain(g.title[:75]), "value": g.goal_id} for g in goals[:MAX_GOAL_OPTIONS]
        ]  # Slack cuts an option's text at 75 characters
        blocks.append(
            input_block(
                "goals", text(lang, "reflection_form.goals"), {"type": "checkboxes", "options": options}, optional=True
            )
        )
    choices = [{"text": plain(text(lang, "reflection_form.private")), "value": PRIVATE}]
    if lead:
        choices.append({"text": plain(text(lang, "reflection_form.shared", lead=lead)), "value": SHARED})
    blocks.append(
        input_block(
            "visibility",
            text(lang, "reflection_form.visibility"),
            {"type": "radio_buttons", "options": choices, "initial_option": choices[0]},
        )
    )
    return {
        "type": "modal",
        "callback_id": REFLECTION_FORM,
        "private_metadata": metadata(employee_id, on),
        "title": plain(text(lang, "reflection_form.title")[:MODAL_TITLE_LIMIT]),
        "submit": plain(text(lang, "reflection_form.submit")[:MODAL_TITLE_LIMIT]),
        "close": plain(text(lang, "reflection_form.close")[:MODAL_TITLE_LIMIT]),
        "blocks": blocks,
    }
