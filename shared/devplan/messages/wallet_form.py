"""The training-request modal (pure rendering): course, provider, cost in whole kronor and,
optionally, the goal it serves, with what is left of the year's budget shown at the top. Block
ids are the fields' names (`course`, `provider`, `cost`, `goal`); `private_metadata` says whose
request and the day the modal was opened (its year)."""

from __future__ import annotations

import json
from typing import Any

from devplan.domain.goals import SmartGoal
from devplan.domain.limits import MAX_TITLE_LENGTH
from devplan.messages.blocks import section
from devplan.messages.catalog import format_sek, text
from devplan.messages.goal_form import MODAL_TITLE_LIMIT, input_block, plain, text_input

WALLET_FORM = "wallet_form"  # the view's callback_id
MAX_GOAL_OPTIONS = 10


def wallet_form(
    lang: str, *, employee_id: str, on: str, left_sek: int, budget_sek: int, goals: tuple[SmartGoal, ...]
) -> dict[str, Any]:
    intro = text(lang, "wallet.form_intro", left=format_sek(lang, left_sek), budget=format_sek(lang, budget_sek))
    blocks: list[dict[str, Any]] = [section(intro)]
    for field in ("course", "provider"):
        element = {**text_input(None), "max_length": MAX_TITLE_LENGTH}
        blocks.append(input_block(field, text(lang, f"wallet.form_{field}"), element))
    cost = text_input(None, placeholder=text(lang, "wallet.form_cost_placeholder"))
    blocks.append(input_block("cost", text(lang, "wallet.form_cost"), cost))
    if goals:
        options = [{"text": plain(g.title[:75]), "value": g.goal_id} for g in goals[:MAX_GOAL_OPTIONS]]
        select = {"type": "static_select", "options": options}
        blocks.append(input_block("goal", text(lang, "wallet.form_goal"), select, optional=True))
    return {
        "type": "modal",
        "callback_id": WALLET_FORM,
        "private_metadata": json.dumps({"employee_id": employee_id, "on": on}, separators=(",", ":")),
        "title": plain(text(lang, "wallet.form_title")[:MODAL_TITLE_LIMIT]),
        "submit": plain(text(lang, "wallet.form_submit")[:MODAL_TITLE_LIMIT]),
        "close": plain(text(lang, "wallet.form_close")[:MODAL_TITLE_LIMIT]),
        "blocks": blocks,
    }
