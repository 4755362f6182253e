"""An employee.updated that cannot be applied because of our own stored record is answered as one:
422 `unusable_record`, set aside, not a 400 blaming the platform's event (which was fine)."""

from __future__ import annotations

import json

import pytest

from tests.unit.entry_support import client, platform_headers
from tests.unit.test_entry_points_http import seed_team


def post_update(env, data: dict) -> tuple[int, dict]:
    body = json.dumps(
        {"id": "ev-upd-1", "type": "employee.updated", "occurredAt": "2025-06-02T09:00:00+02:00", "data": data}
    ).encode()
    response = client("platform_webhook").post("/", data=body, headers=platform_headers(body, env.now))
    return response.status_code, response.get_json()


@pytest.mark.parametrize(
    "stored",
    [
        {"language": 7},
        {"status": ["active"]},
        {"startDate": "someday"},
        {"slack": "x"},
        {"lifecycle": {"fieldAt": {"name": "x"}}},
        {"lifecycle": {"was": {"role": 7}}},
    ],
)
def test_an_update_of_a_stored_record_the_plan_cannot_use_is_our_unusable_record(env, stored):
    seed_team(env)
    env.store.docs["employees/anna"].update(stored)
    status, answer = post_update(env, {"employeeId": "anna", "name": "Anna Berg"})
    assert (status, answer["error"]) == (422, "unusable_record")
    assert env.store.docs["employees/anna"]["name"] != "Anna Berg"


def test_an_update_naming_the_person_as_their_own_lead_is_the_events_fault(env):
    seed_team(env)
    status, answer = post_update(env, {"employeeId": "anna", "leadId": "anna"})
    assert (status, answer["error"]) == (400, "invalid_data")
