"""infra/webhook.openapi.yaml accepts no event the webhook refuses for its shape: each event here
is answered 400 by the code and invalid by the contract (days that do not exist, an update that
names no fact), and a valid example of every event type is valid by both."""

from __future__ import annotations

import json
from datetime import date, timedelta

import jsonschema_rs
import pytest

from devplan.domain.limits import FIRST_SUPPORTED_DAY, LAST_SUPPORTED_DAY, parse_day
from tests.unit.entry_support import client, platform_headers
from tests.unit.goal_support import person
from tests.unit.test_webhook_nulls import MAPPING, SPEC, TIME, VALID

REQUEST = {"$ref": "#/paths/~1platform-webhook/post/requestBody/content/application~1json/schema", **SPEC}
CONTRACT = jsonschema_rs.Draft4Validator(REQUEST)


def event(kind: str, **data) -> dict:
    return {"id": f"e-{kind}", "type": kind, "occurredAt": TIME, "data": {**VALID[kind], **data}}


REFUSED = {
    "update naming no fact": event("employee.updated") | {"data": {"employeeId": "anna", "x": 1}},
    "update naming nothing": event("employee.updated") | {"data": {"employeeId": "anna"}},
    "time off from 30 February": event("employee.time_off", **{"from": "2025-02-30", "to": "2025-03-03"}),
    "time off to 31 April": event("employee.time_off", **{"from": "2025-04-01", "to": "2025-04-31"}),
    "onboarded on 29 February 2025": event("employee.onboarded", startDate="2025-02-29"),
    "onboarded on 29 February 2100": event("employee.onboarded", startDate="2100-02-29"),
    "funding deadline 31 June": event("funding.application_updated", deadline="2025-06-31"),
    "occurred on 30 February": event("employee.offboarded") | {"occurredAt": "2025-02-30T09:00:00+01:00"},
}


@pytest.fixture
def team(env):
    env.store.docs["employees/bo"] = person("Bo", "bo@innerjourney.se", "project_lead", None, "U_BO")
    env.store.docs["employees/anna"] = person("Anna", "anna@innerjourney.se", "coach", "bo", "U_ANNA")
    env.store.docs["employees/dana"] = person("Dana", "dana@innerjourney.se", "developer", "bo", "U_DANA")
    return env


def post(env, body: dict):
    raw = json.dumps(body).encode()
    return client("platform_webhook").post("/", data=raw, headers=platform_headers(raw, env.now))


@pytest.mark.parametrize("name", REFUSED)
def test_what_the_webhook_refuses_the_contract_does_not_accept(team, name):
    before = team.snapshot()
    assert post(team, REFUSED[name]).status_code == 400
    assert team.snapshot() == before
    assert not CONTRACT.is_valid(REFUSED[name])


@pytest.mark.parametrize("kind", sorted(MAPPING))
def test_a_valid_event_of_each_type_is_valid_by_the_contract(kind):
    assert CONTRACT.is_valid(event(kind)), kind


def test_the_contracts_days_are_exactly_the_days_the_code_reads():
    day_pattern, time_pattern = SPEC["components"]["schemas"]["Day"], SPEC["components"]["schemas"]["Time"]
    days = jsonschema_rs.Draft4Validator(day_pattern)
    times = jsonschema_rs.Draft4Validator(time_pattern)
    day = FIRST_SUPPORTED_DAY - timedelta(days=3)
    while day <= LAST_SUPPORTED_DAY + timedelta(days=3):
        assert days.is_valid(day.isoformat()) == (parse_day(day.isoformat()) is not None), day
        assert times.is_valid(f"{day.isoformat()}T09:00:00+01:00") == (parse_day(day.isoformat()) is not None), day
        day += timedelta(days=1)
    for year in (2000, 2025, 2096, 2100):
        for month in range(1, 13):
            for number in (29, 30, 31, 32):
                written = f"{year}-{month:02d}-{number:02d}"
                assert days.is_valid(written) == (parse_day(written) is not None), written
                assert times.is_valid(written + "T09:00:00Z") == (parse_day(written) is not None), written
    assert date(2100, 12, 31) == LAST_SUPPORTED_DAY
