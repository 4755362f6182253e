"""What a Slack interaction tells the person who clicked or submitted, and what it reads.

Slack shows a slash command's HTTP answer to the person, but ignores the answer to a button
click: a click's answer (a polite refusal, "already confirmed") therefore also goes as a DM
through the outbox, once per person and situation (a deterministic id), and the HTTP answer
carries the same text for the command case and for the logs.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from devplan.domain.calendar import stockholm_date
from devplan.domain.employees import Employee
from devplan.domain.ids import is_valid_id
from devplan.domain.limits import is_supported_day, parse_day
from devplan.domain.outbox import REPLY_PREFIX, OutboxMessage, user_key
from devplan.errors import InvalidEvent
from devplan.messages.blocks import one_section
from devplan.messages.catalog import text
from devplan.services.ports import Slack, Store, UnitOfWork

log = logging.getLogger(__name__)


def ephemeral(text: str) -> dict[str, Any]:
    return {"response_type": "ephemeral", "text": text}


def tell(uow: UnitOfWork, slack_user_id: str, key: str, text: str, about: tuple[str, ...] = ()) -> None:
    """A DM to the person who clicked (private to them, as an ephemeral message would be).
    `about`: the employee ids of whoever the text names (domain/outbox.named), for erasure."""
    rendered = one_section(text)
    uow.emit(
        OutboxMessage(
            f"{REPLY_PREFIX}{key}:{user_key(slack_user_id)}",  # once per person, no Slack id in the id
            users=(slack_user_id,),
            text=rendered.text,
            blocks=rendered.blocks,
            topic="answer to a click",
            about=about,
        )
    )


def answer_click(
    store: Store, slack_user_id: str, key: str, text: str, outcome: str, about: tuple[str, ...] = ()
) -> dict[str, Any]:
    store.atomically(lambda uow: tell(uow, slack_user_id, key, text, about))
    return {"outcome": outcome, **ephemeral(text)}


def clicked_on(payload: dict[str, Any]) -> date:
    """The day of a click in Stockholm, from Slack's action timestamp (business time from the
    event: a simulated year clicks on its own days). The decoder checked the timestamp."""
    return stockholm_date(clicked_at(payload))


def clicked_at(payload: dict[str, Any]) -> datetime:
    """When a click happened, by Slack's action timestamp (an audit entry's time)."""
    action = payload["actions"][0]
    stamp = action.get("action_ts") or payload.get("action_ts")
    if not stamp:
        raise InvalidEvent("click carries no action_ts", code="malformed")
    return datetime.fromtimestamp(float(stamp), UTC)


def form_context(payload: dict[str, Any]) -> dict[str, Any]:
    """A submitted view's private_metadata (ours, round-tripped by Slack): a JSON object."""
    try:
        found = json.loads(payload["view"].get("private_metadata") or "")
    except ValueError:
        found = None
    if not isinstance(found, dict):
        raise InvalidEvent("view_submission: private_metadata is not ours", code="malformed")
    return found


def form_subject(payload: dict[str, Any]) -> str | None:
    """Whom a submitted modal is about, read before its route: a 1:1's `of` (its `employee_id` is
    whom it was opened for), else `employee_id`, else the id its button's value starts with (as a
    click's). None when the metadata is not ours: the route itself answers that as malformed."""
    try:
        context = form_context(payload)
    except InvalidEvent:
        return None
    found = context.get("of") or context.get("employee_id") or str(context.get("value") or "").split("|")[0]
    return found if is_valid_id(found) else None


def form_day(context: dict[str, Any]) -> date:
    day = parse_day(context.get("on"))
    if day is None or not is_supported_day(day):
        raise InvalidEvent("view_submission: private_metadata names no day", code="malformed")
    return day


def submitted(payload: dict[str, Any]) -> dict[str, Any]:
    """view.state.values as {block_id: value}: text for a text input or date picker, the
    option's value for a select or radio button, a list of values for checkboxes (the decoder
    checked each shape; a field left empty is None)."""
    values: dict[str, Any] = {}
    for block_id, actions in payload["view"]["state"]["values"].items():
        for state in actions.values():
            if "selected_options" in state:
                values[block_id] = [o["value"] for o in state["selected_options"] or []]
            elif "selected_option" in state:
                values[block_id] = (state["selected_option"] or {}).get("value")
            elif "selected_date" in state:
                values[block_id] = state["selected_date"]
            else:
                value = state.get("value")
                values[block_id] = value.strip() if isinstance(value, str) and value.strip() else None
    return values


def not_opened(lang: str, key: str, **fields: Any) -> dict[str, Any]:
    """A modal that did not open: a note to the person, who simply tries again."""
    return {"opened": False, **ephemeral(text(lang, key, **fields))}


def open_modal(slack: Slack, trigger_id: str, view: dict[str, Any], me: Employee, what: str) -> dict[str, Any]:
    """views.open within the request (the trigger lives 3 s); if Slack refuses (the trigger
    expired), nothing was written and the person is asked to try again."""
    try:
        slack.open_view(trigger_id, view)
    except Exception as exc:
        log.warning("%s not opened for %s: %s", what, me.employee_id, exc, extra={"employeeId": me.employee_id})
        return not_opened(me.language, "slack_answers.form_failed")
    return {"opened": True}


def own_form(store: Store, slack_user_id: str, payload: dict[str, Any], what: str) -> OwnForm:
    """A submitted modal's context, values and day, and its owner if the submitter is the person
    it was opened for (else None: the service answers under a field). Not ours: malformed."""
    context, values = form_context(payload), submitted(payload)
    on, employee_id = form_day(context), context.get("employee_id")
    if not is_valid_id(employee_id):
        raise InvalidEvent(f"{what}: private_metadata is not ours", code="malformed")
    me = store.employee_with_slack_user(slack_user_id)
    owner = me if me is not None and me.employee_id == employee_id else None
    return OwnForm(context, values, on, owner, me.language if me else "sv")


@dataclass(frozen=True)
class OwnForm:
    context: dict[str, Any]
    values: dict[str, Any]
    on: date
    owner: Employee | None
    lang: str
