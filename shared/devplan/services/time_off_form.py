"""Time off from App Home: **Ledig** opens a modal (two dates and the kind), **Avboka** cancels one
booked period. The modal's submission goes through the very service of `/utveckling ledig`
(services/time_off.own_request: the same checks, the same answers, the same period id made from
its days, so booking twice is one period); its problems are shown under their fields
(`response_action: errors`) and nothing is written then. Only the person themself books or
cancels their own: a modal submitted by someone else than the one it was opened for, or an
Avboka naming someone else's period, is refused. Booking and cancelling refresh the person's and
the lead's Home (in services/time_off.book and cancel)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Any

from devplan.domain.calendar import stockholm_date
from devplan.domain.ids import is_valid_id
from devplan.domain.limits import parse_day
from devplan.domain.time_off import KINDS, TimeOff
from devplan.errors import InvalidEvent
from devplan.messages.catalog import text
from devplan.messages.time_off_form import TIME_OFF_CANCEL, TIME_OFF_FORM, TIME_OFF_OPEN, error, time_off_form
from devplan.services import time_off
from devplan.services.inputs import SlackRequest, SlackRoute
from devplan.services.ports import Slack, Store
from devplan.services.slack_replies import answer_click, clicked_on, not_opened, open_modal, own_form

ViewAnswer = Callable[[dict[str, str]], dict[str, Any]]


def open_form(store: Store, slack: Slack, slack_user_id: str, trigger_id: str, on: date) -> dict[str, Any]:
    me = store.employee_with_slack_user(slack_user_id)
    if me is None or not me.active:
        return not_opened(me.language if me else "sv", "status.unknown")
    if not trigger_id:
        return not_opened(me.language, "slack_answers.form_failed")
    return open_modal(slack, trigger_id, time_off_form(me.language, employee_id=me.employee_id, on=on), me, "time off")


def submit(store: Store, slack_user_id: str, payload: dict[str, Any], now: datetime) -> dict[str, str]:
    """{block_id: problem} shown in the modal, or {} once booked (the answer comes as a DM)."""
    _check_elements(payload)
    form = own_form(store, slack_user_id, payload, "time off form")
    values, lang, me = form.values, form.lang, form.owner
    if me is None:
        return {"from": text(lang, "time_off_form.not_yours")}
    start, end, kind = parse_day(values.get("from")), parse_day(values.get("to")), values.get("kind")
    not_a_date = text(lang, "time_off_form.errors.not_a_date")
    errors = {field: not_a_date for field, day in (("from", start), ("to", end)) if day is None}
    if kind not in KINDS:
        errors["kind"] = text(lang, "time_off_form.errors.unknown_kind")
    problem = None if errors else time_off.period_problem(start, end, kind)
    if problem is not None:
        errors.update([error(lang, problem)])
    if errors or start is None or end is None or not isinstance(kind, str):
        return errors
    # The moment is the day it was written on (a simulated day in the demo): noon there.
    at = now if stockholm_date(now) == form.on else datetime.combine(form.on, time(12), UTC)
    asked = TimeOff("", start, end, kind, at)
    form_id = str(payload["view"]["id"]).lower()  # the same modal submitted twice: one answer
    reply = (slack_user_id, f"time-off:{me.employee_id}:{form_id}")
    outcome = time_off.own_request(store, me.employee_id, asked, reply=reply)
    return {"from": text(lang, "status.unknown")} if outcome == "unknown" else {}


# What Slack sends for each block of the modal (messages/time_off_form.py): its element's state.
_ELEMENT_STATES = {"from": "selected_date", "to": "selected_date", "kind": "selected_option"}


def _check_elements(payload: dict[str, Any]) -> None:
    """Every block of the modal, each with its own element's state: anything else (a text typed
    where the date picker is, a block missing) was not sent by Slack for this modal."""
    values = payload["view"]["state"]["values"]
    for block_id, state_key in _ELEMENT_STATES.items():
        states = values.get(block_id) or {}
        if not states or any(state_key not in state for state in states.values()):
            raise InvalidEvent(f"time off form: {block_id!r} is not the modal's {state_key}", code="malformed")


def cancel_click(store: Store, slack_user_id: str, value: str, on: date) -> dict[str, Any]:
    employee_id, _, time_off_id = value.partition("|")
    if not is_valid_id(employee_id) or not is_valid_id(time_off_id):
        raise InvalidEvent(f"Avboka button value is malformed: {value!r:.80}", code="malformed")
    outcome, shown = time_off.cancel_by_id(store, slack_user_id, employee_id, time_off_id, on)
    key = f"time-off-cancel:{employee_id}:{time_off_id}:{outcome}"
    return answer_click(store, slack_user_id, key, shown, outcome, (employee_id,))


def time_off_routes(
    store: Store, slack: Slack, clock: Callable[[], datetime], view_answer: ViewAnswer
) -> dict[tuple[str, str], SlackRoute]:
    """Merged into services/slack_routes.py's table."""

    def opened(request: SlackRequest) -> dict[str, Any]:
        trigger_id = request.payload.get("trigger_id") or ""
        return open_form(store, slack, request.user_id, trigger_id, clicked_on(request.payload))

    def cancelled(request: SlackRequest) -> dict[str, Any]:
        value = request.payload["actions"][0].get("value") or ""
        return cancel_click(store, request.user_id, value, clicked_on(request.payload))

    def submitted(request: SlackRequest) -> dict[str, Any]:
        return view_answer(submit(store, request.user_id, request.payload, clock()))

    return {
        ("block_actions", TIME_OFF_OPEN): opened,
        ("block_actions", TIME_OFF_CANCEL): cancelled,
        ("view_submission", TIME_OFF_FORM): submitted,
    }
