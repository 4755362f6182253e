"""The SMART goal modal: opened from `/utveckling mål`, the welcome's and the quarter's
"Föreslå ett mål" button and a proposal's "Föreslå ändring"; its submission checked field by
field in the modal itself (`response_action: errors`), and only a goal without problems is
proposed to the other side (goal_notices.proposal) in one transaction.

Opening reads, then calls views.open (the trigger_id lives 3 s: the one direct Slack call);
a submission writes nothing unless it is accepted.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from devplan.domain.calendar import Quarter
from devplan.domain.employees import Employee
from devplan.domain.goals import EMPLOYEE, LEAD, PROPOSED
from devplan.domain.ids import is_valid_id
from devplan.domain.limits import MAX_MEASURE_LENGTH, is_text
from devplan.domain.smart import check_draft
from devplan.errors import InvalidEvent
from devplan.messages.catalog import text
from devplan.messages.goal_form import GoalFormContext, draft_fields, error_text, goal_form
from devplan.messages.goals import parse_goal_ref
from devplan.services import goal_notices as notices
from devplan.services.goals import lead_of, save_plan
from devplan.services.leads import active_lead
from devplan.services.ports import Slack, Store, UnitOfWork
from devplan.services.slack_replies import form_context, form_day, not_opened, open_modal, submitted

log = logging.getLogger(__name__)
Answer = dict[str, Any]


def _resources(employee: Employee) -> str:
    return text(employee.language, f"resources.{employee.role}")


def _open(slack: Slack, trigger_id: str, view: dict[str, Any], me: Employee) -> Answer:
    return open_modal(slack, trigger_id, view, me, "goal form")


def open_new(store: Store, slack: Slack, slack_user_id: str, trigger_id: str, on: date, for_id: str = "") -> Answer:
    """A new goal: the person's own (`/utveckling mål`, their button), or, when a lead opens it
    from a 1:1 message naming someone they lead (`for_id`), the lead's proposal for them."""
    me = store.employee_with_slack_user(slack_user_id)
    if me is None:
        return not_opened("sv", "status.unknown")
    employee, by = me, EMPLOYEE
    if for_id and for_id != me.employee_id:
        other = store.employee(for_id) if is_valid_id(for_id) else None
        if other is None or other.lead_id != me.employee_id:
            employee = me  # not theirs to propose for: their own form instead
        else:
            employee, by = other, LEAD
    lead = active_lead(store, employee)
    agrees = (lead.name if lead else None) if by == EMPLOYEE else employee.name
    context = GoalFormContext(employee.employee_id, by, on.isoformat())
    view = goal_form(me.language, context, Quarter.of(on), other=agrees, resources=_resources(employee))
    return _open(slack, trigger_id, view, me)


def open_change(store: Store, slack: Slack, slack_user_id: str, trigger_id: str, ref: str, on: date) -> Answer:
    """ "Föreslå ändring" on a proposal: the form pre-filled, for the side asked to agree."""
    try:
        employee_id, goal_id, quarter = parse_goal_ref(ref)
    except ValueError:
        raise InvalidEvent(f"goal button value is malformed: {ref!r:.80}", code="malformed") from None
    me, employee = store.employee_with_slack_user(slack_user_id), store.employee(employee_id)
    if me is None or employee is None:
        return not_opened("sv", "status.unknown")
    lead = active_lead(store, employee)
    goal = employee.goals.followed(goal_id, quarter)  # carried over since: the version now
    if goal is None or goal.status != PROPOSED:
        key = "slack_answers.unknown_goal" if goal is None else "slack_answers.already_agreed"
        return not_opened(me.language, key, outcome=goal.title if goal else "")
    side = notices.confirmer(employee, lead) if goal.waiting_for == LEAD else employee
    if side.employee_id != me.employee_id:
        return not_opened(me.language, "slack_answers.agree_not_yours", who=side.name)
    other = employee.name if goal.waiting_for == LEAD else notices.confirmer(employee, lead).name
    context = GoalFormContext(employee.employee_id, goal.waiting_for or EMPLOYEE, on.isoformat(), goal_id)
    view = goal_form(me.language, context, goal.quarter, other=other, resources=_resources(employee), goal=goal)
    return _open(slack, trigger_id, view, me)


def submit(store: Store, slack_user_id: str, payload: dict[str, Any]) -> dict[str, str]:
    """The modal's submission: {block_id: problem} to show in the modal, or {} once proposed."""
    context, values = form_context(payload), submitted(payload)
    on = form_day(context)
    employee_id, by, goal_id = context.get("employee_id"), context.get("by"), context.get("goal_id") or ""
    if not is_valid_id(employee_id) or by not in (EMPLOYEE, LEAD) or (goal_id and not is_valid_id(goal_id)):
        raise InvalidEvent("goal form: private_metadata is not ours", code="malformed")
    me = store.employee_with_slack_user(slack_user_id)
    lang = me.language if me else "sv"
    if me is None:
        return {"outcome": text(lang, "goal_form.errors.unknown")}
    goal_id = goal_id or "slack-" + str(payload["view"]["id"]).lower()  # the same modal submitted twice: one goal

    def work(uow: UnitOfWork) -> dict[str, str]:
        employee = uow.employee(str(employee_id))
        if employee is None:
            return {"outcome": text(lang, "goal_form.errors.unknown")}
        lead = lead_of(uow, employee)
        side = employee if by == EMPLOYEE else notices.confirmer(employee, lead)
        if side.employee_id != me.employee_id:
            lead_name = lead.name if lead else employee.name
            return {"outcome": text(lang, "goal_form.errors.not_allowed", employee=employee.name, lead=lead_name)}
        known = employee.goals.goal(goal_id)
        quarter = known.quarter if known else Quarter.of(on)
        draft, problems = check_draft(draft_fields(values), quarter, on)
        errors: dict[str, str] = {}
        for problem in problems:  # two problems of one field are shown together
            shown = error_text(lang, problem.code, quarter=quarter, first=max(on, quarter.start))
            errors[problem.field] = f"{errors[problem.field]} {shown}" if problem.field in errors else shown
        note = values.get("note")
        if note is not None and not is_text(note, MAX_MEASURE_LENGTH, multiline=True):
            errors["note"] = error_text(lang, "note_missing", quarter=quarter)
        if errors or draft is None:
            return errors
        plan, outcome = employee.goals.propose(goal_id, quarter, draft, by, on, note)
        if outcome in ("too_many", "already_agreed"):
            return {"outcome": error_text(lang, outcome, quarter=quarter)}
        if outcome == "unchanged":
            return {}
        if employee.lead_id is None and by == EMPLOYEE:  # nobody above them: their own goal holds as sent
            plan, _ = plan.agree(goal_id, quarter, LEAD, on)
            save_plan(uow, employee, plan, on)
            return {}
        save_plan(uow, employee, plan, on)
        goal = plan.goal(goal_id, quarter)
        if goal is not None:
            notices.proposal(uow, employee, lead, goal)
        return {}

    errors = store.atomically(work)
    log.info(
        "goal form of %s for %s: %s",
        slack_user_id,
        employee_id,
        "refused: " + ", ".join(sorted(errors)) if errors else "proposed",
        extra={"employeeId": employee_id, "goalId": goal_id},
    )
    return errors
