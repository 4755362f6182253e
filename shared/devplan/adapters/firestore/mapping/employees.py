"""Employees and their reflections ↔ employees/{id} and employees/{id}/reflections/{entry}."""

from __future__ import annotations

from datetime import date, datetime

from devplan.adapters.firestore.mapping.common import Document, compact, employee_path
from devplan.adapters.firestore.mapping.goals import goal_plan_document, goal_plan_from
from devplan.adapters.firestore.mapping.lifecycle import lifecycle_field_at_from, lifecycle_was_from
from devplan.adapters.firestore.mapping.money import funding_book_document, funding_book_from
from devplan.adapters.firestore.mapping.time_off import time_off_document, time_off_from
from devplan.domain.employees import DEFAULT_LANGUAGE, PENDING, Employee
from devplan.domain.reflections import Reflection
from devplan.errors import UnusableRecord


def employee_from(employee_id: str, doc: Document) -> Employee:
    try:
        return Employee(
            employee_id=employee_id,
            name=doc["name"],
            email=doc["email"],
            role=doc["role"],
            lead_id=doc.get("leadId") or None,
            start_date=date.fromisoformat(doc["startDate"]),
            status=doc.get("status") or "",  # missing: not active (the fan-out asks for "active")
            language=doc.get("language") or DEFAULT_LANGUAGE,
            language_from=doc.get("languageFrom"),
            slack_user_id=(doc.get("slack") or {}).get("userId"),
            onboarding=(doc.get("onboarding") or {}).get("status", PENDING),
            welcomed_at=(doc.get("onboarding") or {}).get("welcomedAt"),
            goals=goal_plan_from(doc.get("goals") or {}),
            level=doc.get("level"),
            responsibilities=tuple(doc.get("responsibilities") or ()),
            training_budget_sek=_kronor(doc.get("trainingBudgetSek")),
            supervisor_id=doc.get("supervisorId"),
            senior_coach_not_yet=_day((doc.get("seniorCoach") or {}).get("notYetOn")),
            funding=funding_book_from(doc.get("funding") or {}),
            home_opened=bool((doc.get("slack") or {}).get("homeOpened")),
            time_off=time_off_from(doc.get("timeOff") or {}),
            lifecycle_at=(doc.get("lifecycle") or {}).get("at"),
            lifecycle_field_at=lifecycle_field_at_from(doc.get("lifecycle") or {}),
            lifecycle_was=lifecycle_was_from(doc.get("lifecycle") or {}),
            erased_at=doc.get("erasedAt"),  # set by the erasure (mapping/privacy.py), never written here
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise UnusableRecord(f"{employee_path(employee_id)} is not a usable employee: {exc!r}") from None


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _kronor(value: object) -> int | None:
    """A changed training budget: whole kronor, or absent (anything else is not a usable employee)."""
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        raise ValueError(f"trainingBudgetSek must be whole kronor, not {value!r:.40}")
    return value


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
        **({"languageFrom": employee.language_from} if employee.language_from else {}),
        "onboardedAt": occurred_at,
        "sourceEventId": event_id,
        "onboarding": {"status": employee.onboarding},
    }


def employee_update(employee: Employee) -> Document:
    """What the plan adds to an employee (goals, Slack id, onboarding), as a merge."""
    return compact(
        {
            "goals": goal_plan_document(employee.goals) or None,
            "slack": (
                compact({"userId": employee.slack_user_id, "homeOpened": employee.home_opened or None})
                if employee.slack_user_id
                else None
            ),
            "onboarding": compact({"status": employee.onboarding, "welcomedAt": employee.welcomed_at}),
            "level": employee.level,
            "responsibilities": list(employee.responsibilities) or None,
            "trainingBudgetSek": employee.training_budget_sek,
            "supervisorId": employee.supervisor_id,
            "seniorCoach": (
                {"notYetOn": employee.senior_coach_not_yet.isoformat()} if employee.senior_coach_not_yet else None
            ),
            "funding": funding_book_document(employee.funding) or None,
            "timeOff": time_off_document(employee.time_off),
            # Only once decided (domain/language.py): an undecided record keeps what it has.
            "language": employee.language if employee.language_from else None,
            "languageFrom": employee.language_from,
        }
    )


def slack_link_update(slack_user_id: str) -> Document:
    return {"slack": {"userId": slack_user_id}}


def reflection_document(reflection: Reflection) -> Document:
    return compact(
        {
            "occurredAt": reflection.occurred_at,
            "on": reflection.on.isoformat(),
            "goalIds": list(reflection.goal_ids),
            "eventId": reflection.event_id,
            "wentWell": reflection.went_well,
            "challenges": reflection.challenges,
            "nextSteps": reflection.next_steps,
            "visibility": reflection.visibility,
            "source": reflection.source,
        }
    )
