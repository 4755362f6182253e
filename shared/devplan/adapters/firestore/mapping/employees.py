"""Employees and their reflections ↔ employees/{id} and employees/{id}/reflections/{entry}."""

from __future__ import annotations

from datetime import date, datetime

from devplan.adapters.firestore.mapping.common import Document, compact, day, employee_path, iso
from devplan.domain.calendar import Quarter
from devplan.domain.employees import DEFAULT_LANGUAGE, PENDING, Employee
from devplan.domain.goals import Goal, GoalPlan
from devplan.domain.reflections import Reflection
from devplan.errors import UnusableRecord


def employee_from(employee_id: str, doc: Document) -> Employee:
    try:
        goals = doc.get("goals") or {}
        return Employee(
            employee_id=employee_id,
            name=doc["name"],
            email=doc["email"],
            role=doc["role"],
            lead_id=doc.get("leadId") or None,
            start_date=date.fromisoformat(doc["startDate"]),
            status=doc.get("status") or "",  # missing: not active (the fan-out asks for "active")
            language=doc.get("language") or DEFAULT_LANGUAGE,
            slack_user_id=(doc.get("slack") or {}).get("userId"),
            onboarding=(doc.get("onboarding") or {}).get("status", PENDING),
            welcomed_at=(doc.get("onboarding") or {}).get("welcomedAt"),
            goals=GoalPlan(
                deadline=day(goals.get("deadline")),
                items=tuple(
                    Goal(g.get("goalId", ""), g.get("title", ""), g.get("measure"), day(g.get("dueDate")))
                    for g in goals.get("items") or []
                ),
                set_at=goals.get("setAt"),
                set_on=day(goals.get("setOn")),
            ),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise UnusableRecord(f"{employee_path(employee_id)} is not a usable employee: {exc!r}") from None


def new_employee_document(employee: Employee, *, event_id: str, occurred_at: datetime) -> Document:
    """employees/{id} as the platform hands it over; reactions add the rest."""
    return {
        "name": employee.name,
        "email": employee.email,
        "role": employee.role,
        "leadId": employee.lead_id,
        "startDate": employee.start_date.isoformat(),
        "status": employee.status,
        "language": employee.language,
        "onboardedAt": occurred_at,
        "sourceEventId": event_id,
        "onboarding": {"status": employee.onboarding},
    }


def employee_update(employee: Employee) -> Document:
    """What the plan adds to an employee (goals, Slack id, onboarding), as a merge."""
    goals = employee.goals
    return compact(
        {
            "goals": compact(
                {
                    "deadline": iso(goals.deadline),
                    "quarter": Quarter.of(goals.deadline).key if goals.deadline else None,
                    "items": [
                        {"goalId": g.goal_id, "title": g.title, "measure": g.measure, "dueDate": iso(g.due)}
                        for g in goals.items
                    ]
                    if goals.is_set
                    else None,
                    "setAt": goals.set_at,
                    "setOn": iso(goals.set_on),
                }
            )
            or None,
            "slack": {"userId": employee.slack_user_id} if employee.slack_user_id else None,
            "onboarding": compact({"status": employee.onboarding, "welcomedAt": employee.welcomed_at}),
        }
    )


def slack_link_update(slack_user_id: str) -> Document:
    return {"slack": {"userId": slack_user_id}}


def reflection_document(reflection: Reflection) -> Document:
    return {
        "occurredAt": reflection.occurred_at,
        "on": reflection.on.isoformat(),
        "goalIds": list(reflection.goal_ids),
        "eventId": reflection.event_id,
    }
