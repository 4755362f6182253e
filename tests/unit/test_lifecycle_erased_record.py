"""An erased person takes no more facts: a late employee.updated (older or newer than the
erasure) is acknowledged and ignored with a log line, and their name and e-mail stay erased, so
the erased address links nobody again."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from devplan.adapters.firestore.personal_records import PersonalRecords
from devplan.services import privacy
from tests.unit.test_lifecycle import handle, team, updated

ERASED_AT = datetime(2025, 4, 9, 8, tzinfo=UTC)


def erased_team():
    t = team()
    assert privacy.erase("anna", PersonalRecords(t.store.documents, lambda: ERASED_AT), t.store)
    return t


def test_an_update_after_the_erasure_brings_back_neither_name_nor_email(caplog):
    t = erased_team()
    before = t.snapshot()
    with caplog.at_level(logging.INFO):
        late = updated(at="2025-04-10T09:00:00+02:00", name="Anna Ny", email="anna.ny@ij.se", leadId="carl")
        outcome = handle(t, late)
    assert outcome == ["erased"]
    assert t.snapshot() == before  # no fact, no audit entry, no claim kept of what it said
    assert t.store.atomically(lambda uow: uow.employees_with_email("anna.ny@ij.se")) == []
    assert any("erased" in r.getMessage() and "anna" in r.getMessage() for r in caplog.records)


def test_an_update_from_before_the_erasure_arriving_after_it_changes_nothing_either():
    t = erased_team()
    before = t.snapshot()
    assert handle(t, updated(at="2025-04-08T09:00:00+02:00", name="Anna Ny", role="coach")) == ["erased"]
    assert t.snapshot() == before


def test_the_erasure_removes_the_digests_a_name_or_email_entry_kept():
    import json

    from devplan.domain.lifecycle_trail import said

    t = team()
    handle(t, updated(at="2025-04-08T09:00:00+02:00", name="Anna Berg", email="anna.berg@ij.se"))
    kept = [
        said("anna", fact, value)["digest"]
        for fact, value in (("name", "Anna Berg"), ("name", "Anna Lindqvist"), ("email", "anna.berg@ij.se"))
    ]
    stored = json.dumps(t.store.docs, default=str)
    assert all(d in stored for d in kept)
    assert privacy.erase("anna", PersonalRecords(t.store.documents, lambda: ERASED_AT), t.store)
    stored = json.dumps(t.store.docs, default=str)
    assert not any(d in stored for d in kept)


def test_through_the_webhook_the_update_is_answered_erased_and_acknowledged(env):
    from tests.unit.test_entry_points_http import seed_team
    from tests.unit.test_privacy_before_onboarding import post

    seed_team(env)
    assert post(env, "employee.erasure_requested", {"employeeId": "anna"}, "x1").get_json()["status"] == "erased"
    answered = post(env, "employee.updated", {"employeeId": "anna", "leadId": "bo", "name": "Anna Ny"}, "u9")
    assert answered.status_code == 200 and answered.get_json()["status"] == "erased"
    assert env.store.docs["employees/anna"]["name"] == "(raderad)"
