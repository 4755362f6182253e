"""An optional field sent as null: the webhook accepts it exactly where the contract says `nullable`.
(Where the two differ, schemathesis's negative cases find it, once in many runs: here, every time.)"""

from __future__ import annotations

import json

import pytest
import yaml

from tests.unit.entry_support import ROOT, client, platform_headers
from tests.unit.goal_support import person

SPEC = yaml.safe_load((ROOT / "infra" / "webhook.openapi.yaml").read_text())
MAPPING = SPEC["paths"]["/platform-webhook"]["post"]["requestBody"]["content"]["application/json"]["schema"][
    "discriminator"
]["mapping"]
TIME = "2025-04-08T09:00:00+02:00"
VALID = {  # a valid event of each type: the base every null is tried on
    "employee.onboarded": {
        "employeeId": "nya",
        "name": "Nya Nilsson",
        "email": "nya@innerjourney.se",
        "role": "project_lead",
        "startDate": "2025-04-14",
    },
    "journal.reflection_logged": {"employeeId": "anna", "entryId": "e1"},
    "goals.set": {"employeeId": "anna", "goals": [{"goalId": "g1", "title": "Optimera Firebase"}]},
    "goals.proposed": {
        "employeeId": "anna",
        "goalId": "g1",
        "outcome": "Genomföra minst 20 coachingsessioner",
        "metric": "sessioner",
        "target": 20,
        "plan": "Två i veckan",
        "relevance": "Fler får stöd",
        "dueDate": "2025-06-30",
    },
    "goals.progress": {"employeeId": "anna", "goalId": "g1", "value": 1},
    "goals.achieved": {"employeeId": "anna", "goalId": "g1"},
    "coaching.session_completed": {"sessionId": "s1", "coachId": "anna", "completedAt": TIME},
    "coaching.session_cancelled": {"sessionId": "s1"},
    "coaching.supervisor_assigned": {"coachId": "maja", "supervisorId": "sara"},
    "onboarding.user_guided": {"coachId": "anna", "userId": "u1", "guidedAt": TIME},
    "funding.granted": {"employeeId": "anna", "applicationId": "a1", "amountSek": 1, "grantedAt": TIME},
    "course.completed": {"employeeId": "anna", "courseId": "c1", "completedAt": TIME},
    "responsibility.assigned": {"employeeId": "dana", "subProject": "VedAstro API", "assignedBy": "bo"},
    "training.requested": {
        "employeeId": "anna",
        "requestId": "r1",
        "course": "Kubernetes",
        "provider": "Kurs AB",
        "costSek": 4200,
        "requestedAt": TIME,
    },
    "funding.application_updated": {
        "employeeId": "anna",
        "applicationId": "a1",
        "funder": "Vinnova",
        "programme": "Innovationsprojekt",
        "amountSek": 465865,
        "deadline": "2025-05-30",
        "status": "draft",
        "updatedAt": TIME,
    },
    "employee.time_off": {
        "employeeId": "anna",
        "timeOffId": "t1",
        "from": "2025-07-01",
        "to": "2025-07-31",
        "kind": "vacation",
    },
    "employee.time_off_cancelled": {"employeeId": "anna", "timeOffId": "t1"},
    "system.ping": {},  # another branch's health check, if merged: it takes anything
    "employee.updated": {
        "employeeId": "bo",
        "name": "Bo Joel Kvarnsmyr",
        "email": "bo@innerjourney.se",
        "role": "project_lead",
        "leadId": "sara",  # null: a project lead may have no lead
    },
    "employee.offboarded": {"employeeId": "anna"},
    "employee.export_requested": {"employeeId": "anna"},
    "employee.erasure_requested": {"employeeId": "anna"},
}


def _data_schema(kind: str) -> dict:
    name = MAPPING[kind].rsplit("/", 1)[1]
    return SPEC["components"]["schemas"][name]["allOf"][1]["properties"]["data"]


def _resolved(prop: dict) -> dict:
    """A property's schema, through its `$ref` (OpenAPI 3.0 ignores what stands beside one)."""
    ref = prop.get("$ref")
    return SPEC["components"]["schemas"][ref.rsplit("/", 1)[1]] if ref else prop


def _optional(schema: dict, where: tuple = ()) -> list[tuple[tuple, bool]]:
    """(path, nullable) of every optional property, also inside arrays of objects."""
    found = []
    for name, prop in (schema.get("properties") or {}).items():
        if name not in schema.get("required", []):
            found.append(((*where, name), bool(_resolved(prop).get("nullable"))))
        items = prop.get("items") or {}
        if items.get("type") == "object":
            found += _optional(items, (*where, name, 0))
    return found


CASES = [(kind, path, nullable) for kind in MAPPING for path, nullable in _optional(_data_schema(kind))]


def test_every_event_type_has_a_valid_example():
    assert set(MAPPING) <= set(VALID)


@pytest.mark.parametrize(("kind", "path", "nullable"), CASES, ids=[f"{k}:{'.'.join(map(str, p))}" for k, p, _ in CASES])
def test_a_null_optional_field_is_accepted_exactly_where_the_contract_allows_it(env, kind, path, nullable):
    env.store.docs["employees/bo"] = person("Bo", "bo@innerjourney.se", "project_lead", None, "U_BO")
    env.store.docs["employees/anna"] = person("Anna", "anna@innerjourney.se", "coach", "bo", "U_ANNA")
    env.store.docs["employees/dana"] = person("Dana", "dana@innerjourney.se", "developer", "bo", "U_DANA")
    data = json.loads(json.dumps(VALID[kind]))
    parent = data
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = None
    body = json.dumps({"id": "e-null", "type": kind, "occurredAt": TIME, "data": data}).encode()
    response = client("platform_webhook").post("/", data=body, headers=platform_headers(body, env.now))
    assert (response.status_code == 200) == nullable, response.get_json()
