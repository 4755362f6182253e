"""The quarter's 1:1 agenda carries what issue 8's data tells: sessions toward Senior Coach for a
coach (the exact tally, whole months since the start), the training budget used and left and a
funding manager's applications in flight, and no line at all for a figure not known."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from devplan.domain.advancement import full_months
from devplan.services import agenda, quarterly_cycle
from devplan.services.inputs import EmployeeChunk, PlatformEvent
from devplan.services.metrics import count_item
from devplan.services.platform_events import handle
from tests.unit.goal_support import workspace

JULY_1 = date(2025, 7, 1)  # Q3 opens; everyone started 2025-01-07


@pytest.mark.parametrize(
    ("start", "today", "months"),
    [
        (date(2025, 1, 15), date(2025, 7, 14), 5),
        (date(2025, 1, 15), date(2025, 7, 15), 6),
        (date(2025, 1, 31), date(2025, 2, 28), 1),  # a month from the 31st ends on the last day of February
        (date(2024, 11, 1), date(2025, 4, 1), 5),
        (date(2025, 5, 1), date(2025, 4, 1), 0),
    ],
)
def test_whole_months_since_the_start(start, today, months):
    assert full_months(start, today) == months


def _complete(store, session: str) -> None:
    data = {"sessionId": session, "coachId": "anna", "completedAt": "2025-05-02T10:00:00+02:00", "durationMinutes": 60}
    count_item(
        PlatformEvent(f"ev-{session}", "coaching.session_completed", datetime(2025, 5, 2, tzinfo=UTC), data, "d"), store
    )


def _invite(store, employee_id: str) -> str:
    quarterly_cycle.run_chunk(EmployeeChunk(JULY_1, (employee_id,), f"tick-{employee_id}"), store)
    blocks = store.docs[f"outbox/review-invite:{employee_id}:2025-Q3"]["blocks"]
    return [b for b in blocks if b["type"] == "section"][-1]["text"]["text"]  # what is known, above the buttons


def test_a_coach_sees_the_sessions_and_months_toward_senior_coach():
    store = workspace()
    for session in ("s1", "s2", "s3"):
        _complete(store, session)
    _complete(store, "s1")  # delivered twice: counted once
    known = _invite(store, "anna")
    assert "• Mot Senior Coach: 3 av 20 sessioner, 5 av 6 månader." in known
    assert "• Utbildningsbudget 2025: 0\u00a0kr använt, 5\u00a0000\u00a0kr kvar." in known  # nothing asked for yet
    assert "Ansökningar" not in known  # a coach has no applications


def test_the_wallet_and_the_applications_as_recorded_reach_the_agenda():
    store = workspace()
    course = {"employeeId": "erik", "requestId": "r1", "course": "Ansökningsskrivande", "provider": "Vinnova"}
    course |= {"costSek": 4200, "requestedAt": "2025-03-03T10:00:00+01:00"}
    application = {"employeeId": "erik", "applicationId": "a1", "funder": "Vinnova", "programme": "Innovation"}
    application |= {"amountSek": 465865, "deadline": "2025-09-30", "status": "submitted"}
    application |= {"updatedAt": "2025-06-02T10:00:00+02:00"}
    at = datetime(2025, 6, 2, 8, tzinfo=UTC)
    handle(PlatformEvent("t1", "training.requested", at, course, "d"), store)
    handle(PlatformEvent("f1", "funding.application_updated", at, application, "d"), store)
    known = _invite(store, "erik")
    assert "• Utbildningsbudget 2025: 4\u00a0200\u00a0kr använt, 800\u00a0kr kvar." in known
    assert "• Ansökningar under arbete: 1." in known


def test_budget_and_applications_render_as_figures(monkeypatch):
    store = workspace()
    monkeypatch.setattr(agenda, "facts_of_wallet", lambda uow, employee, year: (4200, 800))
    monkeypatch.setattr(agenda, "applications_in_flight", lambda uow, employee: 2)
    known = _invite(store, "erik")
    assert "• Utbildningsbudget 2025: 4\u00a0200\u00a0kr använt, 800\u00a0kr kvar." in known
    assert "• Ansökningar under arbete: 2." in known and "Senior Coach" not in known
