"""Export and erasure of someone the platform has not onboarded yet: their held events are handed
out and erased by employeeId, and an erasure that comes before the onboarding is held like any
other event about them, so the onboarding is followed at once by the erasure (nothing personal
kept, nothing the platform asked for lost). An id with nothing at all still says so."""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime

from devplan.adapters.firestore.personal_records import PersonalRecords
from devplan.services.inputs import PlatformEvent
from devplan_tools import privacy_cli
from tests.unit.entry_support import client, fixture_bytes, platform_headers
from tests.unit.test_entry_points_http import seed_team

SECRET = "Mitt hemliga"


def post(env, kind: str, data: dict, event_id: str, occurred: str = "2025-04-08T08:00:00+02:00"):
    body = json.dumps({"id": event_id, "type": kind, "occurredAt": occurred, "data": data}).encode()
    return client("platform_webhook").post("/", data=body, headers=platform_headers(body, env.now))


def onboard_newp(env):
    body = fixture_bytes("platform/employee_onboarded.json")
    body = body.replace(b'"anna"', b'"newp"').replace(b"evt-anna-onboarded", b"evt-newp-onboarded")
    return client("platform_webhook").post("/", data=body, headers=platform_headers(body, env.now))


def hold_two_events_for_newp(env) -> None:
    reflection = {"employeeId": "newp", "entryId": "e1", "wentWell": SECRET, "challenges": "Privat text"}
    assert post(env, "journal.reflection_logged", reflection, "r1").get_json()["status"] == "held"
    update = {"employeeId": "newp", "name": "Nya Personsson", "email": "nya@ij.se"}
    assert post(env, "employee.updated", update, "u1").get_json()["status"] == "held"


def stored_text(env) -> str:
    return json.dumps(env.store.docs, default=str, ensure_ascii=False)


def test_the_export_of_someone_not_onboarded_hands_out_their_held_events(env):
    seed_team(env)
    hold_two_events_for_newp(env)
    answer = post(env, "employee.export_requested", {"employeeId": "newp"}, "x1").get_json()
    assert answer["status"] == "exported"
    assert set(answer["export"]["sections"]["heldEvents"]) == {"heldEvents/r1", "heldEvents/u1"}
    assert SECRET in json.dumps(answer["export"], ensure_ascii=False)


def test_an_erasure_before_the_onboarding_erases_held_events_and_is_held_itself(env):
    seed_team(env)
    hold_two_events_for_newp(env)
    answer = post(env, "employee.erasure_requested", {"employeeId": "newp"}, "x2").get_json()
    assert answer["status"] == "held" and answer["erased"] == {"heldEvents": 2}
    for personal in (SECRET, "Privat text", "Nya Personsson", "nya@ij.se"):
        assert personal not in stored_text(env), personal
    assert [d["type"] for p, d in env.store.docs.items() if p.startswith("heldEvents/")] == [
        "employee.erasure_requested"
    ]
    # The same request again: nothing more to erase, still held (once).
    again = post(env, "employee.erasure_requested", {"employeeId": "newp"}, "x2").get_json()
    assert again["status"] == "held" and again["erased"] == {"heldEvents": 0}


def test_the_onboarding_after_an_erasure_is_followed_at_once_by_the_erasure(env):
    seed_team(env)
    assert post(env, "employee.erasure_requested", {"employeeId": "newp"}, "x3").get_json()["status"] == "held"
    assert onboard_newp(env).status_code == 200
    newp = env.store.docs["employees/newp"]
    assert newp["name"] == "(raderad)" and newp["status"] == "offboarded" and "slack" not in newp
    assert "Anna Lindqvist" not in json.dumps(newp, default=str, ensure_ascii=False)
    assert not [p for p in env.store.docs if p.startswith("heldEvents/")]  # the erasure was applied
    # Anything about them later is acknowledged and ignored, as for anyone offboarded.
    late = {"employeeId": "newp", "entryId": "e2", "wentWell": SECRET}
    assert post(env, "journal.reflection_logged", late, "r2").get_json()["status"] == "offboarded"
    assert SECRET not in stored_text(env)


def test_events_after_a_held_erasure_are_acknowledged_and_ignored(env):
    seed_team(env)
    post(env, "employee.erasure_requested", {"employeeId": "newp"}, "x4")
    reflection = {"employeeId": "newp", "entryId": "e1", "wentWell": SECRET}
    assert post(env, "journal.reflection_logged", reflection, "r1").get_json()["status"] == "erased"
    assert SECRET not in stored_text(env)


def test_an_event_held_beside_the_erasure_is_erased_after_it_is_applied(env):
    """Held in a race with the erasure (or before it, in an older release): the release applies
    the erasure last, whatever the times the events carry."""
    seed_team(env)
    post(env, "employee.erasure_requested", {"employeeId": "newp"}, "x4", "2025-04-08T07:00:00+02:00")
    reflection = {"employeeId": "newp", "entryId": "e9", "wentWell": SECRET}
    late = PlatformEvent("r9", "journal.reflection_logged", datetime(2025, 4, 8, 6, 30, tzinfo=UTC), reflection, "")
    env.store.atomically(lambda uow: uow.hold(late, "newp"))
    onboard_newp(env)
    assert SECRET not in stored_text(env)
    assert env.store.docs["employees/newp"]["name"] == "(raderad)"
    assert not [p for p in env.store.docs if p.startswith("heldEvents/")]


def cli(monkeypatch, env, command, employee_id: str) -> int:
    records = PersonalRecords(env.store.documents, lambda: env.now)
    monkeypatch.setattr(privacy_cli, "_records", lambda project: ("test", records, env.store))
    return command(argparse.Namespace(employee=employee_id, project=None))


def test_the_cli_exports_and_erases_held_events_and_still_fails_for_an_id_with_nothing(env, monkeypatch, capsys):
    seed_team(env)
    hold_two_events_for_newp(env)
    assert cli(monkeypatch, env, privacy_cli.export_command, "newp") == 0
    assert SECRET in capsys.readouterr().out
    assert cli(monkeypatch, env, privacy_cli.erase_command, "newp") == 0
    assert "heldEvents 2" in capsys.readouterr().out and SECRET not in stored_text(env)
    onboard_newp(env)  # the operator's erasure was kept for this moment
    assert env.store.docs["employees/newp"]["name"] == "(raderad)"
    before = env.snapshot()
    assert cli(monkeypatch, env, privacy_cli.export_command, "nobody") == 1
    assert cli(monkeypatch, env, privacy_cli.erase_command, "nobody") == 1
    assert "No employee 'nobody'" in capsys.readouterr().err
    assert env.store.docs == before  # a mistyped id leaves nothing behind
