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
from devplan.services.ports import Slack, Store, UnitOfWork
from devplan.services.slack_replies import form_context, form_day, submitted

log = logging.getLogger(__name__)


def open_form(store: Store, slack: Slack, slack_user_id: str, trigger_id: str, on: date) -> dict[str, Any]:
    me = store.employee_with_slack_user(slack_user_id)
    if me is None:
        return {"opened": False, "response_type": "ephemeral", "text": text("sv", "status.unknown")}
    quarter = Quarter.of(on)
    lead = store.employee(me.lead_id) if me.lead_id else None
    goals = tuple(g for g in me.goals.current(quarter) if g.status in (*ACTIVE, ACHIEVED))
    view = reflection_form(
        me.language,
        employee_id=me.employee_id,
        on=on.isoformat(),
        quarter=quarter,
        goals=goals,
        lead=lead.name if lead else None,
    )
    try:
        slack.open_view(trigger_id, view)
    except Exception as exc:  # nothing was written: the person simply tries again
        log.warning("reflection form not opened for %s: %s", me.employee_id, exc, extra={"employeeId": me.employee_id})
        return {"opened": False, "response_type": "ephemeral", "text": text(me.language, "slack_answers.form_failed")}
    return {"opened": True}


def submit(store: Store, slack_user_id: str, payload: dict[str, Any], now: datetime) -> dict[str, str]:
    """{block_id: problem}, or {} once kept. The entry id is the modal's view id: the same modal
    submitted twice is one reflection."""
    context, values = form_context(payload), submitted(payload)
    on, employee_id = form_day(context), context.get("employee_id")
    if not is_valid_id(employee_id):
        raise InvalidEvent("reflection form: private_metadata is not ours", code="malformed")
    me = store.employee_with_slack_user(slack_user_id)
    lang = me.language if me else "sv"
    if me is None or me.employee_id != employee_id:
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
