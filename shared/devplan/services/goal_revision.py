"""The 1:1 agenda's "Markera som ej uppnått": in the quarter's revision, the person or their lead
says a carried-over goal was missed after all (domain/goals.py `GoalPlan.mark_missed`): last
quarter's version becomes missed, this quarter's is withdrawn and no longer counts toward the
1–3. That decision revises the quarter's goals (domain/cycle.py), so the revision is marked done
on the day of the click (Slack's action timestamp, not our clock). Only the pair may click;
anyone else is refused politely (a DM: Slack shows no answer to a click) and nothing changes;
a second click changes nothing."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from devplan.domain import quarter_close
from devplan.domain.calendar import stockholm_date
from devplan.domain.ids import is_valid_id
from devplan.domain.outbox import OutboxMessage, named
from devplan.errors import InvalidEvent
from devplan.messages import cycle as render
from devplan.messages.catalog import text
from devplan.messages.dates import quarter_label
from devplan.messages.goals import GOAL_MISSED, parse_goal_ref
from devplan.services.inputs import SlackRequest
from devplan.services.leads import active_lead
from devplan.services.ports import Store, UnitOfWork
from devplan.services.slack_replies import tell

__all__ = ["GOAL_MISSED", "mark_missed", "mark_missed_route"]
log = logging.getLogger(__name__)


def mark_missed_route(request: SlackRequest, store: Store) -> dict[str, Any]:
    """The route of the GOAL_MISSED button (services/slack_routes.py)."""
    action = request.payload["actions"][0]
    clicked_at = action.get("action_ts") or request.payload.get("action_ts")
    if not clicked_at:
        raise InvalidEvent("goal-missed click carries no action_ts", code="malformed")
    outcome, refusal = mark_missed(action.get("value") or "", request.user_id, clicked_at, store)
    if refusal is not None:  # also sent as a DM: Slack shows no answer to a click
        return {"outcome": outcome, "response_type": "ephemeral", "text": refusal}
    return {"outcome": outcome}


def mark_missed(value: str, slack_user_id: str, action_ts: str, store: Store) -> tuple[str, str | None]:
    """Outcome (missed | not_carried | unknown_goal | not_a_participant) and, for someone who is
    not one of the pair, the polite refusal to show them."""
    try:
        employee_id, goal_id, quarter = parse_goal_ref(value)
        clicked_at = datetime.fromtimestamp(float(action_ts), UTC)
    except (ValueError, TypeError, OverflowError, OSError):
        raise InvalidEvent(f"goal-missed button value is malformed: {value!r}", code="malformed") from None
    if not is_valid_id(employee_id) or not is_valid_id(goal_id):
        raise InvalidEvent(f"goal-missed button names no valid goal: {value!r}", code="malformed")
    day = stockholm_date(clicked_at)

    def work(uow: UnitOfWork) -> tuple[str, str | None]:
        employee = uow.employee(employee_id)
        lead = active_lead(uow, employee) if employee else None
        if employee is None:
            return "unknown_goal", None
        pair = {e.slack_user_id: e for e in (employee, lead) if e is not None and e.slack_user_id}
        who = pair.get(slack_user_id)
        if who is None:  # Slack ignores a click's HTTP answer: the refusal goes as a DM, once
            refusal = text(
                employee.language,
                "review.missed_not_yours",
                employee=employee.name,
                lead=lead.name if lead else employee.name,
            )
            key = f"goal-missed-not-yours:{employee_id}:{goal_id}:{quarter.key}"
            tell(uow, slack_user_id, key, refusal, named(employee, lead))
            return "not_a_participant", refusal
        plan, outcome = quarter_close.mark_missed(employee.goals, goal_id, quarter)
        if outcome != "missed":
            return outcome, None
        uow.save_employee(replace(employee, goals=plan))
        uow.save_cycle(uow.cycle(employee_id, quarter).with_goals_revised(day))
        goal = plan.goal(goal_id, quarter)
        old = goal.carried_from if goal and goal.carried_from else quarter.previous()
        told = render.line(
            employee.language,
            "review.missed",
            who=who.name,
            title=goal.title if goal else goal_id,
            old_quarter=quarter_label(employee.language, old),
            quarter=quarter_label(employee.language, quarter),
        )
        uow.emit(
            OutboxMessage(
                f"goal-missed:{employee_id}:{goal_id}:{quarter.key}",
                users=tuple(pair),
                text=told.text,
                blocks=told.blocks,
                topic="goal missed",
                about=(employee_id, who.employee_id),
            )
        )
        return "missed", None

    outcome, refusal = store.atomically(work)
    log.info(
        "goal %s of %s (%s) marked missed by %s: %s",
        goal_id,
        employee_id,
        quarter.key,
        slack_user_id,
        outcome,
        extra={"employeeId": employee_id, "quarter": quarter.key, "outcome": outcome},
    )
    return outcome, refusal
