"""The seed's year 2025 as a script of what people do, by day (the demo's input).

Times of day in Stockholm: the daily tick runs at 07:00 (the manifest's schedule), platform
events at 10:00, clicks in Slack at 14:00.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from devplan.domain.employees import NewEmployee


@dataclass(frozen=True)
class Person(NewEmployee):
    slack_from: date | None = None  # the Slack account is made later than the start

    def onboarding_data(self) -> dict[str, Any]:
        """The platform's `employee.onboarded` data for this person."""
        return {
            "employeeId": self.employee_id,
            "name": self.name,
            "email": self.email,
            "role": self.role,
            "leadId": self.lead_id,
            "startDate": self.start_date.isoformat(),
        }


TEAM = (
    Person("bo", "Bo Joel Kvarnsmyr", "bo@innerjourney.se", "project_lead", None, date(2025, 1, 2)),
    Person("anna", "Anna Lindqvist", "anna@innerjourney.se", "developer", "bo", date(2025, 1, 7)),
    Person("maja", "Maja Berg", "maja@innerjourney.se", "coach", "bo", date(2025, 1, 13)),
    Person(
        "erik",
        "Erik Holm",
        "erik@innerjourney.se",
        "funding_manager",
        "bo",
        date(2025, 2, 3),
        slack_from=date(2025, 2, 5),
    ),
)


@dataclass(frozen=True)
class Goals:
    employee_id: str
    titles: tuple[str, ...]


@dataclass(frozen=True)
class Reflection:
    employee_id: str
    entry_id: str


@dataclass(frozen=True)
class MarkHeld:
    """Someone clicks "Markera som genomfört" on their 1:1 invite of that quarter."""

    employee_id: str
    clicked_by: str


@dataclass
class Day:
    goals: list[Goals] = field(default_factory=list)
    reflections: list[Reflection] = field(default_factory=list)
    held: list[MarkHeld] = field(default_factory=list)


def _d(text: str) -> date:
    return date.fromisoformat(text)


YEAR: dict[date, Day] = {}


def _on(day: str, *things: Any) -> None:
    entry = YEAR.setdefault(_d(day), Day())
    lists: dict[type, list[Any]] = {Goals: entry.goals, Reflection: entry.reflections, MarkHeld: entry.held}
    for thing in things:
        lists[type(thing)].append(thing)


# Q1: first goals from the seed's examples. Maja is late (nudged, then Bo is told).
_on("2025-01-10", Goals("bo", ("Hålla kvartalets 1:1 med alla i teamet inom två veckor",)))
_on(
    "2025-01-16",
    Goals(
        "anna",
        ("Optimera Firebase-databaserna för bättre skalbarhet", "Driftsätta VedAstro API på GCE senast maj 2025"),
    ),
)
_on("2025-01-30", Goals("maja", ("Genomföra 20 coachingsessioner och bli Senior Coach inom 6 månader",)))
_on("2025-02-12", Goals("erik", ("Skicka in Vinnova-ansökan om 465 865 kr senast mitten av maj",)))
_on("2025-03-12", Reflection("anna", "anna-q1"))
_on("2025-03-20", Reflection("erik", "erik-q1"))
# Q2: 1:1s held early, Maja's after the reminder; Erik revises late.
_on("2025-04-03", MarkHeld("anna", "bo"))
_on(
    "2025-04-07",
    Goals("anna", ("Leda API-delprojektet", "Optimera Firebase-databaserna")),
    Goals("maja", ("Guida 10 nya användare genom onboardingen under Q3",)),
)
_on("2025-04-09", MarkHeld("erik", "erik"))
_on("2025-04-22", Goals("erik", ("Säkra 465 865 kr från Vinnova", "Förbereda en Horizon Europe-ansökan")))
_on("2025-04-24", MarkHeld("maja", "maja"))
_on("2025-05-14", Reflection("anna", "anna-q2"), Reflection("maja", "maja-q2"))
_on("2025-06-12", Reflection("erik", "erik-q2"))
# Q3: summer; Erik's 1:1 never happens (escalated), Maja reflects only after two nudges.
_on("2025-07-02", MarkHeld("anna", "anna"), MarkHeld("maja", "bo"))
_on(
    "2025-07-08",
    Goals("anna", ("Leda API-delprojektet",)),
    Goals("maja", ("Certifiering som Senior Coach",)),
    Goals("erik", ("Driva Horizon Europe-ansökan",)),
)
_on("2025-08-20", Reflection("anna", "anna-q3"))
_on("2025-09-18", Reflection("maja", "maja-q3"))
# Q4: everyone on time.
_on("2025-10-02", MarkHeld("anna", "bo"), MarkHeld("maja", "maja"), MarkHeld("erik", "bo"))
_on(
    "2025-10-08",
    Goals("anna", ("Mentor för ny utvecklare",)),
    Goals("maja", ("Handleda två nya coacher",)),
    Goals("erik", ("Lämna in Horizon Europe-ansökan",)),
)
_on("2025-11-05", Reflection("anna", "anna-q4"), Reflection("maja", "maja-q4"), Reflection("erik", "erik-q4"))
