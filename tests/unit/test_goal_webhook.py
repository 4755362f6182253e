"""The goal events and live sources through platform_webhook, in-process through functions-framework
with signed requests: the answers the contract declares (infra/webhook.openapi.yaml), and what
they write."""

from __future__ import annotations

import json
import random

import yaml

from tests.unit.entry_support import ROOT, client, platform_headers
from tests.unit.goal_support import person

SPEC = yaml.safe_load((ROOT / "infra" / "webhook.openapi.yaml").read_text())
OPERATION = SPEC["paths"]["/platform-webhook"]["post"]
STATUSES = set(OPERATION["responses"]["200"]["content"]["application/json"]["schema"]["properties"]["status"]["enum"])
PROPOSAL = {
    "employeeId": "anna",
    "goalId": "g-sessions",
    "outcome": "Genomföra minst 3 coachingsessioner",
    "metric": "genomförda coachingsessioner",
    "target": 3,
    "unit": "st",
    "source": "coaching_sessions",
    "plan": "En session i veckan",
    "relevance": "Fler användare får stöd",
    "dueDate": "2025-06-30",
}


def seeded(env) -> None:
    env.store.docs["employees/bo"] = person("Bo Joel Kvarnsmyr", "bo@innerjourney.se", "project_lead", None, "U_BO")
    env.store.docs["employees/anna"] = person("Anna Lindqvist", "anna@innerjourney.se", "coach", "bo", "U_ANNA")


def post(env, event_id: str, kind: str, data: dict, *, delivery: str | None = None):
    body = json.dumps({"id": event_id, "type": kind, "occurredAt": "2025-04-08T09:00:00+02:00", "data": data}).encode()
    headers = platform_headers(body, env.now, delivery=delivery or f"d-{event_id}")
    response = client("platform_webhook").post("/", data=body, headers=headers)
    answer = response.get_json()
    if response.status_code == 200:
        assert answer["ok"] is True and answer["status"] in STATUSES, answer
    else:
        assert answer["ok"] is False and set(answer) == {"ok", "error", "message"}, answer
    return response.status_code, answer


def by_topic(env, topic: str) -> list[dict]:
    return [m for m in env.store.collection("outbox").values() if m.get("topic") == topic]


def test_a_proposed_goal_is_answered_proposed_and_goes_to_the_lead(env):
    seeded(env)
    assert post(env, "p1", "goals.proposed", PROPOSAL) == (200, {"ok": True, "id": "p1", "status": "proposed"})
    [proposal] = by_topic(env, "goal proposal")
    assert proposal["users"] == ["U_BO"]
    assert post(env, "p1", "goals.proposed", PROPOSAL, delivery="again")[1]["status"] == "duplicate"


def test_a_fourth_goal_is_422_too_many_goals_and_writes_nothing(env):
    seeded(env)
    for n in range(3):
        assert post(env, f"p{n}", "goals.proposed", {**PROPOSAL, "goalId": f"g{n}"})[0] == 200
    before = env.snapshot()
    status, answer = post(env, "p4", "goals.proposed", {**PROPOSAL, "goalId": "g4"})
    assert (status, answer["error"]) == (422, "too_many_goals")
    assert env.store.docs == before


def test_a_nonsensical_proposal_is_400_naming_the_fields_and_writes_nothing(env):
    seeded(env)
    before = env.snapshot()
    status, answer = post(env, "p1", "goals.proposed", {**PROPOSAL, "target": -1, "dueDate": "2025-09-30"})
    assert (status, answer["error"]) == (400, "invalid_data")
    assert "target" in answer["message"] and "dueDate" in answer["message"]
    assert env.store.docs == before


def test_funding_in_decimals_or_another_currency_is_400(env):
    seeded(env)
    grant = {
        "employeeId": "anna",
        "applicationId": "vinnova-1",
        "amountSek": 465_865,
        "grantedAt": "2025-04-08T09:00:00Z",
    }
    before = env.snapshot()
    for n, bad in enumerate([{"amountSek": 465_865.5}, {"amountSek": -1}, {"currency": "EUR"}]):
        assert post(env, f"f{n}", "funding.granted", {**grant, **bad})[0] == 400
    assert env.store.docs == before
    assert post(env, "f-ok", "funding.granted", grant)[1]["status"] == "counted"


def test_a_completion_for_a_coach_not_onboarded_is_held(env):
    seeded(env)
    data = {"sessionId": "s1", "coachId": "nya", "completedAt": "2025-04-08T09:00:00Z"}
    assert post(env, "c1", "coaching.session_completed", data)[1]["status"] == "held"
    assert list(env.store.collection("heldEvents")) == ["c1"]


def test_a_shuffled_duplicated_stream_of_sessions_gives_the_truth_and_asks_the_lead_once(env):
    seeded(env)
    assert post(env, "p1", "goals.proposed", PROPOSAL)[0] == 200
    # The lead agrees (in Slack; here as the store would write it) before the sessions arrive.
    goals = env.store.docs["employees/anna"]["goals"]
    goals["items"][0] |= {"status": "agreed", "agreedOn": "2025-04-08"}
    stream = [
        (
            f"c{n}",
            "coaching.session_completed",
            {"sessionId": f"s{n}", "coachId": "anna", "completedAt": f"2025-04-1{n}T10:00:00+02:00"},
        )
        for n in range(6)
    ] + [(f"x{n}", "coaching.session_cancelled", {"sessionId": f"s{n}"}) for n in (1, 4)]
    shuffler = random.Random(7)
    stream += [shuffler.choice(stream) for _ in range(4)]  # delivered again
    shuffler.shuffle(stream)
    statuses = [
        post(env, event_id, kind, data, delivery=f"d{n}")[1]["status"]
        for n, (event_id, kind, data) in enumerate(stream)
    ]
    assert "duplicate" in statuses
    tally = env.store.docs["employees/anna/tallies/coaching_sessions"]
    assert tally["count"] == 4 and {i["id"] for i in tally["items"] if not i.get("cancelled")} == {
        "s0",
        "s2",
        "s3",
        "s5",
    }
    [request] = by_topic(env, "goal reached → lead")
    assert request["users"] == ["U_BO"]
    assert env.store.docs["employees/anna"]["goals"]["items"][0]["status"] == "awaiting_confirmation"


def test_a_tally_that_cannot_be_read_is_422_unusable_record_not_a_retry(env):
    seeded(env)
    env.store.docs["employees/anna/tallies/coaching_sessions"] = {"items": [{"amount": 1}]}  # no id
    data = {"sessionId": "s1", "coachId": "anna", "completedAt": "2025-04-08T09:00:00Z"}
    status, answer = post(env, "c1", "coaching.session_completed", data)
    assert (status, answer["error"]) == (422, "unusable_record")
    assert "employees/anna/tallies/coaching_sessions" in answer["message"]
