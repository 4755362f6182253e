"""A reflection written in Slack: `/utveckling reflektera` (or the reflection nudge's button)
opens a modal; its submission is kept like a journal reflection (services/journal.record) and
counts for the quarter the same way, so the nudges stop."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time
from typing import Any

from devplan.domain.calendar import Quarter, stockholm_date
from devplan.domain.goals import ACHIEVED, ACTIVE
from devplan.domain.ids import is_valid_id
from devplan.domain.reflections import VISIBILITIES, Reflection
from devplan.errors import InvalidEvent
from devplan.messages.catalog import text
from devplan.messages.reflection_form import MAX_SECTION_LENGTH, TEXT_FIELDS, reflection_form
from devplan.services.journal import record
from devplan.services.leads import active_lead
from devplan.services.ports import Slack, Store, UnitOfWork
from devplan.services.slack_replies import not_opened, open_modal, own_form

log = logging.getLogger(__name__)


def open_form(store: Store, slack: Slack, slack_user_id: str, trigger_id: str, on: date) -> dict[str, Any]:
    me = store.employee_with_slack_user(slack_user_id)
    if me is None:
        return not_opened("sv", "status.unknown")
    quarter = Quarter.of(on)
    lead = active_lead(store, me)
    goals = tuple(g for g in me.goals.current(quarter) if g.status in (*ACTIVE, ACHIEVED))
    view = reflection_form(
        me.language,
        employee_id=me.employee_id,
        on=on.isoformat(),
        quarter=quarter,
        goals=goals,
        lead=lead.name if lead else None,
    )
    return open_modal(slack, trigger_id, view, me, "reflection form")


def submit(store: Store, slack_user_id: str, payload: dict[str, Any], now: datetime) -> dict[str, str]:
    """{block_id: problem}, or {} once kept. The entry id is the modal's view id: the same modal
    submitted twice is one reflection."""
    form = own_form(store, slack_user_id, payload, "reflection form")
    values, on, me, lang = form.values, form.on, form.owner, form.lang
    if me is None:
        return {"visibility": text(lang, "goal_form.errors.unknown")}
    sections = {f: values.get(f) for f in TEXT_FIELDS}
    if not any(sections.values()):
        return {TEXT_FIELDS[0]: text(lang, "reflection_form.errors.empty")}
    too_long = {
        f: text(lang, "reflection_form.errors.too_long")
        for f, v in sections.items()
        if v and len(v) > MAX_SECTION_LENGTH
    }
    if too_long:
        return too_long
    visibility = values.get("visibility") or "private"
    goal_ids = tuple(g for g in values.get("goals") or () if is_valid_id(g))
    if visibility not in VISIBILITIES:
        raise InvalidEvent("reflection form: visibility is not one of ours", code="malformed")
    # The moment is the day it was written on (a simulated day in the demo): noon there.
    occurred = now if stockholm_date(now) == on else datetime.combine(on, time(12), UTC)
    entry_id = "slack-" + str(payload["view"]["id"]).lower()
    reflection = Reflection(
        me.employee_id,
        entry_id,
        occurred,
        on,
        goal_ids,
        went_well=sections["went_well"],
        challenges=sections["challenges"],
        next_steps=sections["next_steps"],
        visibility=visibility,
        source="slack",
    )

    def work(uow: UnitOfWork) -> str:
        return record(uow, reflection)

    outcome = store.atomically(work)
    log.info("reflection from Slack for %s: %s", me.employee_id, outcome, extra={"employeeId": me.employee_id})
    return {}
