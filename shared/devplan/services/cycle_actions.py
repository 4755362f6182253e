"""What each action of the quarterly cycle sends and records, for one employee on one day.

`ACTIONS` is the explicit table from an action kind (domain/cycle.py) to its handler (the
opening and the digest here, the reminders in reminder_actions.py, Senior Coach and
supervision in advancement_actions.py). A handler returns the cycle record as changed by the
action, or None when its message cannot be sent yet (someone has no Slack account): the action
is then not recorded as done, and a later tick tries again.

The opening closes the earlier quarters' goals: those still proposed or agreed are carried
over into the new quarter (idempotent, saved on the employee in the tick's transaction, also
when the invite must wait for a Slack account), and the 1:1 agenda shows how each of last
quarter's goals ended, with "Markera som ej uppnått" for the carried-over ones.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from devplan.domain.calendar import Quarter
from devplan.domain.cycle import Action, is_new_starter, revision_deadline
from devplan.domain.cycle_record import INVITED, NO_LEAD, CycleRecord, Revision
from devplan.domain.digest import TeamDigest
from devplan.domain.employees import Employee
from devplan.domain.meeting_notes import carried_into, on_agenda
from devplan.domain.outbox import OutboxMessage, named
from devplan.domain.quarter_close import carried_over, last_quarter
from devplan.domain.snooze import SKIPPED
from devplan.domain.time_off import upcoming
from devplan.messages import cycle as render
from devplan.messages.blocks import Rendered
from devplan.messages.why import why_line, with_why
from devplan.services import advancement_actions, digest, home_refresh, reminder_actions, snooze
from devplan.services.agenda import agenda_facts
from devplan.services.ports import UnitOfWork

log = logging.getLogger(__name__)


def outbox_id(action: Action, employee_id: str, quarter: Quarter) -> str:
    """First goals are one obligation whatever quarter their deadline falls in: one id for them."""
    if action.key.endswith(":first"):
        return f"{action.key}:{employee_id}"
    if action.kind == "quarter_digest":  # about the quarter that closed
        return f"digest:{employee_id}:{quarter.previous().key}"
    key = "review-invite" if action.kind == "open_quarter" else action.key
    return f"{key}:{employee_id}:{quarter.key}"


@dataclass
class Turn:
    """One employee on one day, with what the handlers need to write and send. Not frozen: the
    opening replaces `employee` with the one whose goals were carried over, so the day's later
    actions (a goal reminder on the opening day) see them."""

    uow: UnitOfWork
    employee: Employee
    lead: Employee | None
    quarter: Quarter
    today: date
    previous: CycleRecord  # last quarter's record: the agenda shows the latest reflection
    team_digest: TeamDigest | None = None  # a lead's team last quarter, read before the transaction

    def send(
        self, action: Action, users: tuple[str | None, ...], rendered: Rendered, topic: str, lang: str | None = None
    ) -> bool:
        """False when someone has no Slack account yet: the action is then not recorded as done.
        `lang`: the message's language (the employee's unless it goes to the lead alone); its
        context line says why in the same language (messages/why.py)."""
        if not all(users):
            log.warning(
                "%s for %s waits: no Slack account yet",
                topic,
                self.employee.employee_id,
                extra={"employeeId": self.employee.employee_id},
            )
            return False
        rendered = with_why(lang or self.lang, rendered, action, self.quarter, self.today, self.employee.employee_id)
        self.uow.emit(
            OutboxMessage(
                outbox_id(action, self.employee.employee_id, self.quarter),
                users=tuple(u for u in users if u),
                text=rendered.text,
                blocks=rendered.blocks,
                topic=topic,
                about=named(self.employee, self.lead),  # the pair's cycle; invites name the lead
            )
        )
        return True

    @property
    def me(self) -> str | None:
        return self.employee.slack_user_id

    @property
    def boss(self) -> str | None:
        return self.lead.slack_user_id if self.lead else None

    @property
    def lang(self) -> str:
        return self.employee.language


def open_quarter(turn: Turn, action: Action, cycle: CycleRecord) -> CycleRecord | None:
    employee, quarter = turn.employee, turn.quarter
    plan = carried_over(employee.goals, quarter)
    if plan is not employee.goals:
        turn.employee = employee = replace(employee, goals=plan)
        turn.uow.save_employee(employee)
    cycle = carried_into(cycle, turn.previous)  # last 1:1's open actions, on this agenda until ticked off
    new_starter = is_new_starter(employee.start_date, quarter)
    deadline = None if new_starter else revision_deadline(quarter)
    reflections = [c.last_reflection.on for c in (cycle, turn.previous) if c.last_reflection]
    if turn.lead is not None:
        facts = render.ReviewFacts(
            employee=employee.name,
            lead=turn.lead.name,
            quarter=quarter,
            goals=plan.current(quarter),
            last_quarter=last_quarter(plan, quarter),
            revision_deadline=deadline,
            new_starter_deadline=employee.goals.deadline if new_starter and not employee.goals.is_set else None,
            start_date=employee.start_date,
            latest_reflection=max(reflections, default=None),
            agenda=agenda_facts(turn.uow, employee, turn.today),
            open_actions=on_agenda(cycle),
            away=upcoming(employee.time_off, turn.today, quarter.end),
        )
        if not turn.send(
            action, (turn.me, turn.boss), render.review_invite(turn.lang, facts, employee.employee_id), "1:1 invite"
        ):
            return None
    elif employee.lead_id:
        log.warning(
            "1:1 for %s not sent: lead %s is unknown or offboarded",
            employee.employee_id,
            employee.lead_id,
            extra={"employeeId": employee.employee_id},
        )
    home_refresh.refresh(turn.uow, employee, turn.today, version=f"opened-{quarter.key}")  # App Home: new quarter
    # Goals set on the opening day before the tick ran stay done. The lead the person has now
    # (known or not) is theirs for the quarter's digest and report, whatever changes later.
    return replace(
        cycle,
        opened_on=turn.today,
        lead_id=employee.lead_id,
        lead_recorded=True,
        revision=Revision(deadline, cycle.revision.done, cycle.revision.done_on),
        review=replace(cycle.review, status=INVITED if turn.lead is not None else NO_LEAD, invited_on=turn.today),
    )


def quarter_digest(turn: Turn, action: Action, cycle: CycleRecord) -> CycleRecord | None:
    """Last quarter's figures of the team the person led (whatever their role), once; nothing to
    send when they led nobody. Waits (None) while the lead has no Slack account, or when the
    figures were not read for this run, or while the person's own opening waits (for their
    Slack account): last quarter is closed for them once theirs has opened."""
    if turn.team_digest is None or cycle.opened_on is None:
        return None
    if not turn.team_digest.people:
        return cycle
    message_id = outbox_id(action, turn.employee.employee_id, turn.quarter)
    why = why_line(turn.employee.language, action, turn.quarter, turn.today)
    message = digest.digest_message(message_id, turn.employee, turn.team_digest, why)
    if message is None:
        return None
    turn.uow.emit(message)
    return cycle


ACTIONS: dict[str, Callable[[Turn, Action, CycleRecord], CycleRecord | None]] = {
    "open_quarter": open_quarter,
    "goal_nudge": reminder_actions.goal_nudge,
    "goal_overdue": reminder_actions.goal_overdue,
    "review_reminder": reminder_actions.review_reminder,
    "review_escalation": reminder_actions.review_escalation,
    "reflection_nudge": reminder_actions.reflection_nudge,
    "senior_coach_check": advancement_actions.senior_coach_check,
    "supervision_nudge": advancement_actions.supervision_nudge,
    "funding_reminder": reminder_actions.funding_reminder,
    "quarter_digest": quarter_digest,
    SKIPPED: snooze.skip,  # a reminder the person said "inte nu" to (domain/snooze.py)
}
