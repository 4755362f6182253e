"""Shared by the goal and live-metric tests: a coach and her lead in the in-memory store (both in
Slack, so every message is emitted), her agreed goals, platform events, and what was sent."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from itertools import count
from typing import Any

from devplan.domain.calendar import Quarter
from devplan.domain.goals import AGREED, EMPLOYEE, GoalPlan, SmartGoal
from devplan.domain.smart import Draft, Measure
from devplan.services import platform_events
from devplan.services.inputs import PlatformEvent
from tests.fakes import InMemoryStore

Q2 = Quarter.parse("2025-Q2")
AGREED_ON = date(2025, 4, 2)
_ids = count(1)


def person(name: str, email: str, role: str, lead: str | None, slack: str | None) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "name": name,
        "email": email,
        "role": role,
        "leadId": lead,
        "startDate": "2025-01-07",
        "status": "active",
        "language": "sv",
        "onboarding": {"status": "welcomed"},
    }
    if slack:
        doc["slack"] = {"userId": slack}
    return doc


def workspace() -> InMemoryStore:
    """Bo leads; Anna coaches (and is in Slack); Erik secures funding."""
    store = InMemoryStore(datetime(2025, 4, 8, 7, tzinfo=UTC))
    store.set("employees/bo", person("Bo Joel Kvarnsmyr", "bo@innerjourney.se", "project_lead", None, "U_BO"))
    store.set("employees/anna", person("Anna Lindqvist", "anna@innerjourney.se", "coach", "bo", "U_ANNA"))
    store.set("employees/erik", person("Erik Holm", "erik@innerjourney.se", "funding_manager", "bo", "U_ERIK"))
    return store


def live_goal(goal_id: str, target: int, source: str | None, *, baseline: int = 0, unit: str = "st") -> SmartGoal:
    measure = Measure(f"mätt i {source or 'ord'}", target, baseline, unit, source)
    draft = Draft(f"Mål {goal_id}: {target} {unit}", measure, "Enligt plan", "Inner Journeys behov", Q2.end)
    return SmartGoal(goal_id, Q2, draft, AGREED, EMPLOYEE, Q2.start, AGREED_ON, counts_from=Q2.start)


def give_goals(store: InMemoryStore, employee_id: str, *goals: SmartGoal) -> None:
    """Agreed goals, written as the store writes them (the mapping's own documents)."""

    def work(uow):
        employee = uow.employee(employee_id)
        uow.save_employee(replace(employee, goals=GoalPlan(items=goals)))

    store.atomically(work)


def goal(store: InMemoryStore, employee_id: str, goal_id: str) -> SmartGoal:
    found = store.atomically(lambda uow: uow.employee(employee_id)).goals.goal(goal_id)
    assert found is not None
    return found


def event(kind: str, data: dict[str, Any], *, event_id: str | None = None, at: str = "2025-04-08T09:00:00+02:00"):
    return PlatformEvent(
        event_id or f"ev-{next(_ids)}", kind, datetime.fromisoformat(at), data, f"delivery-{next(_ids)}"
    )


def completed(session: str, coach: str = "anna", day: str = "2025-04-10", **kwargs: Any) -> PlatformEvent:
    data = {"sessionId": session, "coachId": coach, "completedAt": f"{day}T10:00:00+02:00"}
    return event("coaching.session_completed", data, **kwargs)


def cancelled(session: str, **kwargs: Any) -> PlatformEvent:
    return event("coaching.session_cancelled", {"sessionId": session}, **kwargs)


def handle(store: InMemoryStore, *events: PlatformEvent) -> list[str]:
    return [platform_events.handle(e, store) for e in events]


def sent(store: InMemoryStore, topic: str) -> dict[str, dict[str, Any]]:
    """The outbox messages of one topic (goal_notices: "goal reached → lead", "goal proposal", …)."""
    return {k: v for k, v in store.collection("outbox").items() if v.get("topic") == topic}


REACHED = "goal reached → lead"
