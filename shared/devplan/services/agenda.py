"""What the quarter's 1:1 agenda adds once the data exists: the training budget used and left
this year, sessions toward Senior Coach for a coach, applications in flight for a funding
manager. Each figure is read in the opening's transaction; a figure whose record does not exist
(yet) is None and its line is left out: the agenda never shows a placeholder number.

Seams for the other parts of issue 8 (wire them at the merge):
- `facts_of_wallet`: the training wallet (employees/{id}/wallets/{year}) → (used, left) kronor.
- `applications_in_flight`: the funding manager's applications not granted or rejected yet.
- SENIOR_COACH_SESSIONS / SENIOR_COACH_MONTHS: the Senior Coach rule's configured thresholds.
"""

from __future__ import annotations

from datetime import date

from devplan.domain.employees import Employee
from devplan.domain.metrics import COACHING_SESSIONS
from devplan.messages.agenda import AgendaFacts, TowardSenior, Wallet
from devplan.services.ports import UnitOfWork

SENIOR_COACH_SESSIONS, SENIOR_COACH_MONTHS = 20, 6  # the seed's defaults ("se separata kriterier")
SENIOR_COACH = "senior_coach"


def full_months(start: date, today: date) -> int:
    """Whole months from the start date (2025-01-15 → 2025-07-14 is 5, → 2025-07-15 is 6)."""
    months = (today.year - start.year) * 12 + today.month - start.month - (today.day < start.day)
    return max(0, months)


def facts_of_wallet(uow: UnitOfWork, employee: Employee, year: int) -> tuple[int, int] | None:
    """(used, left) of the person's training wallet for `year` in whole kronor; None while it does
    not exist. Seam: the wallet part of issue 8 reads employees/{id}/wallets/{year} here."""
    return None


def applications_in_flight(uow: UnitOfWork, employee: Employee) -> int | None:
    """A funding manager's applications not decided yet; None until the funding records exist.
    Seam: the funding part of issue 8 counts draft + submitted applications here."""
    return None


def agenda_facts(uow: UnitOfWork, employee: Employee, today: date) -> AgendaFacts:
    wallet = facts_of_wallet(uow, employee, today.year)
    toward = None
    if employee.role == "coach" and employee.level != SENIOR_COACH:
        sessions = uow.tally(employee.employee_id, COACHING_SESSIONS).count()
        toward = TowardSenior(
            sessions, full_months(employee.start_date, today), SENIOR_COACH_SESSIONS, SENIOR_COACH_MONTHS
        )
    applications = applications_in_flight(uow, employee) if employee.role == "funding_manager" else None
    return AgendaFacts(
        wallet=Wallet(today.year, *wallet) if wallet is not None else None,
        toward_senior=toward,
        applications=applications,
    )
