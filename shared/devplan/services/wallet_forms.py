"""A training request written in Slack: `/utveckling kurs` opens a modal showing what is left of
the year's budget; its submission is handled like the platform's `training.requested`
(services/wallet.add_request: recorded, or to the lead), with the modal's view id as the request
id, so the same modal submitted twice is one request."""

from __future__ import annotations

import logging
import re
from datetime import UTC, date, datetime, time
from typing import Any

from devplan.domain.calendar import stockholm_date
from devplan.domain.goals import ACTIVE
from devplan.domain.ids import is_valid_id
from devplan.domain.limits import MAX_TITLE_LENGTH, is_text
from devplan.domain.wallet import TrainingRequest, cost_problem
from devplan.messages.catalog import text
from devplan.messages.wallet_form import wallet_form
from devplan.services.ports import Slack, Store, UnitOfWork
from devplan.services.slack_replies import not_opened, open_modal, own_form
from devplan.services.wallet import add_request

log = logging.getLogger(__name__)
_KRONOR = re.compile(r"[0-9][0-9 \u00a0]{0,12}")  # "4200" or "4 200": whole kronor, nothing else


def open_form(store: Store, slack: Slack, slack_user_id: str, trigger_id: str, on: date) -> dict[str, Any]:
    me = store.employee_with_slack_user(slack_user_id)
    if me is None:
        return not_opened("sv", "status.unknown")
    wallet = store.atomically(lambda uow: uow.wallet(me.employee_id, on.year, me.training_budget_sek))
    goals = tuple(g for g in me.goals.items if g.status in ACTIVE)
    view = wallet_form(
        me.language,
        employee_id=me.employee_id,
        on=on.isoformat(),
        left_sek=wallet.left_sek,
        budget_sek=wallet.budget_sek,
        goals=goals,
    )
    return open_modal(slack, trigger_id, view, me, "wallet form")


def kronor(value: Any) -> int | None:
    """The cost as typed, in whole kronor (None if it is not): digits, maybe grouped by spaces."""
    if not isinstance(value, str) or not _KRONOR.fullmatch(value.strip()):
        return None
    amount = int(re.sub(r"\D", "", value))
    return amount if cost_problem(amount) is None else None


def submit(store: Store, slack_user_id: str, payload: dict[str, Any], now: datetime) -> dict[str, str]:
    """{block_id: problem}, or {} once handled (the modal closes; the answer comes as a DM)."""
    form = own_form(store, slack_user_id, payload, "wallet form")
    values, on, me, lang = form.values, form.on, form.owner, form.lang
    if me is None:
        return {"course": text(lang, "wallet.form_unknown")}
    employee_id = me.employee_id
    errors = {
        f: text(lang, "wallet.form_empty" if not values.get(f) else "wallet.form_too_long")
        for f in ("course", "provider")
        if not is_text(values.get(f), MAX_TITLE_LENGTH)
    }
    cost = kronor(values.get("cost"))
    if cost is None:
        errors["cost"] = text(lang, "wallet.form_cost_invalid")
    if errors or cost is None:
        return errors
    goal_id = values.get("goal") if is_valid_id(values.get("goal")) else None
    # The moment is the day it was written on (a simulated day in the demo): noon there.
    at = now if stockholm_date(now) == on else datetime.combine(on, time(12), UTC)
    request_id = "slack-" + str(payload["view"]["id"]).lower()
    request = TrainingRequest(request_id, values["course"], values["provider"], cost, at, goal_id)

    def work(uow: UnitOfWork) -> str:
        employee = uow.employee(employee_id)
        return add_request(uow, employee, request) if employee else "unknown_employee"

    outcome = store.atomically(work)
    log.info("training request from Slack for %s: %s", employee_id, outcome, extra={"employeeId": employee_id})
    return {}
