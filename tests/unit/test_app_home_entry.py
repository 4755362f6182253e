"""app_home_opened through the slack_events entry point (functions-framework, signed as Slack
signs it): the Home goes to the outbox once per event, and the sender publishes it."""

from __future__ import annotations

import json

from devplan.domain.outbox import user_key
from devplan.services import delivery
from tests.fixtures.documents import ANNA
from tests.unit.entry_support import client, fixture_bytes, slack_headers

JSON = "application/json"
OPENED = fixture_bytes("slack/event_app_home_opened.json")
MESSAGE = "home:anna:2025-04-08:Ev08HOMEANNA1"  # the day of the fixture's event_ts, in Stockholm
# Someone not in the plan: named by a key, never by their Slack id (domain/outbox.user_key)
STRANGERS = f"home:{user_key('U07L2ANNA')}:2025-04-08:Ev08HOMEANNA1"


def post(env, body: bytes):
    return client("slack_events").post("/", data=body, headers=slack_headers(body, env.now, JSON))


def test_opening_the_home_tab_publishes_the_plan_once(env):
    env.store.docs["employees/anna"] = {**ANNA, "slack": {"userId": "U07L2ANNA"}, "onboarding": {"status": "welcomed"}}
    response = post(env, OPENED)
    assert response.status_code == 200 and response.get_json() == {"ok": True, "outcome": "published"}
    assert post(env, OPENED).get_json()["outcome"] == "duplicate"  # Slack's retry of the same event
    assert {m for m in env.outbox() if m.startswith("home:")} == {MESSAGE}
    assert env.store.docs["employees/anna"]["slack"] == {"userId": "U07L2ANNA", "homeOpened": True}
    assert delivery.deliver(MESSAGE, "e1", env.store, env.slack, env.now) == "sent"
    view = env.slack.homes["U07L2ANNA"][-1]
    assert view["type"] == "home" and "Din utvecklingsplan, Anna" in json.dumps(view, ensure_ascii=False)


def test_someone_not_in_the_plan_is_shown_the_explanation(env):
    assert post(env, OPENED).get_json()["outcome"] == "published"
    delivery.deliver(STRANGERS, "e1", env.store, env.slack, env.now)
    assert "Jag hittar ingen plan för dig ännu" in json.dumps(env.slack.homes["U07L2ANNA"][-1], ensure_ascii=False)


def test_the_messages_tab_publishes_nothing(env):
    envelope = json.loads(OPENED)
    envelope["event"]["tab"] = "messages"
    response = post(env, json.dumps(envelope).encode())
    assert response.status_code == 200 and response.get_json()["outcome"] == "not_home"
    assert not any(m.startswith("home:") for m in env.outbox())


def test_an_app_home_opened_without_a_user_is_refused_as_malformed(env):
    envelope = json.loads(OPENED)
    envelope["event"]["user"] = {"id": 5}
    response = post(env, json.dumps(envelope).encode())
    assert response.status_code == 400 and response.get_json()["error"] == "malformed"
