"""Requests from Slack (slash commands, interactivity, Events API): signature verified, decoded.

Routing them is the services' table (services/slack_routes.py).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs

from slack_sdk.signature import Clock, SignatureVerifier

from devplan.adapters.decoding import RequestHeaders
from devplan.errors import InvalidEvent
from devplan.services.inputs import SlackRequest


def decode_slack_request(headers: RequestHeaders, body: bytes, *, signing_secret: str, now: datetime) -> SlackRequest:
    if not signing_secret:  # an empty key is a key anyone knows
        raise InvalidEvent("the Slack signing secret is not configured", status=503, code="not_configured")
    verifier = SignatureVerifier(signing_secret, clock=_FixedClock(now))
    if not headers.get("X-Slack-Signature") or not str(headers.get("X-Slack-Request-Timestamp", "")).isdigit():
        raise InvalidEvent("request is not signed by Slack", status=401, code="unsigned")
    if not verifier.is_valid_request(body, dict(headers)):
        raise InvalidEvent("Slack signature is invalid or older than 5 minutes", status=401, code="bad_signature")
    content_type = headers.get("Content-Type", "")
    try:
        if content_type.startswith("application/json"):
            return _event(json.loads(body))
        form = {k: v[0] for k, v in parse_qs(body.decode("utf-8")).items()}
        if "payload" in form:
            return _interaction(json.loads(form["payload"]))
        if "command" in form:
            return SlackRequest("command", form["command"], form.get("user_id", ""), form)
    except (ValueError, KeyError, TypeError) as exc:
        raise InvalidEvent(f"Slack request does not decode: {exc}", code="malformed") from None
    raise InvalidEvent("Slack request is neither a command, an interaction nor an event", code="malformed")


def _event(envelope: dict[str, Any]) -> SlackRequest:
    if envelope.get("type") == "url_verification":
        return SlackRequest("url_verification", "url_verification", "", envelope)
    event = envelope["event"]
    user = event.get("user")
    user_id = user.get("id", "") if isinstance(user, dict) else (user or "")
    return SlackRequest("event", event["type"], user_id, envelope)


def _interaction(payload: dict[str, Any]) -> SlackRequest:
    kind = payload["type"]
    if kind == "block_actions":
        name = payload["actions"][0]["action_id"]
    elif kind == "view_submission":
        name = payload["view"]["callback_id"]
    else:
        name = kind
    return SlackRequest(kind, name, payload.get("user", {}).get("id", ""), payload)


class _FixedClock(Clock):
    def __init__(self, now: datetime):
        self._now = now

    def now(self) -> float:
        return self._now.timestamp()
