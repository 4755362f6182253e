"""An employee.updated that lands while an erasure runs (after its gather, before the record is
erased) leaves nothing of its facts behind: not the name, not the e-mail, not their digests."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from devplan.adapters.firestore.personal_records import PersonalRecords
from devplan.domain.lifecycle_trail import said
from devplan.services import privacy
from tests.unit.test_lifecycle import handle, team, updated

AT = datetime(2025, 4, 9, 8, tzinfo=UTC)


def test_an_update_committed_while_the_erasure_runs_leaves_no_digest(monkeypatch):
    t = team()
    gather = PersonalRecords.gather

    def gather_then_update(self: PersonalRecords, employee_id: str):
        found = gather(self, employee_id)
        # The platform's update lands now: the record is offboarded, not erased yet.
        handle(t, updated(at="2025-04-08T09:00:00+02:00", name="Anna Berg", email="anna.berg@ij.se"))
        return found

    monkeypatch.setattr(PersonalRecords, "gather", gather_then_update)
    privacy.erase("anna", PersonalRecords(t.store.documents, lambda: AT), t.store)
    stored = json.dumps(t.store.docs, default=str)
    digests = [
        said("anna", fact, value)["digest"] for fact, value in (("name", "Anna Berg"), ("email", "anna.berg@ij.se"))
    ]
    assert [d for d in digests if d in stored] == []
    assert "Anna Berg" not in stored and "anna.berg@ij.se" not in stored
