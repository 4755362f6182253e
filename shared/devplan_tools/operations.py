"""`devplan stuck`, `devplan dead-letters list|show|replay|dismiss` and `devplan outbox retry|dismiss`:
what is stuck, and what to do.

Both read the running local stack (.devplan/local.json) or a real project (`--project P`, with
the caller's Google credentials). What replay does depends on where the letter came from:

  source            local stack                                  --project P
  Pub/Sub function  the stored CloudEvent POSTed to the function  the stored message (data and attributes)
                    on the local host, same id, fresh time        published again to the function's topic:
                                                                  a new message id, and every function on
                                                                  that topic gets it (each is idempotent)
  Firestore trigger the stored CloudEvent POSTed to the trigger   not possible: Eventarc cannot be asked to
                    route, same id, fresh time                    redeliver. Mend the document (its write
                                                                  fires the trigger again), then dismiss
  HTTP (platform,   the stored body signed again with the local   not possible: signing needs the secret.
  Slack)            secret and POSTed, same envelope id           Ask the platform to send the event again
                                                                  (same id); Slack: the person acts again
Every replay carries the letter's id (a CloudEvent extension or a Pub/Sub attribute): the function
marks the letter `replayed` only if it handled the event without a new dead letter, and a batch
item's letter (outbox-sweep:outbox/…, …:employees/…) only if the run handled that item; a replay
that fails again, or never got to the item (the sweep on a weekend, not in the catch-up's sample),
counts one more attempt and the letter stays open (`show` says why).

An outbox message that `failed` (Slack refused it for good: a channel gone, a user removed) is
sent again with `devplan outbox retry ID` once the cause is mended (pending again, its error
cleared: the daily sweep sends it on the next business day), or left failed with `devplan outbox
dismiss ID` (no longer stuck).

Exit codes: 0 done (stuck: nothing is stuck), 1 something is stuck / the replay failed again /
no such letter, 2 not possible here (no local stack, a replay that cannot be done for that source).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import requests

from devplan.adapters.entry import REPLAY_ATTRIBUTE, REPLAY_PUBSUB_ATTRIBUTE
from devplan.adapters.firestore.dead_letters import DeadLetterStore
from devplan.adapters.firestore.documents import DocumentTransaction
from devplan.adapters.firestore.mapping import outbox_path
from devplan.adapters.firestore.mapping.dead_letters import DISMISSED, OPEN, REPLAYED, DeadLetter
from devplan.adapters.firestore.mapping.outbox import dismiss_update, retry_update
from devplan.adapters.firestore.store import Store
from devplan.domain.outbox import FAILED
from devplan.services.delivery import LEASE
from devplan.services.held_events import OVERDUE_AFTER, RELEASE_LIMIT
from devplan_tools import manifest

PENDING_FOR = timedelta(minutes=30)  # an outbox message this old and still pending is stuck (the sweep's view)
ONBOARDING_FOR = timedelta(days=1)
REPLAY_WAIT_SECONDS = 60.0


@dataclass
class Target:
    project: str
    letters: DeadLetterStore
    local: dict[str, Any] | None  # .devplan/local.json of the running stack; None for a real project


def _target(args: argparse.Namespace) -> Target | None:
    from google.cloud import firestore

    from devplan.adapters.firestore.documents import FirestoreDocuments
    from devplan_tools import targets

    where = targets.project_or_local(args.project)
    if where is None:
        return None
    project, local = where
    documents = FirestoreDocuments(firestore.Client(project=project))
    return Target(project, DeadLetterStore(documents, clock=lambda: datetime.now(UTC)), local)


def _when(moment: Any) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if isinstance(moment, datetime) else "?"


def _line(letter: DeadLetter) -> str:
    seen = f"seen {letter.attempts}×, last {_when(letter.last_seen_at)}"
    error = f"{letter.error_class}: {letter.error_message[:160]}"
    return f"  {letter.id}  [{letter.state}, {letter.reason}, {seen}]\n      {error}"


# --- devplan stuck ---------------------------------------------------------------------------------


def stuck(args: argparse.Namespace) -> int:
    target = _target(args)
    if target is None:
        return 2
    store = target.letters
    outbox = store.unsent_outbox(pending_for=max(PENDING_FOR, LEASE))
    letters = store.letters(OPEN)
    onboarding = store.unfinished_onboarding(pending_for=ONBOARDING_FOR)
    held = Store(store.documents, clock=lambda: datetime.now(UTC)).held_events(limit=RELEASE_LIMIT)
    now = datetime.now(UTC)
    # A held event waits for its employee's onboarding; stuck when it could not be applied or waited too long.
    held_stuck = [h for h in held if h.problem or now - h.received > OVERDUE_AFTER]
    print(f"What is stuck in {target.project}:")
    print(f"\nOutbox messages not sent ({len(outbox)}):")
    for m in outbox:
        print(
            f"  {m['id']}  [{m['state']}{', ' + m['topic'] if m.get('topic') else ''}"
            f"{', attempts ' + str(m['attempts']) if 'attempts' in m else ''}]  {m['why']}"
        )
    if any(m["state"] == FAILED for m in outbox):
        print("  (failed: `devplan outbox retry ID` once mended, or `devplan outbox dismiss ID`)")
    print(f"\nDead letters open ({len(letters)}):")
    for letter in letters:
        print(_line(letter))
    print(f"\nOnboarding not finished ({len(onboarding)}):")
    for e in onboarding:
        print(f"  {e['id']}  [{e['status']}]  {e.get('name') or ''}  since {_when(e['since'])}")
    print(f"\nEvents held for someone not onboarded ({len(held)}, stuck {len(held_stuck)}):")
    for h in held:
        why = h.problem or ("waiting longer than 30 days" if h in held_stuck else "waiting")
        print(f"  {h.event.id}  [{h.event.type} for {h.employee_id}, since {_when(h.received)}]  {why}")
    anything = bool(outbox or letters or onboarding or held_stuck)
    print("\n" + ("See README, 'Operations: when something is stuck'." if anything else "Nothing is stuck."))
    return 1 if anything else 0


# --- devplan dead-letters ------------------------------------------------------------------------------


def dead_letters(args: argparse.Namespace) -> int:
    target = _target(args)
    if target is None:
        return 2
    if args.action == "list":
        found = target.letters.letters(None if args.all else OPEN)
        print(f"Dead letters{'' if args.all else ' open'} in {target.project} ({len(found)}):")
        for letter in found:
            print(_line(letter))
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
    return _replay(target, letter)


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
        ("first seen", _when(letter.first_seen_at)),
        ("last seen", _when(letter.last_seen_at)),
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


def _replay(target: Target, letter: DeadLetter) -> int:
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
        mac = hmac.new(local["slack_signing_secret"].encode(), f"v0:{now}:".encode() + body, hashlib.sha256)
        headers.update({"X-Slack-Request-Timestamp": now, "X-Slack-Signature": f"v0={mac.hexdigest()}"})
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


# --- devplan outbox --------------------------------------------------------------------------------


def outbox(args: argparse.Namespace) -> int:
    target = _target(args)
    if target is None:
        return 2
    state = answer_failed(target.letters, args.id, args.action)
    if state is None:
        print(f"No outbox message {args.id!r} in {target.project}.", file=sys.stderr)
        return 1
    if state != FAILED:
        print(f"{args.id}: {state}, not failed; nothing to {args.action}.", file=sys.stderr)
        return 1
    print(
        f"{args.id}: pending again; the daily sweep sends it on the next business day."
        if args.action == "retry"
        else f"{args.id}: dismissed; it stays failed and is no longer stuck."
    )
    return 0


def answer_failed(store: DeadLetterStore, message_id: str, action: str) -> str | None:
    """`retry` or `dismiss` a failed outbox message, in one transaction (the sender may be at it):
    its state as found, None if there is no such message; it changed only if that is `failed`."""
    path, now = outbox_path(message_id), datetime.now(UTC)

    def work(tx: DocumentTransaction) -> str | None:
        doc = tx.get(path)
        if doc is None:
            return None
        state = str(doc.get("state"))
        if state == FAILED:
            tx.set(path, retry_update(now) if action == "retry" else dismiss_update(now), merge=True)
        return state

    return store.documents.run_in_transaction(work)


def add_commands(commands: Any) -> None:
    """Registered by cli.py."""
    project_help = "a Google Cloud project (default: the running local stack)"
    stuck_parser = commands.add_parser("stuck", help="what is stuck: outbox not sent, dead letters, onboarding")
    stuck_parser.add_argument("--project", help=project_help)
    stuck_parser.set_defaults(run=stuck)
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
        action.add_argument("--project", help=project_help)
    letters.set_defaults(run=dead_letters)


def add_outbox_command(commands: Any) -> None:
    """Registered by cli.py."""
    messages = commands.add_parser("outbox", help="a failed outbox message: retry it or dismiss it")
    actions = messages.add_subparsers(dest="action", required=True)
    for name, what in (
        ("retry", "pending again, its error cleared: the daily sweep sends it"),
        ("dismiss", "leave it failed: no longer stuck"),
    ):
        action = actions.add_parser(name, help=what)
        action.add_argument("id", help="the message's id, e.g. welcome:anna")
        action.add_argument("--project", help="a Google Cloud project (default: the running local stack)")
    messages.set_defaults(run=outbox)
