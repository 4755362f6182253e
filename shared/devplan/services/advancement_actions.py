"""The daily tick's Senior Coach and supervision actions (domain/cycle.py decides when; the
table is services/cycle_actions.ACTIONS). `check_from` gives the tick's rules the day from which
a coach is checked."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from devplan.domain.advancement import ask_again_from, is_candidate, tenure_reached_on
from devplan.domain.cycle import Action
from devplan.domain.cycle_record import CycleRecord
from devplan.domain.employees import Employee
from devplan.messages import advancement as render
from devplan.services import senior_coach

if TYPE_CHECKING:  # cycle_actions imports this module for its table
    from devplan.services.cycle_actions import Turn


def check_from(coach: Employee) -> date | None:
    """For the daily tick: from when a coach not Senior yet is checked (the tenure's day, or the
    next round's opening after "Inte än"); None for everyone else."""
    if not is_candidate(coach.role, coach.level, coach.active):
        return None
    reached = tenure_reached_on(coach.start_date, senior_coach.criteria())
    again = ask_again_from(coach.senior_coach_not_yet)
    return max(reached, again) if again is not None else reached


def supervised(coach: Employee) -> bool:
    """A coach not Senior yet with a supervisor: the pair are nudged monthly."""
    return bool(coach.supervisor_id) and is_candidate(coach.role, coach.level, coach.active)


def senior_coach_check(turn: Turn, action: Action, cycle: CycleRecord) -> CycleRecord | None:
    """The tenure is reached (or a new round after "Inte än" opened): ask the lead if the sessions are there too."""
    outcome = senior_coach.consider(turn.uow, turn.employee.employee_id, turn.today)
    return None if outcome == "waiting_for_slack" else cycle


def supervision_nudge(turn: Turn, action: Action, cycle: CycleRecord) -> CycleRecord | None:
    """The month's supervision, to the coach and their supervisor in a group DM."""
    supervisor_id = turn.employee.supervisor_id
    supervisor = turn.uow.employee(supervisor_id) if supervisor_id else None
    if supervisor is None:
        return cycle
    value = f"{turn.employee.employee_id}|{action.key.rpartition(':')[2]}"
    rendered = render.supervision_nudge(turn.lang, coach=turn.employee, supervisor=supervisor, value=value)
    return cycle if turn.send(action, (turn.me, supervisor.slack_user_id), rendered, "supervision nudge") else None
