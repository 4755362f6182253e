"""The restore drill, short form: the first weeks of the demo's year (onboardings, a late Slack
account, welcomes, first goals) on the local stack, then export → wipe → import into a new
database → every document written back into the live one, with the functions running, as they
would be on a real project during a restore (devplan_tools/drill.py). Every document must come
back exactly, and the triggers the wipe and the writes fire must send nothing to Slack again.
The full year: `devplan drill` (`./dev drill`)."""

from __future__ import annotations

import sys
from datetime import date

import pytest

from devplan_tools import backup, cli
from devplan_tools.drill import drill
from devplan_tools.local.control import StackClient

pytestmark = pytest.mark.e2e


def test_a_backup_restored_over_a_wiped_database_is_the_same_and_sends_nothing_again(clean_stack, tmp_path):
    result = drill(StackClient(clean_stack.info()), date(2025, 1, 1), date(2025, 1, 20), tmp_path, out=sys.stdout)
    print(result)
    # the drill had something to lose: people, their quarters, messages sent, the ledger
    assert result.documents.get("employees", 0) >= 3, result.documents
    assert {"outbox", "processedEvents", "ticks"} <= set(result.documents), result.documents
    # the functions saw the restore: the wipe's deletes and the import's writes fired their triggers
    wanted = result.documents["employees"] * 2 + result.documents["outbox"]  # deleted, written; created
    assert result.triggers["by_wipe"] + result.triggers["by_write_back"] >= wanted, result.triggers
    assert result.triggers["failed"] == 0
    assert result.differences == []
    assert result.slack_writes_after_restore == []
    assert result.duplicated_posts == []
    assert result.passed


def test_devplan_backup_and_restore_bring_back_what_changed_since(clean_stack, tmp_path, monkeypatch, capsys):
    from devplan_tools.local import control

    info = clean_stack.info()
    monkeypatch.setattr(control, "running", lambda: info)
    db = StackClient(info).firestore()
    db.document("employees/anna").set({"name": "Anna Lindqvist", "status": "left"})  # no onboarding: inert
    db.document("ticks/2025-01-02").set({"state": "fanned_out", "chunks": 1})
    db.document("ticks/2025-01-02/chunks/0").set({"employees": 1})
    clean_stack.wait_quiet()

    assert cli.main(["backup", "--dir", str(tmp_path), "--name", "before"]) == 0
    assert f"devplan restore {tmp_path / 'before'}" in capsys.readouterr().out
    saved = backup.documents(db)
    db.document("employees/anna").set({"name": "Anna", "status": "mangled"})
    db.document("ticks/2025-01-03").set({"state": "day_off"})
    db.document("ticks/2025-01-02/chunks/0").delete()
    clean_stack.wait_quiet()

    assert cli.main(["restore", str(tmp_path / "before")]) == 0
    assert backup.documents(db) == saved  # changed, added and deleted documents: all as they were
    assert cli.main(["restore", str(tmp_path / "nothing-here")]) == 1
    assert "not an export" in capsys.readouterr().err
