"""What the demo's script is made of: the team, and the kinds of things people do on a day.

Times of day in Stockholm: the daily tick runs at 07:00 (the manifest's schedule), platform
events at 10:00, clicks in Slack at 14:00.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from datetime import time as clock_time
from typing import Any

from devplan.domain.calendar import STOCKHOLM
from devplan.domain.employees import NewEmployee

EVENT_HOUR, CLICK_HOUR = 10, 14  # Stockholm: platform events, then what people do in Slack


def at(day: date, hour: int) -> datetime:
    return datetime.combine(day, clock_time(hour), STOCKHOLM)


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


@dataclass(frozen=True)
class ProposeGoal:
    """In Slack: `/utveckling mål`, the SMART modal filled in and submitted (block id → value)."""

    employee_id: str
    fields: dict[str, str]


@dataclass(frozen=True)
class Answer:
    """In Slack: a click on a goal's message. `kind` is the message (its outbox id's first part:
    goal-proposal, goal-reached, goal-perk-offer, review-invite) and `action` the button;
    `value_ends` picks one of several buttons with the same action (a perk)."""

    employee_id: str
    clicked_by: str
    kind: str
    action: str
    value_ends: str = ""


@dataclass(frozen=True)
class Counted:
    """From the platform: something a live source counts (a session, a user guided, a grant)."""

    event_type: str
    data: dict[str, Any]


@dataclass(frozen=True)
class SlackReflection:
    """In Slack: `/utveckling reflektera`, the modal submitted."""

    employee_id: str
    fields: dict[str, Any]


@dataclass(frozen=True)
class Command:
    """In Slack: someone types `/utveckling {text}`; `{anna}` in the text is a mention of Anna."""

    by: str
    text: str


@dataclass
class Day:
    goals: list[Goals] = field(default_factory=list)
    reflections: list[Reflection] = field(default_factory=list)
    held: list[MarkHeld] = field(default_factory=list)
    counted: list[Counted] = field(default_factory=list)
    slack: list[ProposeGoal | Answer | SlackReflection | Command] = field(default_factory=list)  # in this order


def _d(text: str) -> date:
    return date.fromisoformat(text)


YEAR: dict[date, Day] = {}


def on(day: str, *things: Any) -> None:
    entry = YEAR.setdefault(_d(day), Day())
    lists: dict[type, list[Any]] = {
        Goals: entry.goals,
        Reflection: entry.reflections,
        MarkHeld: entry.held,
        Counted: entry.counted,
        ProposeGoal: entry.slack,
        Answer: entry.slack,
        SlackReflection: entry.slack,
        Command: entry.slack,
    }
    for thing in things:
        lists[type(thing)].append(thing)
