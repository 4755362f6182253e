"""The time-off modal opened from App Home's **Ledig** button (pure rendering): two date pickers
(from, to) and the kind (semester / föräldraledig / annat). Block ids are the fields' names
(`from`, `to`, `kind`), each element's action_id `value` as the other forms'; the kinds' values
are domain/time_off's. `private_metadata` says whose time off and the day it was opened."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from devplan.domain.time_off import KINDS, MAX_PERIOD_DAYS, VACATION
from devplan.messages.blocks import section
from devplan.messages.catalog import text
from devplan.messages.goal_form import MODAL_TITLE_LIMIT, input_block, plain

TIME_OFF_FORM = "time_off_form"  # the view's callback_id
TIME_OFF_OPEN = "time_off_open"  # App Home's Ledig button: opens the modal
TIME_OFF_CANCEL = "time_off_cancel"  # App Home's Avboka on one period: value "employee|time off id"
FIELDS = ("from", "to", "kind")


def kind_option(lang: str, kind: str) -> dict[str, Any]:
    return {"text": plain(text(lang, f"time_off_form.kind.{kind}")), "value": kind}


def time_off_form(lang: str, *, employee_id: str, on: date) -> dict[str, Any]:
    """The modal, the dates starting on the day it is opened (the usual case: from today)."""
    picker = {"type": "datepicker", "initial_date": on.isoformat()}
    kinds = {
        "type": "static_select",
        "options": [kind_option(lang, k) for k in KINDS],
        "initial_option": kind_option(lang, VACATION),
    }
    blocks = [
        section(text(lang, "time_off_form.intro", most=MAX_PERIOD_DAYS)),
        input_block("from", text(lang, "time_off_form.from"), picker),
        input_block("to", text(lang, "time_off_form.to"), picker),
        input_block("kind", text(lang, "time_off_form.kind_label"), kinds),
    ]
    return {
        "type": "modal",
        "callback_id": TIME_OFF_FORM,
        "private_metadata": json.dumps({"employee_id": employee_id, "on": on.isoformat()}, separators=(",", ":")),
        "title": plain(text(lang, "time_off_form.title")[:MODAL_TITLE_LIMIT]),
        "submit": plain(text(lang, "time_off_form.submit")[:MODAL_TITLE_LIMIT]),
        "close": plain(text(lang, "time_off_form.close")[:MODAL_TITLE_LIMIT]),
        "blocks": blocks,
    }


def error(lang: str, problem: str) -> tuple[str, str]:
    """(block id, text) of a problem of services/time_off.period_problem, or of the form itself."""
    field = {"to_before_from": "to", "too_long": "to", "unknown_kind": "kind"}.get(problem, "from")
    return field, text(lang, f"time_off_form.errors.{problem}", most=MAX_PERIOD_DAYS)
