"""infra/webhook.openapi.yaml says what the webhook accepts: the same numbers as the domain's limits
(shared/devplan/domain/limits.py), and every answer the entry point can give."""

from __future__ import annotations

import re

import yaml

from devplan.domain import limits
from devplan.domain.employees import ROLES, is_email
from devplan.domain.goals import EMPLOYEE, LEAD, MAX_GOALS, MIN_GOALS
from devplan.domain.ids import is_valid_id
from devplan.domain.metrics import MAX_AMOUNT, SOURCES
from devplan.domain.reflections import SECTIONS, VISIBILITIES
from devplan.domain.smart import MAX_UNIT_LENGTH
from tests.unit.entry_support import ROOT

SPEC = yaml.safe_load((ROOT / "infra" / "webhook.openapi.yaml").read_text())
SCHEMAS = SPEC["components"]["schemas"]
OPERATION = SPEC["paths"]["/platform-webhook"]["post"]


def _data(event: str) -> dict:
    return SCHEMAS[event]["allOf"][1]["properties"]["data"]["properties"]


def test_the_contract_declares_the_domains_limits():
    onboarded, goals, reflection = _data("EmployeeOnboarded"), _data("GoalsSet"), _data("ReflectionLogged")
    assert SCHEMAS["Id"]["maxLength"] == limits.MAX_ID_LENGTH
    assert SCHEMAS["Envelope"]["properties"]["id"]["maxLength"] == limits.MAX_EVENT_ID_LENGTH
    assert onboarded["name"]["maxLength"] == limits.MAX_NAME_LENGTH
    assert onboarded["email"]["maxLength"] == limits.MAX_EMAIL_LENGTH
    assert onboarded["role"]["enum"] == list(ROLES)
    item = goals["goals"]["items"]["properties"]
    assert (goals["goals"]["minItems"], goals["goals"]["maxItems"]) == (MIN_GOALS, MAX_GOALS)
    assert item["title"]["maxLength"] == limits.MAX_TITLE_LENGTH
    assert item["measure"]["maxLength"] == limits.MAX_MEASURE_LENGTH
    assert reflection["goalIds"]["maxItems"] == limits.MAX_GOAL_IDS
    assert str(limits.WEBHOOK_MAX_BODY_BYTES) in OPERATION["requestBody"]["description"]
    years = f"{limits.FIRST_SUPPORTED_DAY.isoformat()} to {limits.LAST_SUPPORTED_DAY.isoformat()}"
    assert years in SCHEMAS["Day"]["description"]


def test_the_goal_and_metric_events_declare_the_domains_limits():
    proposed, progress, funding = _data("GoalsProposed"), _data("GoalsProgress"), _data("FundingGranted")
    assert proposed["outcome"]["maxLength"] == proposed["metric"]["maxLength"] == limits.MAX_TITLE_LENGTH
    assert proposed["plan"]["maxLength"] == proposed["relevance"]["maxLength"] == limits.MAX_MEASURE_LENGTH
    assert proposed["unit"]["maxLength"] == MAX_UNIT_LENGTH
    # a nullable enum lists null too: OpenAPI 3.0 (and schemathesis) read an enum without it as forbidding null
    assert proposed["source"]["enum"] == [*SOURCES, None]
    assert proposed["proposedBy"]["enum"] == [EMPLOYEE, LEAD, None]
    assert funding["currency"]["enum"] == ["SEK", None]
    assert (
        proposed["target"]["maximum"] == SCHEMAS["Amount"]["maximum"] == funding["amountSek"]["maximum"] == MAX_AMOUNT
    )
    assert progress["value"] == {"$ref": "#/components/schemas/Amount"}
    reflection = _data("ReflectionLogged")
    assert SCHEMAS["ReflectionText"]["maxLength"] == limits.MAX_REFLECTION_LENGTH
    assert reflection["visibility"]["enum"] == [*VISIBILITIES, None]
    assert {reflection[name]["$ref"] for name in SECTIONS} == {"#/components/schemas/ReflectionText"}


def test_the_contracts_patterns_agree_with_the_domains_checks():
    day, time = re.compile(SCHEMAS["Day"]["pattern"]), re.compile(SCHEMAS["Time"]["pattern"])
    assert day.fullmatch("2000-01-01") and day.fullmatch("2100-12-31")
    assert not day.fullmatch("1999-12-31") and not day.fullmatch("2101-01-01") and not day.fullmatch("20250101")
    assert time.fullmatch("2025-04-08T07:00:00+02:00") and not time.fullmatch("9999-12-31T23:59:59-23:59")
    email = re.compile(_data("EmployeeOnboarded")["email"]["pattern"])
    for address in ("anna@innerjourney.se", "a.b+c@x-y.se", "anna@localhost", "a..b@x.se", "anna@x.se\n"):
        assert bool(email.fullmatch(address)) == is_email(address), address
    text = re.compile(SCHEMAS["ReflectionText"]["pattern"])
    for value in ("Bra vecka", "rad 1\nrad 2\tmed tabb", " ", "\n", "a\x00", "a\x0b", "a\x85"):
        assert bool(text.fullmatch(value)) == limits.is_text(value, 3000, multiline=True), repr(value)
    identifier = re.compile(SCHEMAS["Id"]["pattern"])
    forbidden = re.compile(SCHEMAS["Id"]["not"]["pattern"])
    for value in ("anna", "a.b-c_1", ".", "..", "__x__", "a/b", "x" * 129, "anna\n"):
        assert bool(identifier.fullmatch(value) and not forbidden.search(value)) == is_valid_id(value), value


def test_every_nullable_enum_lists_null():
    def walk(node):
        if isinstance(node, dict):
            if node.get("nullable") and "enum" in node:
                yield node
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value)

    enums = list(walk(SPEC))
    assert enums and all(None in e["enum"] for e in enums), [e["enum"] for e in enums if None not in e["enum"]]


def test_the_contract_declares_every_answer():
    responses = OPERATION["responses"]
    assert {"200", "400", "401", "413", "422", "500", "503"} <= set(responses)
    assert "held" in responses["200"]["content"]["application/json"]["schema"]["properties"]["status"]["enum"]
    internal = responses["500"]["content"]["application/json"]["schema"]
    assert internal["properties"]["error"]["enum"] == ["internal", "unavailable"]
    errors = SPEC["components"]["responses"]["Error"]["content"]["application/json"]["schema"]
    assert {"payload_too_large", "too_many_goals"} <= set(errors["properties"]["error"]["enum"])
