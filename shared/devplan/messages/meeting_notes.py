"""The 1:1's notes (pure rendering): the modal opened when the 1:1 is marked held, the notes as
saved (to the pair's conversation), and the agenda's open actions with "Klar" for each.

The modal's block ids are `actions` and `notes`, each element's action_id `value` (as the
other forms'); its private_metadata names whom it was opened for, whose 1:1 and the quarter."""

from __future__ import annotations

import json
from typing import Any

from devplan.domain.calendar import Quarter
from devplan.domain.meeting_notes import MAX_ACTIONS, MAX_NOTES_LENGTH, ActionItem, MeetingNotes
from devplan.messages.blocks import Rendered, buttons, context, header, section
from devplan.messages.catalog import text
from devplan.messages.dates import format_date, quarter_label
from devplan.messages.goal_form import MODAL_TITLE_LIMIT, input_block, plain, text_input

NOTES_FORM = "meeting_notes_form"  # the view's callback_id
NOTE_ACTION_DONE = "note_action_done"  # "Klar" on an agenda's open action
MAX_SHOWN = 8  # open actions listed with a button on one agenda (two blocks each)


def metadata(opened_for: str, employee_id: str, quarter: Quarter, on: str) -> str:
    return json.dumps(
        {"employee_id": opened_for, "of": employee_id, "quarter": quarter.key, "on": on}, separators=(",", ":")
    )


def notes_form(
    lang: str,
    *,
    opened_for: str,
    employee_id: str,
    quarter: Quarter,
    on: str,
    pair: tuple[str, str],
    notes: MeetingNotes | None,
    agreed: tuple[ActionItem, ...],
) -> dict[str, Any]:
    """The modal, pre-filled with what was saved (written again, it replaces that)."""
    label = quarter_label(lang, quarter)
    actions = "\n".join(a.text for a in agreed)
    blocks = [
        section(text(lang, "notes.intro", quarter=label, employee=pair[0], lead=pair[1], most=MAX_ACTIONS)),
        input_block(
            "actions",
            text(lang, "notes.actions"),
            text_input(actions or None, multiline=True, placeholder=text(lang, "notes.actions_placeholder")),
            optional=True,
        ),
        input_block(
            "notes",
            text(lang, "notes.notes"),
            {**text_input(notes.text if notes else None, multiline=True), "max_length": MAX_NOTES_LENGTH},
            optional=True,
        ),
    ]
    return {
        "type": "modal",
        "callback_id": NOTES_FORM,
        "private_metadata": metadata(opened_for, employee_id, quarter, on),
        "title": plain(text(lang, "notes.title")[:MODAL_TITLE_LIMIT]),
        "submit": plain(text(lang, "notes.submit")[:MODAL_TITLE_LIMIT]),
        "close": plain(text(lang, "notes.close")[:MODAL_TITLE_LIMIT]),
        "blocks": blocks,
    }


def saved(lang: str, quarter: Quarter, who: str, notes: MeetingNotes, agreed: tuple[ActionItem, ...]) -> Rendered:
    """The notes as saved, to the pair's conversation (nobody else is in it)."""
    title = text(lang, "notes.saved_title", quarter=quarter_label(lang, quarter))
    parts = [text(lang, "notes.saved_actions") + "\n" + "\n".join(f"• {a.text}" for a in agreed)] if agreed else []
    if notes.text:
        parts.append(text(lang, "notes.saved_notes") + "\n" + notes.text)
    if not parts:
        parts.append(text(lang, "notes.saved_empty"))
    by = text(lang, "notes.saved_by", who=who, date=format_date(lang, notes.written_on))
    blocks = (header(title), *(section(p) for p in parts), context(by))
    return Rendered(f"{title}: " + "; ".join(a.text for a in agreed) if agreed else title, blocks)


def open_actions(lang: str, employee_id: str, quarter: Quarter, items: tuple[ActionItem, ...]) -> list[dict[str, Any]]:
    """The agenda's open actions from earlier 1:1s: each line with its "Klar" button right below
    it (an actions block of its own, as the goals' "Markera som ej uppnått": visible on every
    client, one block id per action), at most MAX_SHOWN (the invite stays under Slack's 50
    blocks), the rest counted."""
    if not items:
        return []
    blocks: list[dict[str, Any]] = [section(text(lang, "notes.agenda_heading"))]
    for item in items[:MAX_SHOWN]:
        blocks.append(
            section(text(lang, "notes.agenda_item", text=item.text, quarter=quarter_label(lang, item.agreed_in)))
        )
        ref = action_ref(employee_id, quarter, item.item_id)
        blocks.append(
            buttons(f"note-action:{item.item_id}", (NOTE_ACTION_DONE, text(lang, "notes.done_button"), ref, None))
        )
    if len(items) > MAX_SHOWN:
        blocks.append(context(text(lang, "notes.agenda_more", count=len(items) - MAX_SHOWN)))
    return blocks


def action_ref(employee_id: str, quarter: Quarter, item_id: str) -> str:
    return f"{employee_id}|{quarter.key}|{item_id}"


def parse_action_ref(value: str) -> tuple[str, Quarter, str]:
    employee_id, quarter_key, item_id = value.split("|")
    return employee_id, Quarter.parse(quarter_key), item_id
