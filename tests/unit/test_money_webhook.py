"""The training wallet and funding applications through the real entry points, in-process through
functions-framework with signed requests: the webhook's answers the contract declares, a 400 for
a bad amount with nothing written, the lead's click through slack_events, and the runtime setting
DEVPLAN_FUNDING_GRANTS_FOR_LARGER."""

from __future__ import annotations

import dataclasses
import json
from urllib.parse import quote

from devplan import runtime
from devplan.messages.wallet import WALLET_APPROVE
from tests.unit.entry_support import client, fixture_bytes, slack_headers
from tests.unit.goal_support import person
from tests.unit.test_goal_webhook import post


def seeded(env) -> None:
    env.store.docs["employees/bo"] = person("Bo Joel Kvarnsmyr", "bo@innerjourney.se", "project_lead", None, "U_BO")
    env.store.docs["employees/anna"] = person("Anna Lindqvist", "anna@innerjourney.se", "developer", "bo", "U_ANNA")
    env.store.docs["employees/erik"] = person("Erik Holm", "erik@innerjourney.se", "funding_manager", "bo", "U_ERIK")


def training(request_id: str, cost) -> dict:
    return {
        "employeeId": "anna",
        "requestId": request_id,
        "course": "Kubernetes för utvecklare",
        "provider": "Kurs AB",
        "costSek": cost,
        "requestedAt": "2025-04-08T09:00:00+02:00",
    }


def click(env, user: str, action_id: str, value: str):
    payload = json.loads(fixture_bytes("slack/block_actions_mark_held.json"))
    payload["user"]["id"] = user
    payload["actions"] = [{**payload["actions"][0], "action_id": action_id, "value": value}]
    body = ("payload=" + quote(json.dumps(payload))).encode()
    headers = slack_headers(body, env.now, "application/x-www-form-urlencoded")
    return client("slack_events").post("/", data=body, headers=headers).get_json()


def test_a_request_within_and_one_over_the_budget_and_the_leads_click(env):
    seeded(env)
    assert post(env, "t1", "training.requested", training("r1", 4200))[1]["status"] == "recorded"
    assert post(env, "t2", "training.requested", training("r2", 1300))[1]["status"] == "over_budget"
    (ask,) = [m for k, m in env.store.collection("outbox").items() if k == "wallet:anna:r2:ask-lead"]
    value = ask["blocks"][1]["elements"][0]["value"]
    assert click(env, "U_ANNA", WALLET_APPROVE, value)["outcome"] == "own_request"
    assert click(env, "U_BO", WALLET_APPROVE, value)["outcome"] == "approved"
    wallet = env.store.docs["employees/anna/wallets/2025"]
    assert (wallet["budgetSek"], wallet["usedSek"]) == (5500, 5500)


def test_a_bad_amount_is_400_invalid_data_and_writes_nothing(env):
    seeded(env)
    before = env.snapshot()
    for n, cost in enumerate((-5, 0, 99.5, 2_000_000)):
        status, answer = post(env, f"bad{n}", "training.requested", training("r1", cost))
        assert (status, answer["error"]) == (400, "invalid_data") and "costSek" in answer["message"]
    assert env.store.docs == before


def application(status: str, at: str) -> dict:
    return {
        "employeeId": "erik",
        "applicationId": "vinnova-1",
        "funder": "Vinnova",
        "programme": "Innovationsprojekt",
        "amountSek": 465865,
        "deadline": "2025-05-30",
        "status": status,
        "updatedAt": at,
    }


def test_a_granted_application_is_posted_once_in_each_channel_and_the_setting_holds_the_question(env, monkeypatch):
    seeded(env)
    settings = dataclasses.replace(runtime.settings(), funding_grants_for_larger=2)
    monkeypatch.setattr(runtime, "settings", lambda: settings)
    assert (
        post(env, "f1", "funding.application_updated", application("submitted", "2025-05-02T10:00:00+02:00"))[1][
            "status"
        ]
        == "updated"
    )
    granted = application("granted", "2025-06-10T10:00:00+02:00")
    assert post(env, "f2", "funding.application_updated", granted)[1]["status"] == "granted"
    assert post(env, "f3", "funding.application_updated", granted)[1]["status"] == "duplicate"
    posts = sorted(k for k in env.outbox() if k.startswith("funding-granted:"))
    assert posts == ["funding-granted:erik:vinnova-1:finance", "funding-granted:erik:vinnova-1:general"]
    assert not [k for k in env.outbox() if k.startswith("funding-larger:")]  # two grants needed
