"""Employees of the plan: who they are, their role, their lead, where they get mentoring."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from devplan.domain.funding import FundingBook
from devplan.domain.goals import STATUSES, GoalPlan
from devplan.domain.ids import is_slack_id, is_valid_id
from devplan.domain.language import DEFAULT_LANGUAGE as DEFAULT_LANGUAGE  # kept importable from here
from devplan.domain.language import FROM_PLATFORM, LANGUAGES
from devplan.domain.limits import MAX_EMAIL_LENGTH, MAX_NAME_LENGTH, is_supported_day, is_text, parse_day
from devplan.domain.time_off import TimeOffBook
from devplan.errors import InvalidEvent

ROLES = ("developer", "coach", "funding_manager", "project_lead")
# The seed's mentoring channels by role. The project lead mentors in all of them.
MENTORING_CHANNELS: dict[str, tuple[str, ...]] = {
    "developer": ("dev",),
    "coach": ("coaching",),
    "funding_manager": ("finance",),
    "project_lead": ("dev", "coaching", "finance"),
}
# An address Slack's users.lookupByEmail can match: RFC 5322's dot-atom local part (≤ 64) at a
# domain of letters, digits and hyphens with a dot; ASCII, as the platform's accounts are.
_EMAIL = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+"
)
ACTIVE = "active"


@dataclass(frozen=True)
class NewEmployee:
    """An employee as the platform hands them over (employee.onboarded)."""

    employee_id: str
    name: str
    email: str
    role: str
    lead_id: str | None
    start_date: date
    platform_language: str | None = None  # "sv" | "en" when the platform chose (domain/language.py)

    @property
    def first_name(self) -> str:
        return self.name.split()[0]


def is_email(value: object) -> bool:
    return (
        isinstance(value, str)
        and len(value) <= MAX_EMAIL_LENGTH
        and bool(_EMAIL.fullmatch(value))
        and len(value.partition("@")[0]) <= 64
    )


def parse_new_employee(data: dict[str, Any]) -> NewEmployee:
    """Validate the data of `employee.onboarded`; every problem is named in one InvalidEvent."""
    employee_id, name, email, role = (data.get(k) for k in ("employeeId", "name", "email", "role"))
    lead_id, start = data.get("leadId"), data.get("startDate")
    start_date = parse_day(start)
    problems = _problems(employee_id, name, email, role, lead_id)
    language = data.get("language")
    if "language" in data and language not in LANGUAGES:  # optional, but never null
        problems.append(f"language must be one of {', '.join(LANGUAGES)} or absent")
    if start_date is None:
        problems.append(f"startDate must be a date YYYY-MM-DD in {_SUPPORTED_YEARS}")
    if problems or not (
        isinstance(employee_id, str)
        and isinstance(name, str)
        and isinstance(email, str)
        and isinstance(role, str)
        and start_date is not None
    ):
        raise InvalidEvent("employee.onboarded: " + "; ".join(problems), code="invalid_data")
    return NewEmployee(employee_id, name.strip(), email.lower(), role, lead_id or None, start_date, language)


def employee_problems(employee: Employee, *, lead_required: bool = True) -> list[str]:
    """What in a stored employee record (maybe written by someone else) the plan cannot work with:
    the platform's facts as parse_new_employee requires them, and what the plan added of the right
    types (the mapping reads fields as they are stored). `lead_required=False`: a lead the
    platform has still to name is not a problem (it may come after the role: domain/lifecycle.py)."""
    problems = _problems(employee.employee_id, employee.name, employee.email, employee.role, employee.lead_id)
    if not lead_required:
        problems = [p for p in problems if p != _LEAD_REQUIRED]
    if not isinstance(employee.start_date, date) or not is_supported_day(employee.start_date):
        problems.append(f"startDate must be in {_SUPPORTED_YEARS}")
    if employee.slack_user_id is not None and not is_slack_id(employee.slack_user_id):
        problems.append("slack.userId is not a Slack user id")
    if not isinstance(employee.status, str) or not isinstance(employee.language, str):
        problems.append("status and language must be text")
    if employee.onboarding not in ONBOARDING_STATES:
        problems.append(f"onboarding.status must be one of {', '.join(ONBOARDING_STATES)}")
    budget = employee.training_budget_sek
    if budget is not None and (isinstance(budget, bool) or not isinstance(budget, int) or budget < 0):
        problems.append("trainingBudgetSek must be whole kronor (0 or more)")
    if employee.welcomed_at is not None and not isinstance(employee.welcomed_at, datetime):
        problems.append("onboarding.welcomedAt must be a time")
    return problems + _goal_plan_problems(employee.goals)


def _goal_plan_problems(plan: GoalPlan) -> list[str]:
    problems = []
    if plan.deadline is not None and not is_supported_day(plan.deadline):
        problems.append(f"goals' days must be in {_SUPPORTED_YEARS}")
    if any(g.set_at is not None and not isinstance(g.set_at, datetime) for g in plan.items):
        problems.append("a goal's setAt must be a time")
    for goal in plan.items:
        if not (isinstance(goal.goal_id, str) and isinstance(goal.title, str)) or goal.status not in STATUSES:
            problems.append("each goal needs a goalId, an outcome text and a known status")
        if goal.draft.due is not None and not is_supported_day(goal.draft.due):
            problems.append(f"a goal's dueDate must be in {_SUPPORTED_YEARS}")
        measure = goal.draft.measure
        if measure is not None and not (isinstance(measure.target, int) and isinstance(measure.baseline, int)):
            problems.append("a goal's target and baseline must be whole numbers")
    return problems


_SUPPORTED_YEARS = "2000–2100"


def _problems(employee_id: object, name: object, email: object, role: object, lead_id: object) -> list[str]:
    problems = []
    if not is_valid_id(employee_id):
        problems.append("employeeId must be 1–128 letters, digits, '_', '-' or '.'")
    if not is_text(name, MAX_NAME_LENGTH):
        problems.append(f"name must be text of 1–{MAX_NAME_LENGTH} characters on one line")
    if not is_email(email):
        problems.append(f"email must be an e-mail address of at most {MAX_EMAIL_LENGTH} characters")
    if role not in ROLES:
        problems.append(f"role must be one of {', '.join(ROLES)}")
    if lead_id is not None and not is_valid_id(lead_id):
        problems.append("leadId must be an employee id or null")
    if is_lead_missing(role, lead_id):
        problems.append(_LEAD_REQUIRED)
    if lead_id is not None and lead_id == employee_id:
        problems.append("leadId cannot be the employee themself")
    return problems


_LEAD_REQUIRED = "leadId is required for everyone but a project lead"


def is_lead_missing(role: object, lead_id: object) -> bool:
    return role != "project_lead" and not lead_id


# Onboarding states of an employee record (services/onboarding.py moves them on).
PENDING, WAITING_FOR_SLACK, WELCOMED = "pending", "waiting_for_slack", "welcomed"
ONBOARDING_STATES = (PENDING, WAITING_FOR_SLACK, WELCOMED)


@dataclass(frozen=True)
class Employee(NewEmployee):
    """An employee as the plan knows them: the platform's facts and what the plan added."""

    status: str = ACTIVE
    language: str = DEFAULT_LANGUAGE
    language_from: str | None = None  # "platform" | "slack" | "person" once decided (domain/language.py)
    slack_user_id: str | None = None
    onboarding: str = PENDING
    welcomed_at: datetime | None = None
    goals: GoalPlan = field(default_factory=GoalPlan)
    level: str | None = None  # an advancement reached, e.g. "senior_coach"
    responsibilities: tuple[str, ...] = ()  # e.g. lead of a technical sub-project, larger funding programmes
    training_budget_sek: int | None = None  # the yearly training budget if the lead changed it
    supervisor_id: str | None = None  # a coach's supervisor, a Senior Coach (services/supervision.py)
    senior_coach_not_yet: date | None = None  # the lead's last "Inte än" (services/senior_coach.py)
    funding: FundingBook = field(default_factory=FundingBook)  # a funding manager's applications
    home_opened: bool = False  # they opened their App Home: it is kept fresh (services/home_refresh.py)
    time_off: TimeOffBook = field(default_factory=TimeOffBook)  # periods away (domain/time_off.py)
    # The newest employee.updated applied, or when they were offboarded (domain/lifecycle.py).
    lifecycle_at: datetime | None = None
    # When each platform fact (name, email, role, leadId) was last set by employee.updated; None
    # on a record from before facts had their own times: lifecycle_at stands for each (domain/lifecycle.py).
    lifecycle_field_at: Mapping[str, datetime] | None = None
    # Each fact from before the first employee.updated that set it, as its audit entry says it
    # (a name or e-mail by digest: domain/lifecycle.py `said`).
    lifecycle_was: Mapping[str, str] | None = None
    # When their personal data was erased (services/privacy.py): no fact of theirs is taken after it.
    erased_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.status == ACTIVE

    @classmethod
    def joining(cls, new: NewEmployee) -> Employee:
        chosen = new.platform_language
        return cls(
            new.employee_id,
            new.name,
            new.email,
            new.role,
            new.lead_id,
            new.start_date,
            language=chosen or DEFAULT_LANGUAGE,
            language_from=FROM_PLATFORM if chosen else None,
        )
