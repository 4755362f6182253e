"""The SMART goal modal (pure rendering). Each field is an `input` block whose block_id is the
field's name in domain/smart.check_draft (its Problem.field), so a problem is shown next to
its own input (`response_action: errors`); every element's action_id is `value`.

What the modal is about (whose goal, which quarter, a change of which proposal, the day it
was opened) travels in `private_metadata`, which Slack hands back untouched on submission.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from devplan.domain.calendar import Quarter
from devplan.domain.goals import SmartGoal
from devplan.domain.metrics import SOURCES
from devplan.messages.blocks import section
from devplan.messages.catalog import text
from devplan.messages.dates import format_date, quarter_label
from devplan.messages.goals import OPEN_GOAL_FORM, OPEN_REFLECTION_FORM

GOAL_FORM = "goal_form"  # the view's callback_id
VALUE = "value"  # every element's action_id
NO_SOURCE = "none"  # the select's option for "no live source"
# Field names as check_draft reads them; the date is "due" in the view and in a Problem.
FIELDS = ("outcome", "metric", "baseline", "target", "unit", "source", "plan", "relevance", "due", "note")
MODAL_TITLE_LIMIT = 24  # Slack's limit on a modal's title, submit and close labels
HINT_LIMIT = 2000


@dataclass(frozen=True)
class GoalFormContext:
    """`private_metadata`: whose goal, proposed by which side, in which quarter, on which day;
    `goal_id` set when changing a proposal."""

    employee_id: str
    by: str  # "employee" | "lead"
    on: str  # the day the modal was opened, YYYY-MM-DD: its quarter is the new goal's
    goal_id: str = ""  # the proposal being changed (its quarter is its own)

    def dumps(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))


def plain(value: str) -> dict[str, str]:
    return {"type": "plain_text", "text": value}


def input_block(
    block_id: str, label: str, element: dict[str, Any], *, optional: bool = False, hint: str | None = None
) -> dict[str, Any]:
    block: dict[str, Any] = {
        "type": "input",
        "block_id": block_id,
        "label": plain(label[:2000]),
        "element": {**element, "action_id": VALUE},
        "optional": optional,
    }
    if hint:
        block["hint"] = plain(hint[:HINT_LIMIT])
    return block


def text_input(initial: str | None, *, multiline: bool = False, placeholder: str | None = None) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "plain_text_input", "multiline": multiline}
    if initial:
        element["initial_value"] = initial
    if placeholder:
        element["placeholder"] = plain(placeholder[:150])
    return element


def _option(lang: str, source: str) -> dict[str, Any]:
    return {"text": plain(text(lang, f"goals.source_option.{source}")), "value": source}


def goal_form(
    lang: str,
    context_: GoalFormContext,
    quarter: Quarter,
    *,
    other: str | None,
    resources: str,
    goal: SmartGoal | None = None,
) -> dict[str, Any]:
    """The modal. `other`: who agrees next (None: nobody, the person has no lead); `goal`: the
    proposal being changed (its fields pre-filled, and a note on what was changed)."""
    label = quarter_label(lang, quarter)
    draft, measure = (goal.draft, goal.draft.measure) if goal else (None, None)
    if goal is not None:
        intro = text(lang, "goal_form.intro_change", quarter=label, other=other or "")
    elif other:
        intro = text(lang, "goal_form.intro", quarter=label, other=other)
    else:
        intro = text(lang, "goal_form.intro_self", quarter=label)
    source = _option(lang, measure.source) if measure and measure.source else None
    due: dict[str, Any] = {"type": "datepicker"}
    if draft and draft.due:
        due["initial_date"] = draft.due.isoformat()
    select: dict[str, Any] = {"type": "static_select", "options": [_option(lang, s) for s in (NO_SOURCE, *SOURCES)]}
    if source:
        select["initial_option"] = source
    blocks = [
        section(intro),
        input_block(
            "outcome",
            text(lang, "goal_form.outcome"),
            text_input(draft.outcome if draft else None),
            hint=text(lang, "goal_form.outcome_hint"),
        ),
        input_block(
            "metric",
            text(lang, "goal_form.metric"),
            text_input(measure.metric if measure else None),
            hint=text(lang, "goal_form.metric_hint"),
        ),
        input_block(
            "baseline",
            text(lang, "goal_form.baseline"),
            text_input(str(measure.baseline) if measure else None, placeholder="0"),
            optional=True,
        ),
        input_block("target", text(lang, "goal_form.target"), text_input(str(measure.target) if measure else None)),
        input_block(
            "unit",
            text(lang, "goal_form.unit"),
            text_input(measure.unit if measure else None, placeholder=text(lang, "goal_form.unit_hint")),
            optional=True,
        ),
        input_block("source", text(lang, "goal_form.source"), select, optional=True),
        input_block(
            "plan",
            text(lang, "goal_form.plan"),
            text_input(draft.plan if draft else None, multiline=True),
            hint=text(lang, "goal_form.plan_hint", resources=resources),
        ),
        input_block(
            "relevance",
            text(lang, "goal_form.relevance"),
            text_input(draft.relevance if draft else None, multiline=True),
        ),
        input_block("due", text(lang, "goal_form.due"), due),
    ]
    if goal is not None:
        blocks.append(input_block("note", text(lang, "goal_form.note"), text_input(None, multiline=True)))
    return {
        "type": "modal",
        "callback_id": GOAL_FORM,
        "private_metadata": context_.dumps(),
        "title": plain(text(lang, "goal_form.title_change" if goal else "goal_form.title")[:MODAL_TITLE_LIMIT]),
        "submit": plain(text(lang, "goal_form.submit")[:MODAL_TITLE_LIMIT]),
        "close": plain(text(lang, "goal_form.close")[:MODAL_TITLE_LIMIT]),
        "blocks": blocks,
    }


def open_buttons(lang: str, *, for_id: str = "", reflection: bool = False) -> dict[str, Any]:
    """An actions block with "Föreslå ett mål" (and "Skriv en reflektion"): the welcome's and the
    quarter's messages. `for_id`: whose goal, in a message to both the person and their lead
    (the lead's click then proposes for them); empty: the clicker's own."""
    goal: dict[str, Any] = {
        "type": "button",
        "action_id": OPEN_GOAL_FORM,
        "text": plain(text(lang, "goal_form.open_button")),
        "style": "primary",
    }
    if for_id:
        goal["value"] = for_id
    elements = [goal]
    if reflection:
        elements.append(
            {
                "type": "button",
                "action_id": OPEN_REFLECTION_FORM,
                "text": plain(text(lang, "reflection_form.open_button")),
            }
        )
    return {"type": "actions", "block_id": "plan-forms", "elements": elements}


def draft_fields(values: dict[str, Any]) -> dict[str, Any]:
    """The submitted values (services/goal_forms.submitted) as check_draft's fields."""
    source = values.get("source")
    return {
        "outcome": values.get("outcome"),
        "metric": values.get("metric"),
        "baseline": values.get("baseline"),
        "target": values.get("target"),
        "unit": values.get("unit"),
        "source": None if source in (None, NO_SOURCE) else source,
        "plan": values.get("plan"),
        "relevance": values.get("relevance"),
        "dueDate": values.get("due"),
    }


def error_text(lang: str, code: str, *, quarter: Quarter, first: date | None = None, **fields: Any) -> str:
    """One problem as the modal shows it under its field."""
    label = quarter_label(lang, quarter)
    shown_first = format_date(lang, first or quarter.start)
    return text(
        lang,
        f"goal_form.errors.{code}",
        quarter=label,
        first=shown_first,
        last=format_date(lang, quarter.end),
        **fields,
    )
