"""What a goal's step sends, emitted in the step's own transaction (ids are deterministic, so a
step run twice, or two events reaching the same decision, send once). Whoever is to act gets
the message; someone without a Slack account yet is logged and sees it in `/utveckling`."""

from __future__ import annotations

import hashlib
import logging

from devplan.domain.employees import Employee
from devplan.domain.goals import LEAD, SmartGoal
from devplan.domain.outbox import OutboxMessage
from devplan.messages import goals as render
from devplan.messages.blocks import Rendered
from devplan.services import money_notices
from devplan.services.ports import UnitOfWork

log = logging.getLogger(__name__)
GENERAL = "general"  # the seed: an achieved goal is celebrated in #general


def _key(employee: Employee, goal: SmartGoal) -> str:
    return f"{employee.employee_id}:{goal.goal_id}:{goal.quarter.key}"


def confirmer(employee: Employee, lead: Employee | None) -> Employee:
    """Who agrees for the lead's side and confirms achievements: the lead; someone without a
    lead (a project lead) answers for their own goals. A lead named but not onboarded yet is
    someone nobody can click as (no Slack account): their part waits, the employee never
    answers for them."""
    if lead is not None:
        return lead
    if employee.lead_id is None:
        return employee
    return Employee(employee.lead_id, employee.lead_id, "", "project_lead", None, employee.start_date)


def _dm(uow: UnitOfWork, message_id: str, to: Employee, rendered: Rendered, topic: str, *about: Employee) -> bool:
    """`about`: whose goal it is and who else the text names (erasure finds the message by them)."""
    return money_notices.dm(uow, message_id, to, rendered, topic, about=about)


def proposal(uow: UnitOfWork, employee: Employee, lead: Employee | None, goal: SmartGoal) -> bool:
    """To the side that agrees. A changed proposal is a new message (its content is in the id)."""
    side = confirmer(employee, lead) if goal.waiting_for == LEAD else employee
    proposer = employee if side is not employee else confirmer(employee, lead)
    version = hashlib.sha256(repr((goal.draft, goal.proposed_by, goal.change_note)).encode()).hexdigest()[:12]
    rendered = render.proposal(
        side.language, proposer=proposer.name, employee=employee.name, employee_id=employee.employee_id, goal=goal
    )
    return _dm(
        uow, f"goal-proposal:{_key(employee, goal)}:{version}", side, rendered, "goal proposal", employee, proposer
    )


def agreed(uow: UnitOfWork, employee: Employee, lead: Employee | None, goal: SmartGoal, agreed_by: Employee) -> bool:
    proposer = employee if agreed_by is not employee else confirmer(employee, lead)
    rendered = render.agreed(proposer.language, who=agreed_by.name, goal=goal)
    return _dm(uow, f"goal-agreed:{_key(employee, goal)}", proposer, rendered, "goal agreed", employee, agreed_by)


def achievement_request(uow: UnitOfWork, employee: Employee, lead: Employee | None, goal: SmartGoal) -> bool:
    """To the lead: confirm or not yet. Asked again only at a higher value (after "inte än")."""
    to = confirmer(employee, lead)
    rendered = render.achievement_request(
        to.language, employee=employee.name, employee_id=employee.employee_id, goal=goal
    )
    # Asked again after "inte än" only at a higher value, or when the platform says it is achieved.
    asked = f"{goal.progress or 0}" + (f"-after-{goal.declined_at}" if goal.declined_at is not None else "")
    return _dm(uow, f"goal-reached:{_key(employee, goal)}:{asked}", to, rendered, "goal reached → lead", employee)


def celebration(uow: UnitOfWork, employee: Employee, lead: Employee | None, goal: SmartGoal) -> None:
    """Exactly one post in #general (its id is the goal's), and the perk offer to the lead."""
    post = render.celebration("sv", person=employee, goal=goal)  # #general speaks Swedish
    uow.emit(
        OutboxMessage(
            f"goal-celebration:{_key(employee, goal)}",
            channel=GENERAL,
            text=post.text,
            blocks=post.blocks,
            topic="goal achieved → #general",
            about=(employee.employee_id,),
        )
    )
    to = confirmer(employee, lead)
    offer = render.perk_offer(to.language, employee=employee.name, employee_id=employee.employee_id, goal=goal)
    _dm(uow, f"goal-perk-offer:{_key(employee, goal)}", to, offer, "perk offer → lead", employee)


def perk(uow: UnitOfWork, employee: Employee, lead: Employee | None, goal: SmartGoal) -> bool:
    by = confirmer(employee, lead)
    rendered = render.perk_told(employee.language, lead=by.name, perk=goal.perk or "none", goal=goal)
    return _dm(uow, f"goal-perk:{_key(employee, goal)}", employee, rendered, "perk → employee", employee, by)
