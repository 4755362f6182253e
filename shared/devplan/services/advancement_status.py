"""What `/utveckling` shows of Senior Coach and supervision: a coach's way toward Senior Coach
(sessions and whole months against the configured thresholds), their supervisor or a suggestion,
and for a lead a suggested supervisor for each coach of theirs who has none."""

from __future__ import annotations

from datetime import date

from devplan.domain.advancement import full_months, is_candidate
from devplan.domain.employees import Employee
from devplan.domain.metrics import COACHING_SESSIONS
from devplan.messages.catalog import text
from devplan.services import senior_coach, supervision
from devplan.services.ports import Store


def plan_lines(store: Store, employee: Employee, today: date) -> tuple[str, ...]:
    lang, lines = employee.language, supervision.plan_lines(store, employee, employee.language)
    if not is_candidate(employee.role, employee.level, employee.active):
        return lines
    criteria = senior_coach.criteria()
    sessions = store.atomically(lambda uow: uow.tally(employee.employee_id, COACHING_SESSIONS).count())
    progress = text(
        lang,
        "advancement.plan_line",
        sessions=sessions,
        required_sessions=criteria.sessions,
        months=min(full_months(employee.start_date, today), criteria.months),
        required_months=criteria.months,
    )
    return (progress, *lines)
