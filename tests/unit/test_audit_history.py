"""`/utveckling historik [@person]`: one's own trail, a led person's for their lead, a polite
refusal for anyone else; dated Swedish lines, a specific text where the catalog has one (a shorter
one when a figure is missing), a generic line otherwise (the action's English names only in an
English history); never editable (the footer says so)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from devplan.domain.audit import APPROVAL, REFUSAL, WALLET, AuditEntry
from devplan.messages.history import line
from tests.unit.slack_forms_support import ANNA_SLACK, BO_SLACK, MAJA_SLACK, Team

APRIL_2 = datetime(2025, 4, 2, 8, 30, tzinfo=UTC)
APPROVED = AuditEntry(
    "senior-coach-approved:maja",
    "maja",
    APPROVAL,
    "senior_coach_approved",
    "bo",
    APRIL_2,
    None,
    {"sessions": 20, "months": 6},
)


def test_a_known_action_reads_as_a_sentence_with_its_figures():
    assert line("sv", APPROVED, "Bo Joel Kvarnsmyr") == (
        "den 2 april 2025 – Bo Joel Kvarnsmyr godkände Senior Coach (20 sessioner, 6 månader)"
    )
    assert line("en", APPROVED, "Bo Joel Kvarnsmyr").startswith(
        "2 April 2025 – Bo Joel Kvarnsmyr approved Senior Coach"
    )


def test_an_unknown_action_or_a_missing_figure_still_reads_well():
    """(Until review 4 the Swedish line spelled the code's English names: no longer.)"""
    wallet = AuditEntry(
        "w:1",
        "anna",
        WALLET,
        "training_request_recorded",
        None,
        APRIL_2,
        None,
        {"costSek": 4200, "course": "Kubernetes"},
    )
    assert line("sv", wallet, None) == "den 2 april 2025 – Systemet registrerade en kurs"
    lacking = AuditEntry("s:1", "maja", REFUSAL, "senior_coach_not_yet", "bo", APRIL_2, "Fler sessioner först", {})
    assert (
        line("sv", lacking, "Bo")
        == "den 2 april 2025 – Bo svarade ”inte än” på Senior Coach (motivering: Fler sessioner först)"
    )
    odd = AuditEntry("x:1", "maja", "something_new", "x_happened", "bo", APRIL_2, None, {"ok": True})
    assert line("en", odd, "Bo") == "2 April 2025 – Bo: something new, x happened (ok: yes)"
    assert line("sv", odd, "Bo") == "den 2 april 2025 – Bo: something new"


@pytest.fixture
def team() -> Team:
    """Bo leads Anna and Maja; Maja's trail holds Bo's approval."""
    team = Team()
    team.store.atomically(lambda uow: uow.record(APPROVED))
    return team


def test_own_history_and_a_led_persons_history_are_shown(team):
    own = team.command(MAJA_SLACK, "historik")
    assert own["outcome"] == "shown" and own["text"].startswith("*Din historik*")
    assert "den 2 april 2025 – Bo Joel Kvarnsmyr godkände Senior Coach (20 sessioner, 6 månader)" in own["text"]
    assert "aldrig ändras" in own["text"] and "Visar 1 av 1 poster" in own["text"]
    led = team.command(BO_SLACK, "historik <@U_MAJA|maja>")
    assert (
        led["outcome"] == "shown"
        and "*Historik för Maja Berg*" in led["text"]
        and "godkände Senior Coach" in led["text"]
    )
    assert "Inget registrerat ännu." in team.command(BO_SLACK, "HISTORIK")["text"]


def test_someone_elses_history_is_refused_politely_and_shows_nothing(team):
    refused = team.command(ANNA_SLACK, "historik <@U_MAJA>")
    assert refused["outcome"] == "refused" and "Senior Coach" not in refused["text"]
    assert refused["text"] == "Historiken för Maja Berg kan bara läsas av Maja Berg och hens närmaste chef."
    assert team.command("U_STRANGER", "historik")["outcome"] == "unknown_asker"
    assert team.command(BO_SLACK, "historik maja")["outcome"] == "usage"
    assert team.command(BO_SLACK, "historik <@U_NOBODY>")["outcome"] == "unknown_person"


def test_reading_the_history_writes_nothing(team):
    before = team.snapshot()
    team.command(BO_SLACK, "historik <@U_MAJA>")
    team.command(ANNA_SLACK, "historik <@U_MAJA>")
    assert team.snapshot() == before
