"""The cold requests, one per HTTP entry point, signed as Slack and the platform sign them, and the
records they need on the emulator (a lead and developers, each with the Q2 2025 1:1 opened).

The requests are the ones users make most and whose answer they wait for: `/utveckling` (the
asker's plan, read from Firestore), the 1:1's **Markera som genomfört** button (a transaction
and an outbox message), and the platform's `employee.onboarded` (a transaction)."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urlencode

FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "fixtures"
LEAD_USER = "U07L2BOKV"  # the recorded click's user
OPENING = date(2025, 4, 1)
PLATFORM_SECRET = "cold-start-platform-secret"
SLACK_SIGNING_SECRET = "cold-start-slack-signing-secret"


@dataclass(frozen=True)
class ColdRequest:
    entry: str  # what is measured, e.g. "slack-events /utveckling"
    function: str  # the manifest's name
    target: str  # the entry point in functions/main.py
    path: str
    headers: dict[str, str]
    body: str
    source: str | None = None  # another functions file than functions/main.py

    def as_json(self) -> str:
        return json.dumps({"path": self.path, "headers": self.headers, "body": self.body, "source": self.source})


def developer(run: int) -> tuple[str, str]:
    """Each run clicks for its own developer, so every click does the whole work (not `already_held`)."""
    return f"anna{run}", f"U07ANNA{run:04d}"


def seed(db, runs: int) -> None:
    """The lead and one developer per run, welcomed; then the quarter opened for them by the
    product's own quarterly cycle (cycles and invites as production writes them)."""
    from devplan.adapters.firestore.documents import FirestoreDocuments
    from devplan.adapters.firestore.store import Store
    from devplan.services import quarterly_cycle
    from devplan.services.inputs import EmployeeChunk

    people = {"bo": ("Bo Joel Kvarnsmyr", "project_lead", None, LEAD_USER)}
    for run in range(runs):
        eid, user = developer(run)
        people[eid] = (f"Anna Lindqvist {run}", "developer", "bo", user)
    batch = db.batch()
    for eid, (name, role, lead, user) in people.items():
        batch.set(
            db.document(f"employees/{eid}"),
            {
                "name": name,
                "email": f"{eid}@innerjourney.se",
                "role": role,
                "leadId": lead,
                "startDate": "2024-01-08",
                "status": "active",
                "onboarding": {"status": "welcomed"},
                "goals": {
                    "deadline": "2024-01-22",
                    "setAt": datetime(2024, 1, 15, 9, 0, tzinfo=UTC),
                    "items": [{"goalId": "g1", "title": "Bli bättre på att skriva tester"}],
                },
                "slack": {"userId": user},
            },
        )
    batch.commit()
    store = Store(FirestoreDocuments(db), clock=lambda: datetime.now(UTC))
    chunk = EmployeeChunk(as_of=OPENING, employee_ids=tuple(people), message_id="cold-start-seed")
    quarterly_cycle.run_chunk(chunk, store)


def _slack_signed(body: str, content_type: str) -> dict[str, str]:
    timestamp = str(int(time.time()))
    mac = hmac.new(SLACK_SIGNING_SECRET.encode(), f"v0:{timestamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"Content-Type": content_type, "X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": f"v0={mac}"}


def _platform_signed(body: str, delivery: str) -> dict[str, str]:
    timestamp = str(int(time.time()))
    mac = hmac.new(PLATFORM_SECRET.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()
    return {
        "Content-Type": "application/json",
        "X-Devplan-Timestamp": timestamp,
        "X-Devplan-Delivery": delivery,
        "X-Devplan-Signature": f"v1={mac}",
    }


def slash_command(run: int) -> ColdRequest:
    _, user = developer(run)
    form = dict(pair.split("=", 1) for pair in (FIXTURES / "slack" / "command_utveckling.form").read_text().split("&"))
    form.update(user_id=user, command="/utveckling", text="", response_url="https://hooks.slack.com/commands/T/1/x")
    body = urlencode(form)
    return ColdRequest(
        "slack-events /utveckling",
        "slack-events",
        "slack_events",
        "/",
        _slack_signed(body, "application/x-www-form-urlencoded"),
        body,
    )


def button_click(run: int) -> ColdRequest:
    eid, _ = developer(run)
    payload = json.loads((FIXTURES / "slack" / "block_actions_mark_held.json").read_text())
    value = f"{eid}|2025-Q2"
    payload["actions"][0]["value"] = payload["message"]["blocks"][1]["elements"][1]["value"] = value
    body = urlencode({"payload": json.dumps(payload)})
    headers = _slack_signed(body, "application/x-www-form-urlencoded")
    return ColdRequest("slack-events click", "slack-events", "slack_events", "/", headers, body)


def platform_event(run: int) -> ColdRequest:
    event = {
        "id": f"cold-onboarded-{run}-{time.time_ns()}",
        "type": "employee.onboarded",
        "occurredAt": "2025-01-06T09:00:00+01:00",
        "data": {
            "employeeId": f"newbie{run}",
            "name": f"Nils Nykomling {run}",
            "email": f"newbie{run}@innerjourney.se",
            "role": "developer",
            "leadId": "bo",
            "startDate": "2025-01-07",
        },
    }
    body = json.dumps(event)
    headers = _platform_signed(body, event["id"])
    return ColdRequest("platform-webhook onboarded", "platform-webhook", "platform_webhook", "/", headers, body)


def floor(run: int) -> ColdRequest:
    """Not devplan: functions-framework, a Firestore client and one read (cold/floor_main.py)."""
    source = str(Path(__file__).resolve().parent / "floor_main.py")
    return ColdRequest("floor: one Firestore read", "slack-events", "floor", "/", {}, "", source)


REQUESTS = (slash_command, button_click, platform_event, floor)
