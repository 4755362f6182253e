"""A damaged record never blocks an erasure or an export: fields of a wrong type are read field by
field, the personal ones erased whatever their type, and the export hands out what is there."""

from __future__ import annotations

import json

import pytest

from tests.unit.entry_support import client, platform_headers
from tests.unit.slack_forms_support import ANNA_SLACK
from tests.unit.test_entry_points_http import seed_team

DAMAGE = {
    "goals is a number": {"goals": 5},
    "goals' items are not a list": {"goals": {"items": "Mitt hemliga mål"}},
    "a goal is not a map": {"goals": {"items": [5, {"title": "Mitt hemliga mål", "measure": 3}]}},
    "slack is a string": {"slack": "x"},
    "slack's user id is a number": {"slack": {"userId": 7}},
}


def post(env, kind: str, event_id: str):
    body = json.dumps(
        {"id": event_id, "type": kind, "occurredAt": "2025-04-08T08:00:00+02:00", "data": {"employeeId": "anna"}}
    ).encode()
    return client("platform_webhook").post("/", data=body, headers=platform_headers(body, env.now))


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_a_damaged_record_is_exported_as_it_is_and_erased_all_the_same(env, damage):
    seed_team(env)
    env.store.docs["employees/anna"].update(damage)
    exported = post(env, "employee.export_requested", "ex")
    assert exported.status_code == 200 and exported.get_json()["status"] == "exported"
    record = exported.get_json()["export"]["sections"]["employee"]["employees/anna"]
    assert {k: record[k] for k in damage} == damage
    erased = post(env, "employee.erasure_requested", "er")
    assert erased.status_code == 200 and erased.get_json()["status"] == "erased"
    anna = env.store.docs["employees/anna"]
    assert anna["name"] == "(raderad)" and anna["email"] == "raderad@raderad.invalid" and "slack" not in anna
    text = json.dumps(env.store.docs, default=str, ensure_ascii=False)
    for personal in ("Anna Lindqvist", "anna@innerjourney.se", "Mitt hemliga mål"):
        assert personal not in text, personal
    assert post(env, "employee.erasure_requested", "er2").get_json()["status"] == "already_erased"


def test_damaged_documents_beside_the_record_are_erased_field_by_field(env):
    seed_team(env)
    env.store.docs["employees/anna/wallets/2025"] = {"requests": "Hemlig kurs"}
    env.store.docs["employees/anna/reflections/r1"] = {"wentWell": ["Hemligt", 3], "challenges": {"x": "Hemligt"}}
    env.store.docs["cycles/anna:2025-Q2"] = {"employeeId": "anna", "review": "x", "notes": "Hemligt", "actions": "x"}
    env.store.docs["audit/a1"] = {"employeeId": "anna", "kind": "wallet", "why": "Hemligt", "detail": "Hemligt"}
    env.store.docs["outbox/m1"] = {"about": ["anna"], "users": ANNA_SLACK, "text": "Hemligt", "chart": {"people": "x"}}
    assert post(env, "employee.export_requested", "ex").get_json()["status"] == "exported"
    assert post(env, "employee.erasure_requested", "er").get_json()["status"] == "erased"
    assert "Hemlig" not in json.dumps(env.store.docs, default=str, ensure_ascii=False)


def test_a_slack_id_stored_as_a_bare_string_still_finds_their_slack_data(env):
    """`slack: "U…"` (the id without its map): a valid Slack id is theirs all the same, so the
    group DMs kept with it and the messages naming it are erased too."""
    seed_team(env)
    env.store.docs["employees/anna"]["slack"] = ANNA_SLACK
    env.store.docs["slackConversations/x"] = {"users": [ANNA_SLACK, "U_BO"], "channelId": "D1"}
    env.store.docs["outbox/old"] = {"users": [ANNA_SLACK], "text": "Hej Anna Lindqvist", "state": "sent"}
    assert post(env, "employee.erasure_requested", "er").get_json()["status"] == "erased"
    text = json.dumps(env.store.docs, default=str, ensure_ascii=False)
    assert ANNA_SLACK not in text and "Anna Lindqvist" not in text
    assert "slackConversations/x" not in env.store.docs
