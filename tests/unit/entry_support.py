"""Shared by the entry-point tests: functions/main.py served by functions-framework's own test
client, the in-memory fakes injected into the composition root, and requests built from the
fixtures in tests/fixtures (signed at test time, or replayed as the emulators recorded them)."""

from __future__ import annotations

import base64
import copy
import dataclasses
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import functions_framework
import pytest

from devplan import runtime
from tests.fakes import FakePublisher, FakeSlack, InMemoryStore

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
PLATFORM_SECRET = "platform-test-secret"
SLACK_SIGNING_SECRET = "slack-test-signing-secret"
MAX_EVENT_AGE = 3600


@cache
def _app(target: str):
    return functions_framework.create_app(target=target, source=str(ROOT / "functions" / "main.py"))


def client(target: str):
    return _app(target).test_client()


@dataclasses.dataclass
class Env:
    """What the entry points see through devplan.runtime; `now` can be moved by a test."""

    store: InMemoryStore
    slack: FakeSlack
    publisher: FakePublisher
    now: datetime

    def snapshot(self) -> dict[str, Any]:
        return copy.deepcopy(self.store.docs)

    def outbox(self) -> set[str]:
        return set(self.store.collection("outbox"))


def install_fakes(monkeypatch: pytest.MonkeyPatch) -> Env:
    now = datetime(2025, 4, 8, 7, 0, 30, tzinfo=UTC)
    fakes = Env(
        InMemoryStore(now),
        FakeSlack({"anna@innerjourney.se": "U_ANNA", "bo@innerjourney.se": "U_BO", "erik@innerjourney.se": "U_ERIK"}),
        FakePublisher(),
        now,
    )
    settings = dataclasses.replace(
        runtime.Settings.from_env(),
        platform_secret=PLATFORM_SECRET,
        slack_signing_secret=SLACK_SIGNING_SECRET,
        max_event_age_seconds=MAX_EVENT_AGE,
    )
    monkeypatch.setattr(runtime, "settings", lambda: settings)
    monkeypatch.setattr(runtime, "store", lambda: fakes.store)
    monkeypatch.setattr(runtime, "slack", lambda: fakes.slack)
    monkeypatch.setattr(runtime, "publisher", lambda: fakes.publisher)
    monkeypatch.setattr(runtime, "now", lambda: fakes.now)
    return fakes


# --- signed HTTP requests ---------------------------------------------------------------------


def fixture_bytes(relative: str) -> bytes:
    return (FIXTURES / relative).read_bytes()


def platform_headers(
    body: bytes, now: datetime, *, secret: str = PLATFORM_SECRET, delivery: str = "delivery-1"
) -> dict[str, str]:
    """The README's contract: v1=hex(HMAC-SHA256(secret, "{timestamp}.{raw body}"))."""
    timestamp = str(int(now.timestamp()))
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return {
        "Content-Type": "application/json",
        "X-Devplan-Timestamp": timestamp,
        "X-Devplan-Delivery": delivery,
        "X-Devplan-Signature": f"v1={mac}",
    }


def slack_headers(
    body: bytes, now: datetime, content_type: str, *, secret: str = SLACK_SIGNING_SECRET
) -> dict[str, str]:
    """Slack's scheme: v0=hex(HMAC-SHA256(signing secret, "v0:{timestamp}:{raw body}"))."""
    timestamp = str(int(now.timestamp()))
    mac = hmac.new(secret.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256).hexdigest()
    return {"Content-Type": content_type, "X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": f"v0={mac}"}


# --- recorded trigger requests ------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Recorded:
    path: str
    headers: dict[str, str]
    body: bytes
    time: datetime  # when the event happened (ce-time / publishTime): the age limit counts from it


def _recorded(source: str, name: str) -> tuple[dict[str, Any], bytes]:
    meta = json.loads((FIXTURES / source / f"{name}.request.json").read_text())
    return meta, (FIXTURES / source / f"{name}.body").read_bytes()


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def firestore_event(name: str, *, raw: bool = False) -> Recorded:
    """A binary CloudEvent as the Firestore emulator POSTed it (ce-* headers, base64 protobuf body);
    raw=True decodes the body to the raw protobuf bytes production sends."""
    meta, body = _recorded("firestore", name)
    headers = {k: v for k, v in meta["headers"].items() if k.lower().startswith("ce-") or k == "Content-Type"}
    return Recorded(meta["path"], headers, base64.b64decode(body) if raw else body, _time(headers["ce-time"]))


def pubsub_push(name: str, *, data: bytes | None = None) -> Recorded:
    """A push request as the Pub/Sub emulator sent it. The local function host strips the function's
    name from the path (/daily-tick/projects/P/topics/T → /projects/P/topics/T) and hands the rest to
    functions-framework, which turns the push into a messagePublished CloudEvent; so do we.
    `data` replaces the message data (base64-encoded here), e.g. to make it malformed."""
    meta, body = _recorded("pubsub", name)
    if data is not None:
        push = json.loads(body)
        push["message"]["data"] = base64.b64encode(data).decode()
        body = json.dumps(push).encode()
    path = "/" + meta["path"].lstrip("/").partition("/")[2]
    headers = {k: v for k, v in meta["headers"].items() if k == "Content-Type"}
    return Recorded(path, headers, body, _time(json.loads(body)["message"]["publishTime"]))


def deliver(target: str, event: Recorded, env: Env, *, age: float = 5.0):
    """Call an event function the way its trigger does, `age` seconds after the event happened."""
    env.now = event.time + timedelta(seconds=age)
    return client(target).post(event.path, headers=event.headers, data=event.body)
