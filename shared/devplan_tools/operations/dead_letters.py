"""`devplan dead-letters list|show|replay|dismiss`: what could never be handled, and delivering it
again (see the package's docstring for what a replay does per source)."""

from __future__ import annotations

import argparse
import base64
import json
import sys
import time
from datetime import UTC, datetime
from typing import Any

import requests

from devplan.adapters.entry import REPLAY_ATTRIBUTE, REPLAY_PUBSUB_ATTRIBUTE
from devplan.adapters.firestore.mapping.dead_letters import DISMISSED, OPEN, REPLAYED, DeadLetter
from devplan_tools import manifest
from devplan_tools.operations import PROJECT_HELP, common
from devplan_tools.operations.common import Target

REPLAY_WAIT_SECONDS = 60.0


def command(args: argparse.Namespace) -> int:
    target = common.target(args)
    if target is None:
        return 2
    if args.action == "list":
        found = target.letters.letters(None if args.all else OPEN)
        print(f"Dead letters{'' if args.all else ' open'} in {target.project} ({len(found)}):")
        for letter in found:
            print(common.letter_line(letter))
        return 0
    found_letter = target.letters.letter(args.id)
    if found_letter is None:
        print(f"No dead letter {args.id!r} in {target.project}.", file=sys.stderr)
        return 1
    letter = found_letter
    if args.action == "show":
        return _show(letter)
    if args.action == "dismiss":
        target.letters.mark(letter.id, DISMISSED)
        print(f"{letter.id}: dismissed.")
        return 0
    return replay(target, letter)


def _show(letter: DeadLetter) -> int:
    for label, value in (
        ("id", letter.id),
        ("function", letter.function),
        ("state", letter.state),
        ("reason", letter.reason),
        ("event id", letter.event_id),
        ("event type", letter.event_type),
        ("source", letter.source),
        ("subject", letter.subject),
        ("record", letter.record),
        ("error", f"{letter.error_class}: {letter.error_message}"),
        ("first seen", common.when(letter.first_seen_at)),
        ("last seen", common.when(letter.last_seen_at)),
        ("attempts", letter.attempts),
        ("note", letter.note),
    ):
        if value is not None:
            print(f"{label:>11}: {value}")
    print(
        "      event:",
        json.dumps(json.loads(letter.event), indent=2, ensure_ascii=False)
        if letter.event
        else "(too big to keep: not replayable)",
    )
    return 0


def replay(target: Target, letter: DeadLetter) -> int:
    if letter.event is None:
        print(f"{letter.id}: the event was too big to keep; nothing to replay.", file=sys.stderr)
        return 2
    event = json.loads(letter.event)
    function = manifest.load().function(letter.function)
    if target.local is None:
        return _replay_to_project(target, letter, event, function)
    if "http" in event:
        return _replay_http(target, letter, event["http"])
    before = letter.attempts
    response = _post_cloud_event(target.local, function, letter, event)
    if response.status_code >= 500:
        print(f"{letter.id}: the function answered {response.status_code}; the local host retries it.")
    return _await_outcome(target, letter.id, before)


def _post_cloud_event(local: dict[str, Any], function: manifest.Function, letter: DeadLetter, event: dict[str, Any]):
    """Binary mode, as Eventarc and the emulators deliver: ce-* headers and the data as the body."""
    attributes = {k: v for k, v in event.items() if k not in ("data", "data_base64")}
    attributes.update(time=datetime.now(UTC).isoformat(), **{REPLAY_ATTRIBUTE: letter.id})
    data = event.get("data")
    body = base64.b64decode(event["data_base64"]) if "data_base64" in event else json.dumps(data).encode()
    headers = {f"ce-{k}": str(v) for k, v in attributes.items() if k != "datacontenttype"}
    headers["Content-Type"] = attributes.get("datacontenttype") or "application/json"
    route = (
        f"/functions/projects/{local['project']}/triggers/{function.name}"
        if function.kind == "firestore"
        else f"/{function.name}/"
    )
    return requests.post(local["functions_url"] + route, data=body, headers=headers, timeout=120)


def _await_outcome(target: Target, letter_id: str, attempts_before: int) -> int:
    deadline = time.monotonic() + REPLAY_WAIT_SECONDS
    while time.monotonic() < deadline:
        letter = target.letters.letter(letter_id)
        if letter is not None and letter.state == REPLAYED:
            print(f"{letter_id}: replayed; the function handled it.")
            return 0
        if letter is not None and letter.attempts > attempts_before:
            why = letter.note or f"failed again ({letter.error_class}: {letter.error_message[:160]})"
            print(f"{letter_id}: {why}; still open.")
            return 1
        time.sleep(0.2)
    print(
        f"{letter_id}: delivered, but no outcome within {REPLAY_WAIT_SECONDS:.0f} s (still being retried?); "
        "`devplan dead-letters show` tells later."
    )
    return 1


def _replay_http(target: Target, letter: DeadLetter, http: dict[str, str]) -> int:
    local = target.local or {}
    body = base64.b64decode(http["body_base64"]) if "body_base64" in http else http["body"].encode()
    headers = {"Content-Type": http.get("contentType") or "application/json"}
    now = str(int(time.time()))
    if letter.function == "slack-events":
        from devplan.adapters.decoding.slack import slack_signature

        signature = slack_signature(local["slack_signing_secret"], now, body)
        headers.update({"X-Slack-Request-Timestamp": now, "X-Slack-Signature": signature})
        url = local["slack_events_url"]
    else:
        from devplan_tools.local import platform_client

        headers.update(platform_client.signed_headers(local["platform_secret"], body))
        url = local["webhook_url"]
    response = requests.post(url, data=body, headers=headers, timeout=60)
    answer = response.text[:300]
    if response.status_code == 200:
        target.letters.mark(letter.id, REPLAYED)
        print(f"{letter.id}: replayed; {letter.function} answered 200 {answer}")
        return 0
    print(f"{letter.id}: {letter.function} answered {response.status_code} {answer}; still open.")
    return 1


def _replay_to_project(target: Target, letter: DeadLetter, event: dict[str, Any], function: manifest.Function) -> int:
    if function.kind != "pubsub" or not isinstance(event.get("data"), dict):
        how = {
            "firestore": "Eventarc cannot be asked to redeliver: mend the document (its write fires the trigger "
            "again; an outbox message is also delivered by the daily sweep), then dismiss this letter.",
            "http": "signing again needs the secret: ask the platform to send event "
            f"{letter.event_id!r} again (same id), or the person to repeat the Slack action; then dismiss this letter.",
        }.get(function.kind, "this letter's event cannot be delivered again from here.")
        print(f"{letter.id}: not replayable to a project: {how}", file=sys.stderr)
        return 2
    from devplan.adapters.pubsub import Publisher

    message = event["data"].get("message") or {}
    try:
        data = json.loads(base64.b64decode(message.get("data") or "e30="))
    except ValueError:
        data = None
    if not isinstance(data, dict):
        print(f"{letter.id}: its message is not a JSON object; it would be refused again.", file=sys.stderr)
        return 2
    attributes = {**(message.get("attributes") or {}), REPLAY_PUBSUB_ATTRIBUTE: letter.id}
    message_id = Publisher(target.project).publish(manifest.load().topic_of(function.name), data, **attributes)
    sharing = [
        f.name for f in manifest.load().by_kind("pubsub") if f.topic == function.topic and f.name != function.name
    ]
    print(
        f"{letter.id}: published again to {function.topic} as message {message_id}"
        + (f" (also delivered to {', '.join(sharing)}, which repeat safely)" if sharing else "")
        + ". It is marked replayed when handled without failing again: `devplan dead-letters show` tells."
    )
    return 0


def add_command(commands: Any) -> None:
    letters = commands.add_parser("dead-letters", help="what could never be handled: list, show, replay, dismiss")
    actions = letters.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="open dead letters, newest first")
    listing.add_argument("--all", action="store_true", help="replayed and dismissed ones too")
    for name, what in (
        ("show", "one letter with its event"),
        ("replay", "deliver its event again"),
        ("dismiss", "leave it be: nothing more to do"),
    ):
        action = actions.add_parser(name, help=what)
        action.add_argument("id", help="the letter's id, e.g. onboarding-catch-up:employees/anna")
    for action in (listing, *[actions.choices[n] for n in ("show", "replay", "dismiss")]):
        action.add_argument("--project", help=PROJECT_HELP)
    letters.set_defaults(run=command)
