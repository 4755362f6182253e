"""The quarterly cycle's reminders (cycle_actions.ACTIONS names them): goals not set or not
agreed, the 1:1 not held, the weekly reflection nudge, a funding draft's deadline. Each sends one
message through the Turn (its outbox id makes it once) and returns the cycle record, or None
while its message cannot be sent yet (someone has no Slack account): a later tick tries again."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from devplan.domain.calendar import business_days_between
from devplan.domain.cycle import Action, opening_day
from devplan.domain.cycle_record import CycleRecord
from devplan.domain.goals import EMPLOYEE, LEAD
from devplan.domain.quarter_close import waiting_goals
from devplan.messages import cycle as render
from devplan.messages import funding as funding_render
from devplan.messages.dates import quarter_label

if TYPE_CHECKING:  # cycle_actions imports this module for its table
    from devplan.services.cycle_actions import Turn

_NUDGE = {LEAD: "goal_nudge_proposed", EMPLOYEE: "goal_nudge_to_agree", "revise": "revision_nudge"}
_OVERDUE = {
    LEAD: "goal_overdue_lead_proposed",
    EMPLOYEE: "goal_overdue_lead_to_agree",
    "revise": "revision_overdue_lead",
}


def goal_nudge(turn: Turn, action: Action, cycle: CycleRecord) -> CycleRecord | None:
    """To the person; a proposal not agreed yet counts as not set, and the nudge says who it waits for."""
    waiting = waiting_goals(turn.employee.goals, turn.quarter)
    key = _NUDGE.get(waiting, "goal_nudge") if turn.lead else "goal_nudge_no_lead"
    rendered = render.line(
        turn.lang,
        f"reminder.{key}",
        first_name=turn.employee.first_name,
        deadline=action.deadline,
        lead=turn.lead.name if turn.lead else None,
    )
    return cycle if turn.send(action, (turn.me,), rendered, "goal nudge") else None


def goal_overdue(turn: Turn, action: Action, cycle: CycleRecord) -> CycleRecord | None:
    if turn.lead is None:
        return goal_nudge(turn, action, cycle)
    key = _OVERDUE.get(waiting_goals(turn.employee.goals, turn.quarter), "goal_overdue_lead")
    lang = turn.lead.language
    rendered = render.line(lang, f"reminder.{key}", employee=turn.employee.name, deadline=action.deadline)
    return cycle if turn.send(action, (turn.boss,), rendered, "goals overdue → lead", lang) else None


def review_reminder(turn: Turn, action: Action, cycle: CycleRecord) -> CycleRecord | None:
    rendered = render.line(turn.lang, "reminder.review_reminder", quarter=quarter_label(turn.lang, turn.quarter))
    return cycle if turn.send(action, (turn.me, turn.boss), rendered, "1:1 reminder") else None


def review_escalation(turn: Turn, action: Action, cycle: CycleRecord) -> CycleRecord | None:
    weeks = business_days_between(opening_day(turn.quarter), turn.today) // 5
    lang = turn.lead.language if turn.lead else turn.lang  # to the lead alone
    rendered = render.line(
        lang,
        "reminder.review_escalation",
        weeks=weeks,
        employee=turn.employee.name,
        quarter=quarter_label(lang, turn.quarter),
    )
    return cycle if turn.send(action, (turn.boss,), rendered, "1:1 escalation → lead", lang) else None


def reflection_nudge(turn: Turn, action: Action, cycle: CycleRecord) -> CycleRecord | None:
    rendered = render.line(
        turn.lang, "reminder.reflection_nudge", first_name=turn.employee.first_name, quarter_end=turn.quarter.end
    )
    if not turn.send(action, (turn.me,), rendered, "reflection nudge"):
        return None
    return replace(cycle, last_reflection_nudge=turn.today)


def funding_reminder(turn: Turn, action: Action, cycle: CycleRecord) -> CycleRecord | None:
    """A draft's deadline is near: to the person, and recorded on the application (once each)."""
    book = turn.employee.funding
    reminder = next((r for r in book.reminders_due(turn.today) if r.key == action.key), None)
    if reminder is None:
        return cycle
    application = book.applications[reminder.application_id]
    rendered = funding_render.reminder(
        turn.lang, first_name=turn.employee.first_name, application=application, days=reminder.days
    )
    if not turn.send(action, (turn.me,), rendered, "funding deadline reminder"):
        return None
    turn.employee = replace(turn.employee, funding=book.reminded(reminder))
    turn.uow.save_funding(turn.employee.employee_id, turn.employee.funding)
    return cycle
