"""The platform webhook's edge: every input class the independent run answered with a 5xx (or let
through to fail later) is now a JSON 4xx that writes nothing. One example per class; the classes
themselves are generated in tests/generated."""

from __future__ import annotations

import json

import pytest

from devplan.domain.limits import WEBHOOK_MAX_BODY_BYTES
from tests.unit.entry_support import client, fixture_bytes, platform_headers

ONBOARDED = json.loads(fixture_bytes("platform/employee_onboarded.json"))
GOALS = json.loads(fixture_bytes("platform/goals_set.json"))
REFLECTION = json.loads(fixture_bytes("platform/reflection_logged.json"))


def _post(env, body: bytes, headers=None):
    return client("platform_webhook").post("/", data=body, headers=headers or platform_headers(body, env.now))


def _refused(env, body: bytes, headers=None) -> tuple[int, str]:
    before = env.snapshot()
    response = _post(env, body, headers)
    assert response.content_type.startswith("application/json"), response.get_data(as_text=True)[:200]
    answer = response.get_json()
    assert answer["ok"] is False and isinstance(answer["message"], str)
    assert env.store.docs == before
    return response.status_code, answer["error"]


def _with(envelope: dict, **data) -> bytes:
    return json.dumps({**envelope, "data": {**envelope["data"], **data}}).encode()


@pytest.mark.parametrize("timestamp", ["²", "١٧٠٠٠٠٠٠٠٠", "9" * 30, "-1", "1e9", " 1744095630"])
def test_a_timestamp_that_is_not_ascii_unix_seconds_is_a_401(env, timestamp):
    body = json.dumps(ONBOARDED).encode()
    headers = {**platform_headers(body, env.now), "X-Devplan-Timestamp": timestamp}
    assert _refused(env, body, headers)[0] == 401


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 30_000 + b"]" * 30_000,  # json.loads: RecursionError (within the size limit)
        b'{"id": ' + b"1" * 5000 + b"}",  # json.loads: ValueError (int longer than 4300 digits)
        json.dumps(ONBOARDED).encode("utf-16"),  # json.loads(bytes) would guess UTF-16
        json.dumps({**ONBOARDED, "id": float("nan")}).encode(),  # NaN is not JSON
        json.dumps({**ONBOARDED, "id": "evt-\ud800"}).encode(),  # a lone surrogate
        json.dumps({**ONBOARDED, "occurredAt": "9999-12-31T23:59:59-23:59"}).encode(),
        json.dumps({**ONBOARDED, "occurredAt": "0001-01-01T00:00:00+23:59"}).encode(),
        json.dumps({**ONBOARDED, "type": ["employee.onboarded"]}).encode(),
        json.dumps({**ONBOARDED, "id": "x" * 257}).encode(),
    ],
    ids=["deep", "huge-int", "utf-16", "nan", "surrogate", "year-9999", "year-1", "type-list", "long-id"],
)
def test_a_body_the_parser_or_the_calendar_cannot_take_is_a_400(env, body):
    assert _refused(env, body) == (400, "malformed")


def test_a_body_over_the_limit_is_a_413_before_anything_else(env):
    body = json.dumps(ONBOARDED).encode() + b" " * WEBHOOK_MAX_BODY_BYTES
    assert _refused(env, body, {"Content-Type": "application/json"}) == (413, "payload_too_large")


@pytest.mark.parametrize(
    "data",
    [
        {"employeeId": "."},
        {"employeeId": ".."},
        {"employeeId": "__x__"},
        {"employeeId": "anna\n"},
        {"leadId": "__name__"},
        {"name": "A" * 201},
        {"name": "Anna\x00"},
        {"email": "anna@innerjourney.se\n"},
        {"email": "<anna>@innerjourney"},
        {"email": "a" * 250 + "@x.se"},
        {"email": 12},
        {"startDate": "9999-12-31"},
        {"startDate": "1999-12-31"},
        {"startDate": "20250107"},
        {"startDate": "2025-W02-2"},
        {"role": ["developer"]},
    ],
)
def test_onboarding_data_later_steps_cannot_hold_is_invalid_data(env, data):
    assert _refused(env, _with(ONBOARDED, **data)) == (400, "invalid_data")


@pytest.mark.parametrize(
    "goals",
    [
        [],
        [{"goalId": "g", "title": "t"}] * 4,
        [{"goalId": "g", "title": "T" * 301}],
        [{"goalId": "g", "title": "t", "measure": "M" * 1001}],
        [{"goalId": "g", "title": "t", "dueDate": "9999-12-31"}],
        [{"goalId": "g", "title": "t", "measure": 5}],
        [{"goalId": "g", "title": "t"}, {"goalId": "g", "title": "u"}],
        "g1",
    ],
)
def test_goals_out_of_bounds_are_invalid_data(env, goals):
    env.store.docs["employees/anna"] = dict(_anna())
    assert _refused(env, _with(GOALS, goals=goals)) == (400, "invalid_data")


@pytest.mark.parametrize(
    "data",
    [{"goalIds": ["g"] * 21}, {"goalIds": [".."]}, {"goalIds": "g"}, {"occurredAt": "0001-01-01T00:00:00Z"}],
)
def test_a_reflection_out_of_bounds_is_invalid_data(env, data):
    env.store.docs["employees/anna"] = dict(_anna())
    assert _refused(env, _with(REFLECTION, **data)) == (400, "invalid_data")


def test_the_largest_accepted_values_are_stored(env):
    data = {"employeeId": "a" * 128, "name": "N" * 200, "email": "a" * 64 + "@innerjourney.se", "leadId": "bo"}
    response = _post(env, _with(ONBOARDED, **data))
    assert response.status_code == 200 and response.get_json()["status"] == "accepted"
    assert env.store.docs["employees/" + "a" * 128]["name"] == "N" * 200


def _anna():
    from tests.fixtures.documents import ANNA

    return ANNA
