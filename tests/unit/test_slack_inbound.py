import json
import time
from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest
from slack_sdk.signature import SignatureVerifier

from devplan.adapters.decoding.slack import decode_slack_request
from devplan.errors import InvalidEvent
from devplan.services.slack_routes import route

SECRET = "slack-secret"


def signed(body: bytes, content_type="application/x-www-form-urlencoded", ts=None):
    ts = ts or str(int(time.time()))
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": SignatureVerifier(SECRET).generate_signature(timestamp=ts, body=body),
    }


def now():
    return datetime.now(UTC)


def test_commands_buttons_and_events_are_decoded_and_routed():
    command = urlencode({"command": "/utveckling", "user_id": "U1"}).encode()
    request = decode_slack_request(signed(command), command, signing_secret=SECRET, now=now())
    assert (request.kind, request.name, request.user_id) == ("command", "/utveckling", "U1")
    click = urlencode(
        {
            "payload": json.dumps(
                {"type": "block_actions", "user": {"id": "U2"}, "actions": [{"action_id": "review_mark_held"}]}
            )
        }
    ).encode()
    request = decode_slack_request(signed(click), click, signing_secret=SECRET, now=now())
    assert (request.kind, request.name) == ("block_actions", "review_mark_held")
    challenge = json.dumps({"type": "url_verification", "challenge": "c-1"}).encode()
    request = decode_slack_request(signed(challenge, "application/json"), challenge, signing_secret=SECRET, now=now())
    assert route(request, {}) == {"challenge": "c-1"}
    unknown = decode_slack_request(signed(command), command, signing_secret=SECRET, now=now())
    assert route(unknown, {})["response_type"] == "ephemeral"


@pytest.mark.parametrize(
    "headers, status",
    [
        ({"X-Slack-Request-Timestamp": "abc", "X-Slack-Signature": "v0=00"}, 401),
        ({"X-Slack-Request-Timestamp": str(int(time.time()) - 600), "X-Slack-Signature": "v0=00"}, 401),
        ({}, 401),
    ],
)
def test_unsigned_stale_or_odd_requests_are_401(headers, status):
    with pytest.raises(InvalidEvent) as error:
        decode_slack_request(headers, b"command=/x", signing_secret=SECRET, now=now())
    assert error.value.status == status


def test_without_a_signing_secret_nothing_is_accepted():
    body = b"command=/utveckling"
    with pytest.raises(InvalidEvent) as error:
        decode_slack_request(signed(body), body, signing_secret="", now=now())
    assert error.value.code == "not_configured"
