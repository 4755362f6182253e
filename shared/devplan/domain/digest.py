"""A lead's team in one quarter, in figures: the quarterly digest and the HR report.

Pure: from each person's goals, their quarter's cycle record and their training wallet to
counts. Read at the next quarter's opening (or any time later, for HR): the goals of the
quarter are classified by how they ended, whether or not the person's own opening has
carried them over yet (the tick opens a lead's quarter and their team's in any order):
- set: agreed on a day of the quarter (a proposal never agreed was never set; a goal carried
  over keeps the day it was agreed, so it counts as set once, in that quarter);
- achieved: confirmed by the lead (awaiting confirmation is not achieved yet);
- missed or carried over: agreed and not achieved by the close (agreed ones still open are
  carried over at the opening, so they count here before and after it).
Achieved and missed count every agreed goal of the quarter, those carried into it as well.
The team is everyone on it during the quarter: started by its end, not gone before it began.
Budget used: the training the wallet recorded for requests made in the quarter.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from devplan.domain.calendar import Quarter, stockholm_date
from devplan.domain.cycle_record import HELD, CycleRecord
from devplan.domain.employees import Employee
from devplan.domain.goals import ACHIEVED, AGREED, CARRIED_OVER, MISSED, WITHDRAWN
from devplan.domain.lifecycle import is_offboarded
from devplan.domain.wallet import RECORDED, Wallet

FIGURES = ("goals_set", "achieved", "missed", "reviews_held", "reflections", "training_sek")


@dataclass(frozen=True)
class Figures:
    goals_set: int = 0
    achieved: int = 0
    missed: int = 0  # missed or carried over
    reviews_held: int = 0
    reflections: int = 0
    training_sek: int = 0  # whole kronor

    def __add__(self, other: Figures) -> Figures:
        return Figures(*(getattr(self, f) + getattr(other, f) for f in FIGURES))


@dataclass(frozen=True)
class PersonFigures:
    employee_id: str
    name: str
    figures: Figures


@dataclass(frozen=True)
class TeamDigest:
    lead_id: str
    lead_name: str
    quarter: Quarter
    people: tuple[PersonFigures, ...] = ()

    @property
    def total(self) -> Figures:
        return sum((p.figures for p in self.people), Figures())

    def as_data(self) -> dict[str, Any]:
        """Plain values (a document field, JSON): kept with the digest message until it is sent."""
        return {
            "leadId": self.lead_id,
            "leadName": self.lead_name,
            "quarter": self.quarter.key,
            "people": [{"employeeId": p.employee_id, "name": p.name, **asdict(p.figures)} for p in self.people],
        }

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> TeamDigest:
        people = tuple(
            PersonFigures(p["employeeId"], p["name"], Figures(*(int(p[f]) for f in FIGURES))) for p in data["people"]
        )
        return cls(data["leadId"], data["leadName"], Quarter.parse(data["quarter"]), people)


def person_figures(employee: Employee, quarter: Quarter, cycle: CycleRecord | None, wallet: Wallet | None) -> Figures:
    goals = [g for g in employee.goals.of_quarter(quarter) if g.agreed_on is not None and g.status != WITHDRAWN]
    agreed_in_quarter = [g for g in goals if g.agreed_on is not None and quarter.start <= g.agreed_on <= quarter.end]
    training = 0
    if wallet is not None:  # the year's wallet: its requests made in the quarter (a day in Stockholm)
        training = sum(
            r.cost_sek
            for r in wallet.requests.values()
            if r.status == RECORDED and Quarter.of(stockholm_date(r.requested_at)) == quarter
        )
    return Figures(
        goals_set=len(agreed_in_quarter),
        achieved=sum(g.status == ACHIEVED for g in goals),
        missed=sum(g.status in (MISSED, CARRIED_OVER, AGREED) for g in goals),
        reviews_held=int(cycle is not None and cycle.review.status == HELD),
        reflections=cycle.reflections if cycle is not None else 0,
        training_sek=training,
    )


def was_here(employee: Employee, quarter: Quarter) -> bool:
    """Started by the quarter's end and not offboarded before it began (the offboarding is the
    last lifecycle event applied to someone offboarded: nothing after it is applied)."""
    left = employee.lifecycle_at if is_offboarded(employee) else None
    return employee.start_date <= quarter.end and (left is None or stockholm_date(left) >= quarter.start)


def team_digest(
    lead: Employee,
    quarter: Quarter,
    team: Iterable[Employee],
    cycles: Mapping[str, CycleRecord | None],
    wallets: Mapping[str, Wallet],
) -> TeamDigest:
    """Everyone who was on the team during the quarter, by name."""
    members = sorted((e for e in team if was_here(e, quarter)), key=lambda e: (e.name, e.employee_id))
    people = tuple(
        PersonFigures(
            e.employee_id,
            e.name,
            person_figures(e, quarter, cycles.get(e.employee_id), wallets.get(e.employee_id)),
        )
        for e in members
    )
    return TeamDigest(lead.employee_id, lead.name, quarter, people)
