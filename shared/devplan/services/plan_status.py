"""`/utveckling`: the asking employee's plan as it stands, found by their Slack id.

The quarter is the one of the day asked (Stockholm): its goals, its cycle record (the current
revision deadline, the 1:1) and, for a lead, what their team waits for. One query finds the
asker, one round trip reads the lead and the quarter's record, one query the team of a lead.
A record that cannot be read leaves its part out: the asker still gets their plan."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TypeVar

from devplan.domain.calendar import Quarter
from devplan.domain.cycle import goal_obligation, revision_done
from devplan.domain.cycle_record import CycleRecord
from devplan.domain.employees import DEFAULT_LANGUAGE, Employee
from devplan.domain.goals import AWAITING, LEAD
from devplan.errors import UnusableRecord
from devplan.messages.blocks import Rendered
from devplan.messages.status import PlanFacts, TeamWaiting, plan_status
from devplan.services import advancement_status, time_off
from devplan.services.leads import active_lead
from devplan.services.ports import Store
from devplan.services.quarterly_cycle import facts_of

T = TypeVar("T")


def plan_status_for(
    slack_user_id: str, store: Store, today: date, unknown_language: str = DEFAULT_LANGUAGE
) -> Rendered:
    """`today`: the day asked (a slash command carries no business time of its own: the route
    passes the moment of asking, in Stockholm, from the composition root's clock).
    `unknown_language`: for someone without a plan (services/language.request_language)."""
    employee = store.employee_with_slack_user(slack_user_id)
    if employee is None:
        return plan_status(unknown_language, None)
    return plan_status(employee.language, plan_facts(employee, store, today))


def plan_facts(employee: Employee, store: Store, today: date) -> PlanFacts:
    quarter = Quarter.of(today)
    lead_ids = [employee.lead_id] if employee.lead_id else []
    loaded = store.load(employees=lead_ids, cycles=[(employee.employee_id, quarter)])
    lead = _readable(lambda: active_lead(loaded, employee))
    cycle = _readable(lambda: loaded.cycle(employee.employee_id, quarter))
    person, facts = facts_of(employee, cycle or CycleRecord(employee.employee_id, quarter), None)
    obligation = goal_obligation(person, facts)
    return PlanFacts(
        employee=employee,
        lead_name=lead.name if lead else None,
        today=today,
        cycle=cycle,
        revision_done=revision_done(person, facts),
        team=_team_waiting(employee, store, quarter, today),
        advancement=advancement_status.plan_lines(store, employee, today),
        moved_deadline=obligation[1] if obligation else None,
    )


def _readable(read: Callable[[], T | None]) -> T | None:
    try:
        return read()
    except UnusableRecord:
        return None


def _team_waiting(lead: Employee, store: Store, quarter: Quarter, today: date) -> TeamWaiting:
    """What the lead's team waits for from them: proposals to agree, achievements to confirm; and who is away."""
    to_agree = to_confirm = 0
    # offboarded: nothing of theirs waits for the lead any more, and they are not "away"
    team = [m for m in store.employees_led_by(lead.employee_id) if m.active]
    for member in team:
        for goal in member.goals.still_awaiting(quarter) + member.goals.active(quarter):
            if goal.waiting_for == LEAD:
                to_confirm += goal.status == AWAITING
                to_agree += goal.status != AWAITING
    away = tuple((m.name, period) for m in team if (period := time_off.away(m, today)) is not None)
    return TeamWaiting(to_agree, to_confirm, away)
