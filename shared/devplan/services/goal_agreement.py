"""The buttons on goal messages: Godkänn (agree), Bekräfta / Inte än (an achievement), the perk.

Only the side a proposal waits for may agree to it (the lead, or for a goal the lead proposed,
the employee); only the person's lead confirms an achievement and chooses the perk (someone
without a lead answers for themself: goal_notices.confirmer). Anyone else gets a polite answer
and nothing changes. Each click is one transaction; the day is Slack's action timestamp. The
transitions say when a click comes too late ("already confirmed"), and the messages have
deterministic ids, so a goal is agreed, celebrated and rewarded once however often it is clicked.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from devplan.domain.calendar import Quarter
from devplan.domain.employees import Employee
from devplan.domain.goals import ACHIEVED, AWAITING, EMPLOYEE, LEAD, PERKS, PROPOSED, GoalPlan, SmartGoal
from devplan.domain.ids import is_valid_id
from devplan.domain.outbox import named
from devplan.domain.quarter_close import carried_over
from devplan.errors import InvalidEvent
from devplan.messages.catalog import text
from devplan.messages.goals import parse_goal_ref
from devplan.services import goal_notices as notices
from devplan.services import home_refresh
from devplan.services.goals import lead_of, save_plan
from devplan.services.ports import Store, UnitOfWork
from devplan.services.slack_replies import ephemeral, tell

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Click:
    """Who clicked which goal's button, on which day."""

    slack_user_id: str
    employee_id: str
    goal_id: str
    quarter: Quarter
    on: date
    extra: str = ""  # the perk button's choice

    @property
    def key(self) -> str:
        return f"{self.employee_id}:{self.goal_id}:{self.quarter.key}"


def read_click(value: str, slack_user_id: str, on: date) -> Click:
    try:
        employee_id, goal_id, quarter = parse_goal_ref(value)
    except ValueError:
        raise InvalidEvent(f"goal button value is malformed: {value!r:.80}", code="malformed") from None
    if not (is_valid_id(employee_id) and is_valid_id(goal_id)):
        raise InvalidEvent(f"goal button names no valid goal: {value!r:.80}", code="malformed")
    parts = value.split("|")
    return Click(slack_user_id, employee_id, goal_id, quarter, on, parts[3] if len(parts) > 3 else "")


# A step: (uow, click, employee, lead, goal) → (outcome, catalog key of the answer or None).
Outcome = tuple[str, str | None]
Step = Callable[[UnitOfWork, Click, Employee, Employee | None, SmartGoal], Outcome]


def _run(store: Store, click: Click, action: str, step: Step) -> dict[str, Any]:
    def work(uow: UnitOfWork) -> dict[str, Any]:
        employee = uow.employee(click.employee_id)
        lead = lead_of(uow, employee) if employee else None
        # a message of a quarter since closed acts on the goal's version now (carried over)
        goal = employee.goals.followed(click.goal_id, click.quarter) if employee else None
        clicker = _who(click.slack_user_id, employee, lead)
        lang = clicker.language if clicker else "sv"
        if employee is None or goal is None:
            return _answer(uow, click, action, "unknown_goal", lang, text(lang, "slack_answers.unknown_goal"))
        outcome, key = step(uow, click, employee, lead, goal)
        if key is None:
            return {"outcome": outcome}
        who = notices.confirmer(employee, lead).name
        shown = text(lang, key, outcome=goal.title, who=who, employee=employee.name)
        return _answer(uow, click, action, outcome, lang, shown, named(employee, lead))

    answer = store.atomically(work)
    log.info(
        "%s on %s by %s: %s",
        action,
        click.key,
        click.slack_user_id,
        answer["outcome"],
        extra={"employeeId": click.employee_id, "goalId": click.goal_id, "outcome": answer["outcome"]},
    )
    return answer


def _who(slack_user_id: str, employee: Employee | None, lead: Employee | None) -> Employee | None:
    return next((p for p in (employee, lead) if p is not None and p.slack_user_id == slack_user_id), None)


def _answer(
    uow: UnitOfWork, click: Click, action: str, outcome: str, lang: str, shown: str, about: tuple[str, ...] = ()
) -> dict[str, Any]:
    tell(uow, click.slack_user_id, f"{action}:{click.key}:{outcome}", shown, about)
    return {"outcome": outcome, **ephemeral(shown)}


def _is(person: Employee, click: Click) -> bool:
    return bool(person.slack_user_id) and person.slack_user_id == click.slack_user_id


def _save(uow: UnitOfWork, employee: Employee, plan: GoalPlan) -> None:
    uow.save_employee(replace(employee, goals=plan))
    home_refresh.refresh(uow, employee)  # App Home: confirmed, not yet, perk


def agree(store: Store, click: Click) -> dict[str, Any]:
    """Godkänn: by the side the proposal waits for; the quarter's revision is then done."""

    def step(uow: UnitOfWork, click: Click, employee: Employee, lead: Employee | None, goal: SmartGoal) -> Outcome:
        if goal.status != PROPOSED:
            return "already_agreed", "slack_answers.already_agreed"
        side = notices.confirmer(employee, lead) if goal.waiting_for == LEAD else employee
        if not _is(side, click):
            return "not_yours", "slack_answers.agree_not_yours"
        plan, outcome = employee.goals.agree(goal.goal_id, goal.quarter, goal.waiting_for or EMPLOYEE, click.on)
        if outcome != "agreed":
            return outcome, "slack_answers.already_agreed"
        save_plan(uow, employee, plan, click.on)
        agreed = plan.goal(goal.goal_id, goal.quarter) or goal
        notices.agreed(uow, employee, lead, agreed, agreed_by=side)
        if agreed.status == AWAITING:  # its target was met before it was agreed: the lead confirms now
            notices.achievement_request(uow, employee, lead, agreed)
        return "agreed", None

    return _run(store, click, "agree", step)


def _by_confirmer(act: Step) -> Step:
    """Only the confirmer (the lead; a project lead for themself) may act on an achievement."""

    def step(uow: UnitOfWork, click: Click, employee: Employee, lead: Employee | None, goal: SmartGoal) -> Outcome:
        if not _is(notices.confirmer(employee, lead), click):
            return "not_yours", "slack_answers.confirm_not_yours"
        return act(uow, click, employee, lead, goal)

    return step


@_by_confirmer
def _confirm(uow: UnitOfWork, click: Click, employee: Employee, lead: Employee | None, goal: SmartGoal) -> Outcome:
    plan, outcome = employee.goals.confirm(goal.goal_id, goal.quarter, click.on)
    if outcome == "already_achieved":
        return outcome, "slack_answers.already_confirmed"
    if outcome != "achieved":
        return outcome, "slack_answers.not_awaiting"
    _save(uow, employee, plan)
    notices.celebration(uow, employee, lead, plan.goal(goal.goal_id, goal.quarter) or goal)
    return "achieved", None


@_by_confirmer
def _not_yet(uow: UnitOfWork, click: Click, employee: Employee, lead: Employee | None, goal: SmartGoal) -> Outcome:
    plan, outcome = employee.goals.not_yet(goal.goal_id, goal.quarter)
    if outcome != "not_yet":
        return outcome, "slack_answers.already_confirmed" if goal.status == ACHIEVED else "slack_answers.not_awaiting"
    # Of a quarter closed since: it goes on in the click's quarter (carried over, due there).
    _save(uow, employee, carried_over(plan, Quarter.of(click.on)))
    return "not_yet", "goals.not_yet_noted"


@_by_confirmer
def _perk(uow: UnitOfWork, click: Click, employee: Employee, lead: Employee | None, goal: SmartGoal) -> Outcome:
    if click.extra not in PERKS:
        raise InvalidEvent(f"perk button names no perk: {click.extra!r:.40}", code="malformed")
    plan, outcome = employee.goals.with_perk(goal.goal_id, goal.quarter, click.extra)
    if outcome == "perk_already_chosen":
        return outcome, "slack_answers.perk_already_chosen"
    if outcome != "perk":
        return outcome, "slack_answers.not_awaiting"
    _save(uow, employee, plan)
    notices.perk(uow, employee, lead, plan.goal(goal.goal_id, goal.quarter) or goal)
    return "perk", "goals.perk_recorded"


def confirm(store: Store, click: Click) -> dict[str, Any]:
    """Bekräfta: achieved; one post in #general and the perk offer (their ids are the goal's)."""
    return _run(store, click, "confirm", _confirm)


def not_yet(store: Store, click: Click) -> dict[str, Any]:
    """Inte än: back to agreed; asked again only once the measure grows past today's value."""
    return _run(store, click, "not_yet", _not_yet)


def choose_perk(store: Store, click: Click) -> dict[str, Any]:
    """A perk button: recorded on the goal and told to the person, once."""
    return _run(store, click, "perk", _perk)
