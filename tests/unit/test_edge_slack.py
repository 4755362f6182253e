"""The Slack endpoint's edge: the signature is checked on the raw bytes before anything is read,
and every shape a route reads is checked in decoding; anything odd is a JSON 401 or 400, never a
500 (the independent run found 5xx here before the signature was even verified)."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest

from devplan.domain.limits import SLACK_MAX_BODY_BYTES
from tests.unit.entry_support import client, fixture_bytes, slack_headers

FORM, JSON = "application/x-www-form-urlencoded", "application/json"
CLICK = json.loads(fixture_bytes("slack/block_actions_mark_held.json"))
TEAM_JOIN = json.loads(fixture_bytes("slack/event_team_join.json"))


def _answer(env, body: bytes, content_type: str, headers=None):
    before = env.snapshot()
    response = client("slack_events").post(
        "/", data=body, headers=headers or slack_headers(body, env.now, content_type)
    )
    assert response.content_type.startswith("application/json"), response.get_data(as_text=True)[:200]
    if response.status_code != 200:
        assert response.get_json()["ok"] is False and env.store.docs == before
    return response.status_code, response.get_json()


def _click(**changes) -> bytes:
    return urlencode({"payload": json.dumps({**CLICK, **changes})}).encode()


@pytest.mark.parametrize("signed", [True, False])
def test_a_body_that_is_not_utf8_is_refused_signed_or_not(env, signed):
    body = b"payload=\xff\xfe" + b"\x80" * 10
    headers = slack_headers(body, env.now, FORM) if signed else {"Content-Type": FORM}
    assert _answer(env, body, FORM, headers)[0] == (400 if signed else 401)


@pytest.mark.parametrize("timestamp", ["²", "9" * 40, "", "1e9", "-5"])
def test_odd_timestamps_are_a_401_not_a_crash_in_the_verifier(env, timestamp):
    body = b"command=%2Futveckling&user_id=U_ANNA"
    headers = {**slack_headers(body, env.now, FORM), "X-Slack-Request-Timestamp": timestamp}
    assert _answer(env, body, FORM, headers)[0] == 401


def test_a_body_over_the_limit_is_a_413(env):
    body = b"x" * (SLACK_MAX_BODY_BYTES + 1)
    status, answer = _answer(env, body, FORM)
    assert (status, answer["error"]) == (413, "payload_too_large")


@pytest.mark.parametrize(
    "body, content_type",
    [
        (_click(actions=[]), FORM),
        (_click(actions="x"), FORM),
        (_click(actions=[{"value": "anna|2025-Q2"}]), FORM),
        (_click(actions=[{**CLICK["actions"][0], "value": {"a": 1}}]), FORM),
        (_click(actions=[{**CLICK["actions"][0], "action_ts": "1e20"}]), FORM),
        (_click(actions=[{**CLICK["actions"][0], "action_ts": "99999999999.5"}]), FORM),
        (_click(user="U_BO"), FORM),
        (_click(type="view_submission"), FORM),
        (urlencode({"payload": "[]"}).encode(), FORM),
        (urlencode({"payload": "1"}).encode(), FORM),
        (urlencode({"payload": '{"type": "block_actions"'}).encode(), FORM),
        (urlencode({"command": "/utveckling", "user_id": "U 1"}).encode(), FORM),
        (urlencode({"command": "/utveckling"}).encode(), FORM),
        (b"&".join(b"f%d=1" % i for i in range(200)), FORM),
        (json.dumps({**TEAM_JOIN, "event": {"type": "team_join", "user": {"name": "x"}}}).encode(), JSON),
        (json.dumps({**TEAM_JOIN, "event": {"type": "team_join", "user": "U1"}}).encode(), JSON),
        (json.dumps({**TEAM_JOIN, "event": {"type": "team_join", "user": {"id": "U1", "profile": []}}}).encode(), JSON),
        (
            json.dumps(
                {**TEAM_JOIN, "event": {"type": "team_join", "user": {"id": "U1", "profile": {"email": 5}}}}
            ).encode(),
            JSON,
        ),
        (json.dumps({**TEAM_JOIN, "event": []}).encode(), JSON),
        (json.dumps({"type": "url_verification"}).encode(), JSON),
        (json.dumps([1, 2]).encode(), JSON),
        (b'{"type": "event_callback", "event": ' + b"[" * 5000 + b"]" * 5000 + b"}", JSON),
    ],
)
def test_shapes_a_route_would_trip_over_are_refused_in_decoding(env, body, content_type):
    status, answer = _answer(env, body, content_type)
    assert (status, answer["error"]) == (400, "malformed")


def test_a_mark_held_click_without_a_time_is_refused_not_dated_1970(env):
    action = {k: v for k, v in CLICK["actions"][0].items() if k != "action_ts"}
    payload = {k: v for k, v in CLICK.items() if k != "action_ts"}
    body = urlencode({"payload": json.dumps({**payload, "actions": [action]})}).encode()
    assert _answer(env, body, FORM)[0] == 400


def test_an_envelope_that_is_not_an_event_is_acknowledged(env):
    body = json.dumps({"type": "app_rate_limited", "minute_rate_limited": 1518467820}).encode()
    assert _answer(env, body, JSON) == (200, {"ok": True})
