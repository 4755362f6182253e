"""The Slack stand-in's commands, modal submissions and clicks on one of several buttons, as a
local run uses them (StackClient.command, submit_view, click): signed as Slack signs, shaped as
Slack shapes them, delivered to an app that answers as the product does."""

from __future__ import annotations

import json
import queue
import threading
from urllib.parse import parse_qs

import pytest
import requests
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from devplan_tools.stand_in import SlackStandIn

pytestmark = pytest.mark.integration
SECRET = "forms-signing-secret"
MODAL = {
    "type": "modal",
    "callback_id": "goal_form",
    "title": {"type": "plain_text", "text": "Utvecklingsmål"},
    "submit": {"type": "plain_text", "text": "Skicka"},
    "private_metadata": '{"employee_id": "anna", "on": "2026-01-05"}',
    "blocks": [
        {
            "type": "input",
            "block_id": "outcome",
            "label": {"type": "plain_text", "text": "Resultat"},
            "element": {"type": "plain_text_input", "action_id": "value"},
        },
        {
            "type": "input",
            "block_id": "source",
            "label": {"type": "plain_text", "text": "Källa"},
            "optional": True,
            "element": {
                "type": "static_select",
                "action_id": "value",
                "options": [{"text": {"type": "plain_text", "text": "Sessioner"}, "value": "coaching_sessions"}],
            },
        },
        {
            "type": "input",
            "block_id": "goals",
            "label": {"type": "plain_text", "text": "Mål"},
            "optional": True,
            "element": {
                "type": "checkboxes",
                "action_id": "value",
                "options": [
                    {"text": {"type": "plain_text", "text": "A"}, "value": "g1"},
                    {"text": {"type": "plain_text", "text": "B"}, "value": "g2"},
                ],
            },
        },
        {
            "type": "input",
            "block_id": "due",
            "label": {"type": "plain_text", "text": "Klart"},
            "element": {"type": "datepicker", "action_id": "value"},
        },
    ],
}


@pytest.fixture(scope="module")
def app():
    """An app that opens the modal on a command, answers a submission with `answers` (next in
    line, else an empty body) and queues every verified request it gets."""
    received: queue.Queue = queue.Queue()
    answers: list[dict] = []
    verifier = SignatureVerifier(SECRET)
    state: dict = {}

    @Request.application
    def handle(request: Request) -> Response:
        body = request.get_data(as_text=True)
        assert verifier.is_valid_request(body, dict(request.headers))
        if request.content_type.startswith("application/json"):  # a team_join of a user added
            received.put(json.loads(body))
            return Response("", 200)
        form = {k: v[0] for k, v in parse_qs(body).items()}
        payload = json.loads(form["payload"]) if "payload" in form else form
        received.put(payload)
        if "command" in form:
            state["client"].views_open(trigger_id=form["trigger_id"], view=MODAL)
            return Response(json.dumps({"opened": True}), 200, content_type="application/json")
        if payload.get("type") == "view_submission" and answers:
            return Response(json.dumps(answers.pop(0)), 200, content_type="application/json")
        return Response("", 200)

    server = make_server("127.0.0.1", 0, handle, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/slack/events", received, answers, state
    server.shutdown()


@pytest.fixture(scope="module")
def stand_in(app):
    url, _, _, state = app
    with SlackStandIn(port=0, events_url=url, signing_secret=SECRET) as s:
        state["client"] = WebClient(base_url=f"{s.url}/api/", token=s.bot_token)
        yield s


def next_request(received: queue.Queue) -> dict:
    """The next command, click or submission (adding users also delivers their team_join)."""
    while True:
        request = received.get(timeout=5)
        if request.get("type") != "event_callback":
            return request


def post(stand_in, what: str, body: dict) -> dict:
    return requests.post(f"{stand_in.url}/_stand-in/{what}", json=body, timeout=10).json()


def test_a_command_carries_a_trigger_the_app_opens_a_modal_with_and_a_submission_is_shaped_as_slacks(stand_in, app):
    _, received, answers, _ = app
    anna = stand_in.add_user("anna.forms@innerjourney.se", "Anna Forms")["user"]["id"]
    answered = post(stand_in, "command", {"user": anna, "text": "mål"})
    assert answered == {"ok": True, "app_status": 200, "app_answer": '{"opened": true}'}
    command = next_request(received)
    assert (command["command"], command["text"], command["user_id"]) == ("/utveckling", "mål", anna)

    answers.append({"response_action": "errors", "errors": {"due": "Välj ett datum."}})
    values = {"outcome": "Ett mål", "source": "coaching_sessions", "goals": ["g2"]}
    kept_open = post(
        stand_in,
        "submit",
        {"user": anna, "callback_id": "goal_form", "values": values, "private_metadata": {"on": "2025-04-08"}},
    )
    assert json.loads(kept_open["app_answer"])["errors"] == {"due": "Välj ett datum."}
    submitted = next_request(received)
    assert submitted["type"] == "view_submission" and submitted["user"]["id"] == anna
    assert json.loads(submitted["view"]["private_metadata"]) == {"employee_id": "anna", "on": "2025-04-08"}
    assert submitted["view"]["state"]["values"] == {
        "outcome": {"value": {"type": "plain_text_input", "value": "Ett mål"}},
        "source": {"value": {"type": "static_select", "selected_option": MODAL["blocks"][1]["element"]["options"][0]}},
        "goals": {"value": {"type": "checkboxes", "selected_options": [MODAL["blocks"][2]["element"]["options"][1]]}},
        "due": {"value": {"type": "datepicker", "selected_date": None}},
    }
    closed = post(
        stand_in, "submit", {"user": anna, "callback_id": "goal_form", "values": {**values, "due": "2025-06-30"}}
    )
    assert closed["app_answer"] == ""
    assert next_request(received)["view"]["state"]["values"]["due"]["value"]["selected_date"] == "2025-06-30"
    again = post(stand_in, "submit", {"user": anna, "callback_id": "goal_form", "values": values})
    assert again == {"ok": False, "error": "view_not_found"}  # closed: nothing left to submit
    assert post(stand_in, "submit", {"user": anna, "callback_id": "goal_form", "values": {"nope": "x"}})["ok"] is False


def test_a_click_picks_one_of_several_buttons_by_value_and_outsiders_only_when_shown(stand_in, app):
    _, received, _, state = app
    bo = stand_in.add_user("bo.forms@innerjourney.se", "Bo Forms")["user"]["id"]
    maja = stand_in.add_user("maja.forms@innerjourney.se", "Maja Forms")["user"]["id"]
    buttons = [
        {
            "type": "button",
            "action_id": "goal_perk",
            "value": f"anna|g|2025-Q2|{p}",
            "text": {"type": "plain_text", "text": p},
        }
        for p in ("extra_day_off", "gift_card")
    ]
    posted = state["client"].chat_postMessage(
        channel=bo, text="Förmån?", blocks=[{"type": "actions", "elements": buttons}]
    )
    click = {"user": bo, "channel": posted["channel"], "ts": posted["ts"], "action_id": "goal_perk"}
    assert post(stand_in, "click", {**click, "value": "anna|g|2025-Q2|gift_card"})["ok"]
    delivered = next_request(received)
    assert delivered["actions"][0]["value"] == "anna|g|2025-Q2|gift_card" and delivered["trigger_id"]
    assert post(stand_in, "click", {**click, "value": "anna|g|2025-Q2|a-yacht"})["error"] == "action_not_found"
    assert post(stand_in, "click", {**click, "user": maja})["error"] == "not_in_channel"
    assert post(stand_in, "click", {**click, "user": maja, "anyone": True})["ok"]
    assert next_request(received)["user"]["id"] == maja
