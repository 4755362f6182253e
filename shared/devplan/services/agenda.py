"""What the quarter's 1:1 agenda adds once the data exists: the training budget used and left
this year, sessions toward Senior Coach for a coach, applications in flight for a funding
manager. Each figure is read in the opening's transaction; a figure whose record does not exist
(yet) is None and its line is left out: the agenda never shows a placeholder number.

"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from devplan.domain.advancement import SENIOR_COACH, full_months
from devplan.domain.employees import Employee
from devplan.domain.funding import DRAFT, SUBMITTED
from devplan.domain.metrics import COACHING_SESSIONS
from devplan.messages.agenda import AgendaFacts, TowardSenior, Wallet
from devplan.services import senior_coach
from devplan.services.ports import UnitOfWork


def facts_of_wallet(uow: UnitOfWork, employee: Employee, year: int) -> tuple[int, int] | None:
    """(used, left) of the person's training wallet for `year` in whole kronor (a year with no
    request yet: nothing used, the whole budget left)."""
    wallet = uow.wallet(employee.employee_id, year, employee.training_budget_sek)
    return wallet.used_sek, wallet.left_sek


def applications_in_flight(uow: UnitOfWork, employee: Employee) -> int | None:
    """A funding manager's applications not decided yet (draft or submitted)."""
    return sum(1 for a in employee.funding.applications.values() if a.status in (DRAFT, SUBMITTED))


def records_read(employees: Iterable[Employee], today: date) -> dict[str, list[Any]]:
    """What `agenda_facts` will read for these people, as `UnitOfWork.prefetch` arguments: a
    chunk's openings read them all in one round trip instead of one each."""
    return {
        "wallets": [(e.employee_id, today.year) for e in employees],
        "tallies": [(e.employee_id, COACHING_SESSIONS) for e in employees if _toward_senior(e)],
    }


def _toward_senior(employee: Employee) -> bool:
    return employee.role == "coach" and employee.level != SENIOR_COACH


def agenda_facts(uow: UnitOfWork, employee: Employee, today: date) -> AgendaFacts:
    wallet = facts_of_wallet(uow, employee, today.year)
    toward = None
    if _toward_senior(employee):
        sessions = uow.tally(employee.employee_id, COACHING_SESSIONS).count()
        rule = senior_coach.criteria()
        toward = TowardSenior(sessions, full_months(employee.start_date, today), rule.sessions, rule.months)
    applications = applications_in_flight(uow, employee) if employee.role == "funding_manager" else None
    return AgendaFacts(
        wallet=Wallet(today.year, *wallet) if wallet is not None else None,
        toward_senior=toward,
        applications=applications,
    )
