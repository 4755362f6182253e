"""A Swedish history has no English words: every action the plan writes reads as a Swedish
sentence, one whose detail lacks a figure reads as its shorter sentence, and an action no text
knows yet shows who and what kind, never the code's English names."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from devplan.domain.audit import ADVANCEMENT, APPROVAL, LIFECYCLE, RECOGNITION, REFUSAL, WALLET, AuditEntry
from devplan.messages.history import line

AT = datetime(2025, 4, 2, 8, 30, tzinfo=UTC)
COURSE = {"year": 2025, "requestId": "k1", "course": "Kubernetes", "costSek": 4200, "budgetSek": 12000, "leftSek": 7800}
GRANTS = {"grants": 3}

WRITTEN = [  # (kind, action, detail) as the services write them
    (WALLET, "training_request_recorded", COURSE),
    (APPROVAL, "training_request_recorded", COURSE),
    (WALLET, "training_request_over_budget", COURSE),
    (REFUSAL, "training_request_refused", COURSE),
    (ADVANCEMENT, "larger_programmes_approved", GRANTS),
    (REFUSAL, "larger_programmes_not_yet", GRANTS),
    (RECOGNITION, "funding_granted", {"applicationId": "a1", "funder": "Vinnova", "grantedSek": 250000}),
    (APPROVAL, "supervisor_assigned", {"supervisorId": "maja", "previous": None}),
    (REFUSAL, "senior_coach_not_yet", {"on": "2025-04-02"}),
    (LIFECYCLE, "role_changed", {"to": "coach"}),
    (LIFECYCLE, "lead_changed", {"to": "carl"}),
    (LIFECYCLE, "offboarded", {"cancelledMessages": 2}),
]
ENGLISH = ("request", "granted", "programmes", "changed", "supervisor", "yet", "cost", "sek")


@pytest.mark.parametrize(("kind", "action", "detail"), WRITTEN, ids=[f"{k}-{a}" for k, a, _ in WRITTEN])
def test_every_action_the_plan_writes_reads_in_swedish(kind, action, detail):
    shown = line("sv", AuditEntry("k", "anna", kind, action, "bo", AT, None, detail), "Bo")
    words = shown.lower().replace("_", " ")
    assert not [w for w in ENGLISH if w in words], shown
    assert line("en", AuditEntry("k", "anna", kind, action, "bo", AT, None, detail), "Bo") != shown


def test_an_action_no_text_knows_yet_names_who_and_what_kind_in_swedish():
    odd = AuditEntry("x:1", "maja", APPROVAL, "x_happened", "bo", AT, None, {"someFigure": 3})
    assert line("sv", odd, "Bo") == "den 2 april 2025 – Bo: godkännande"
    assert line("en", odd, "Bo") == "2 April 2025 – Bo: approval, x happened (some figure: 3)"
