"""Requests from Slack (slash commands, interactivity, Events API): signature verified, decoded.

The signature is checked on the raw bytes before anything else is read, and every shape a
route reads (services/slack_routes.py) is checked here, so a route never meets a missing key
or a value of the wrong type: anything odd is an InvalidEvent (401 or 400), never a 500.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs

from devplan.adapters.decoding import (
    SIGNATURE_WINDOW_SECONDS,
    UNIX_SECONDS,
    RequestHeaders,
    check_signed_request,
    header,
    load_json,
)
from devplan.domain.employees import is_email
from devplan.domain.ids import is_slack_id
from devplan.domain.limits import SLACK_MAX_BODY_BYTES, is_supported_day, is_text
from devplan.errors import InvalidEvent
from devplan.services.inputs import SlackRequest

MAX_NAME_LENGTH = 255  # an action_id, callback_id, event or interaction type, a command
MAX_VALUE_LENGTH = 2000  # Slack's limit on a button's value
MAX_FORM_FIELDS = 100
MAX_METADATA_LENGTH = 3000  # Slack's limit on a view's private_metadata
MAX_INPUT_LENGTH = 3000  # Slack's limit on a plain_text_input's value
MAX_OPTIONS = 100  # Slack's limit on a select's or checkbox group's options
_TRIGGER = re.compile(r"[0-9A-Za-z.\-_]{1,255}")
_VIEW_ID = re.compile(r"V[0-9A-Z]{1,40}")
# Slack's message and action timestamps: unix seconds with microseconds ("1744095612.483920").
_SLACK_TS = re.compile(r"[0-9]{1,12}(\.[0-9]{1,6})?")


def decode_slack_request(headers: RequestHeaders, body: bytes, *, signing_secret: str, now: datetime) -> SlackRequest:
    check_signed_request(
        body, secret=signing_secret, secret_name="Slack signing secret", max_bytes=SLACK_MAX_BODY_BYTES
    )
    _verify(headers, body, signing_secret, now)
    if header(headers, "Content-Type").startswith("application/json"):
        return _event(load_json(body, "Slack event"))
    form = _form(body)
    if "payload" in form:
        return _interaction(load_json(form["payload"], "Slack interaction payload"))
    if "command" in form:
        command, user_id = form["command"], form.get("user_id", "")
        if not _is_name(command) or not command.startswith("/") or not is_slack_id(user_id):
            raise InvalidEvent("Slack command needs a command and a user_id", code="malformed")
        if len(form.get("text", "")) > MAX_VALUE_LENGTH:
            raise InvalidEvent(f"Slack command text is longer than {MAX_VALUE_LENGTH}", code="malformed")
        _check_trigger(form.get("trigger_id"))
        return SlackRequest("command", command, user_id, form)
    raise InvalidEvent("Slack request is neither a command, an interaction nor an event", code="malformed")


def slack_signature(secret: str, timestamp: str, body: bytes) -> str:
    """Slack's scheme, on the raw bytes: v0=hex(HMAC-SHA256(secret, "v0:{timestamp}:{body}"))."""
    return "v0=" + hmac.new(secret.encode(), b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256).hexdigest()


def _verify(headers: RequestHeaders, body: bytes, secret: str, now: datetime) -> None:
    """slack-sdk's SignatureVerifier decodes the body as UTF-8 and int()s the timestamp first,
    raising on odd input; checking the raw bytes here raises nothing but InvalidEvent."""
    timestamp, signature = header(headers, "X-Slack-Request-Timestamp"), header(headers, "X-Slack-Signature")
    if not signature or not UNIX_SECONDS.fullmatch(timestamp):
        raise InvalidEvent("request is not signed by Slack", status=401, code="unsigned")
    fresh = abs(now.timestamp() - int(timestamp)) <= SIGNATURE_WINDOW_SECONDS
    expected = slack_signature(secret, timestamp, body)
    if not (hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace")) and fresh):
        raise InvalidEvent("Slack signature is invalid or older than 5 minutes", status=401, code="bad_signature")


def _form(body: bytes) -> dict[str, str]:
    try:
        fields = parse_qs(body.decode("utf-8"), errors="strict", max_num_fields=MAX_FORM_FIELDS)
    except ValueError as exc:  # UnicodeDecodeError is one; so is "too many fields"
        raise InvalidEvent(f"Slack form body does not decode: {type(exc).__name__}", code="malformed") from None
    return {k: v[0] for k, v in fields.items()}


def _event(envelope: Any) -> SlackRequest:
    if not isinstance(envelope, dict) or not _is_name(envelope.get("type")):
        raise InvalidEvent("Slack event envelope must be an object with a type", code="malformed")
    if envelope["type"] == "url_verification":
        if not is_text(envelope.get("challenge"), MAX_VALUE_LENGTH):
            raise InvalidEvent("url_verification needs a challenge", code="malformed")
        return SlackRequest("url_verification", "url_verification", "", envelope)
    if envelope["type"] != "event_callback":  # e.g. app_rate_limited: acknowledged, nothing to do
        return SlackRequest("envelope", envelope["type"], "", envelope)
    event = envelope.get("event")
    if not isinstance(event, dict) or not _is_name(event.get("type")):
        raise InvalidEvent("Slack event_callback needs an event with a type", code="malformed")
    user = event.get("user")
    if event["type"] == "team_join":
        _check_team_join(user)
    if event["type"] == "app_home_opened":
        _check_app_home_opened(event)
    user_id = user.get("id") if isinstance(user, dict) else user
    return SlackRequest(
        "event", event["type"], user_id if isinstance(user_id, str) and is_slack_id(user_id) else "", envelope
    )


def _check_team_join(user: Any) -> None:
    """The route links the account by user.id and user.profile.email (services/slack_routes.py)."""
    if not isinstance(user, dict) or not is_slack_id(user.get("id")):
        raise InvalidEvent("team_join needs event.user with a Slack user id", code="malformed")
    profile = user.get("profile")
    if profile is not None and not isinstance(profile, dict):
        raise InvalidEvent("team_join: event.user.profile must be an object", code="malformed")
    email = (profile or {}).get("email")
    if email not in (None, "") and not is_email(email):
        raise InvalidEvent("team_join: event.user.profile.email is not an e-mail address", code="malformed")


def _check_app_home_opened(event: dict[str, Any]) -> None:
    """The route publishes the Home of event.user for tab "home" (event_ts is read if it is one:
    Slack's own reference shows it without its dot)."""
    if not is_slack_id(event.get("user")):
        raise InvalidEvent("app_home_opened needs event.user with a Slack user id", code="malformed")
    if event.get("tab") is not None and not _is_name(event["tab"]):
        raise InvalidEvent("app_home_opened: event.tab must be text", code="malformed")


def _interaction(payload: Any) -> SlackRequest:
    if not isinstance(payload, dict) or not _is_name(payload.get("type")):
        raise InvalidEvent("Slack interaction payload must be an object with a type", code="malformed")
    kind, user = payload["type"], payload.get("user")
    user_id = user.get("id") if isinstance(user, dict) else None
    if not isinstance(user_id, str) or not is_slack_id(user_id):
        raise InvalidEvent(f"Slack {kind} names no user", code="malformed")
    if kind == "block_actions":
        name = _first_action(payload)["action_id"]
        _check_trigger(payload.get("trigger_id"))
    elif kind == "view_submission":
        name = _check_view(payload.get("view"))
    else:
        name = kind
    return SlackRequest(kind, name, user_id, payload)


def _first_action(payload: dict[str, Any]) -> dict[str, Any]:
    """block_actions: the route reads actions[0]'s action_id, value and action_ts."""
    actions = payload.get("actions")
    action = actions[0] if isinstance(actions, list) and actions else None
    if not isinstance(action, dict) or not _is_name(action.get("action_id")):
        raise InvalidEvent("block_actions needs actions[0] with an action_id", code="malformed")
    value = action.get("value")
    if value is not None and not (isinstance(value, str) and len(value) <= MAX_VALUE_LENGTH):
        raise InvalidEvent(f"block_actions: value must be text of at most {MAX_VALUE_LENGTH}", code="malformed")
    for stamp in (action.get("action_ts"), payload.get("action_ts")):
        if stamp is not None and not is_slack_ts(stamp):
            raise InvalidEvent(f"block_actions: action_ts is not a Slack timestamp: {stamp!r:.40}", code="malformed")
    return action


def _check_trigger(trigger_id: Any) -> None:
    """A command's or click's trigger_id, handed to views.open as it is (optional: old clients)."""
    if trigger_id is not None and not (isinstance(trigger_id, str) and _TRIGGER.fullmatch(trigger_id)):
        raise InvalidEvent(f"trigger_id is not Slack's: {trigger_id!r:.40}", code="malformed")


def _check_view(view: Any) -> str:
    """view_submission: the route reads view.id, view.private_metadata (our JSON, parsed by the
    service) and view.state.values[block_id][action_id] with one of value (text input),
    selected_date, selected_option {value} or selected_options [{value}]."""
    if not isinstance(view, dict) or not _is_name(view.get("callback_id")):
        raise InvalidEvent("view_submission needs view.callback_id", code="malformed")
    if not (isinstance(view.get("id"), str) and _VIEW_ID.fullmatch(view["id"])):
        raise InvalidEvent("view_submission needs a view.id", code="malformed")
    metadata = view.get("private_metadata", "")
    if not isinstance(metadata, str) or len(metadata) > MAX_METADATA_LENGTH:
        raise InvalidEvent(
            f"view_submission: private_metadata must be text of at most {MAX_METADATA_LENGTH}", code="malformed"
        )
    state = view.get("state")
    values = state.get("values") if isinstance(state, dict) else None
    if not isinstance(values, dict) or len(values) > MAX_FORM_FIELDS:
        raise InvalidEvent("view_submission needs view.state.values", code="malformed")
    for block_id, actions in values.items():
        if not _is_name(block_id) or not isinstance(actions, dict) or len(actions) != 1:
            raise InvalidEvent("view_submission: each input block holds one element's state", code="malformed")
        for action_id, element in actions.items():
            if not _is_name(action_id) or not _is_element_state(element):
                raise InvalidEvent(
                    f"view_submission: the state of {block_id!r:.40} is not one Slack sends", code="malformed"
                )
    return str(view["callback_id"])


def _is_element_state(state: Any) -> bool:
    if not isinstance(state, dict):
        return False

    def option(o: Any) -> bool:
        return isinstance(o, dict) and isinstance(o.get("value"), str) and len(o["value"]) <= MAX_NAME_LENGTH

    if "selected_options" in state:
        chosen = state["selected_options"]
        return chosen is None or (isinstance(chosen, list) and len(chosen) <= MAX_OPTIONS and all(map(option, chosen)))
    if "selected_option" in state:
        return state["selected_option"] is None or option(state["selected_option"])
    if "selected_date" in state:
        return state["selected_date"] is None or (
            isinstance(state["selected_date"], str) and len(state["selected_date"]) <= 10
        )
    value = state.get("value")
    return value is None or (isinstance(value, str) and len(value) <= MAX_INPUT_LENGTH)


def is_slack_ts(value: Any) -> bool:
    """A Slack timestamp on a supported day (the 1:1's held date is taken from it)."""
    if not isinstance(value, str) or not _SLACK_TS.fullmatch(value):
        return False
    seconds = int(value.partition(".")[0])
    return seconds < 10**11 and is_supported_day(datetime.fromtimestamp(seconds, UTC).date())


def _is_name(value: Any) -> bool:
    return is_text(value, MAX_NAME_LENGTH)
