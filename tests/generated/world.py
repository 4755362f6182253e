"""The world a generated input lands in: every entry point of functions/main.py served in-process
by functions-framework (tests/unit/entry_support.py), over the real Store on in-memory documents
that refuse what Firestore refuses, and a FakeSlack that refuses what Slack refuses. "Writes
nothing" is an exact comparison of the documents; an accepted onboarding is followed through
the employee-written trigger and the outbox sender to its end."""

from __future__ import annotations

import base64
import copy
import json
import logging
from datetime import UTC, datetime
from itertools import count
from typing import Any

from google.events.cloud.firestore import ArrayValue, Document, DocumentEventData, MapValue, Value

from tests.fakes import FakePublisher
from tests.generated.refusals import StrictSlack, StrictStore
from tests.unit.entry_support import Env, client, platform_headers, slack_headers

NOW = datetime(2025, 4, 8, 7, 0, 30, tzinfo=UTC)  # a Tuesday in Q2 2025, as install_fakes sets it
SLACK_USERS = {"anna@innerjourney.se": "U_ANNA", "bo@innerjourney.se": "U_BO", "erik@innerjourney.se": "U_ERIK"}
FINISHED_ONBOARDING = {"welcomed", "waiting_for_slack"}
FINISHED_OUTBOX = {"sent", "failed"}

# --- the seeded workspace --------------------------------------------------------------------------


def _employee(name: str, email: str, role: str, lead: str | None, start: str, status: str, slack: str | None):
    doc: dict[str, Any] = {
        "name": name,
        "email": email,
        "role": role,
        "leadId": lead,
        "startDate": start,
        "status": "active",
        "language": "sv",
        "onboarding": {"status": status},
    }
    if slack:
        doc["slack"] = {"userId": slack}
    return doc


def _goal(goal_id: str, title: str, metric: str, target: int, source: str | None, unit: str = "st"):
    """An agreed goal of Q2 2025, as the mapping stores it (mapping/goals.py)."""
    measure = {"metric": metric, "target": target, "baseline": 0, "unit": unit, "source": source}
    return {
        "goalId": goal_id,
        "quarter": "2025-Q2",
        "title": title,
        "measure": {k: v for k, v in measure.items() if v is not None},
        "plan": "Enligt planen",
        "relevance": "Inner Journeys behov",
        "dueDate": "2025-06-30",
        "status": "agreed",
        "proposedBy": "employee",
        "proposedOn": "2025-04-01",
        "agreedOn": "2025-04-02",
        "countsFrom": "2025-04-01",
    }


# Goals the generated goal and metric events can move: a live one (few sessions reach it), a
# reported one, and funding in whole kronor (the seed's Vinnova goal).
ANNA_GOALS = {
    "deadline": "2025-01-21",
    "items": [
        _goal("g-sessions", "Genomföra minst 3 coachingsessioner", "genomförda sessioner", 3, "coaching_sessions"),
        _goal("g-api", "Implementera och driftsätta VedAstro API", "driftsatt API", 1, None, ""),
    ],
}
ERIK_GOALS = {
    "items": [_goal("g-funding", "Säkra minst 465 865 SEK från Vinnova", "SEK", 465_865, "funding_sek", "SEK")]
}

SEED = {
    "employees/bo": _employee(
        "Bo Joel Kvarnsmyr", "bo@innerjourney.se", "project_lead", None, "2025-01-02", "welcomed", "U_BO"
    ),
    "employees/anna": _employee(
        "Anna Lindqvist", "anna@innerjourney.se", "developer", "bo", "2025-01-07", "welcomed", "U_ANNA"
    )
    | {"goals": ANNA_GOALS},
    # Erik's Slack account appears after he was onboarded: a team_join links it.
    "employees/erik": _employee(
        "Erik Holm", "erik@innerjourney.se", "funding_manager", "bo", "2025-02-03", "waiting_for_slack", None
    )
    | {"goals": ERIK_GOALS},
    "cycles/anna:2025-Q2": {
        "employeeId": "anna",
        "quarter": "2025-Q2",
        "openedOn": "2025-04-01",
        "revision": {"deadline": "2025-04-15", "done": False},
        "review": {"status": "invited", "invitedOn": "2025-04-01"},
    },
}


class _Acknowledgements(logging.Handler):
    """What adapters/entry.py acknowledged without effect (logged as an error with the event id):
    how an event entry point says it refused an input."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class World:
    """One generated input's world; `reset` before each input."""

    def __init__(self, env: Env):
        self.env = env
        self._ids = count(1)
        self._acknowledged = _Acknowledgements()

    def __enter__(self) -> World:
        logging.getLogger("devplan.entry").addHandler(self._acknowledged)
        return self

    def __exit__(self, *exc: object) -> None:
        logging.getLogger("devplan.entry").removeHandler(self._acknowledged)

    def refused(self) -> bool:
        """Whether an event entry point refused the last input (acknowledged it as unusable)."""
        return bool(self._acknowledged.records)

    def reset(self) -> None:
        self._acknowledged.records.clear()
        self.env.store = StrictStore(NOW)
        self.env.slack = StrictSlack(dict(SLACK_USERS))
        self.env.publisher = FakePublisher()
        self.env.now = NOW
        self.env.store.docs.update(copy.deepcopy(SEED))

    @property
    def docs(self) -> dict[str, dict[str, Any]]:
        return self.env.store.docs

    def snapshot(self) -> dict[str, Any]:
        return self.env.snapshot()

    def written_since(self, before: dict[str, Any]) -> set[str]:
        """The paths written (created, changed or deleted) since `before`."""
        return {p for p in set(before) | set(self.docs) if before.get(p) != self.docs.get(p)}

    def only_a_dead_letter_since(self, before: dict[str, Any]) -> bool:
        """What a refusal may write: nothing but the one dead letter that keeps it for an operator
        (adapters/entry.py: an event that can never succeed; a request that cannot be applied)."""
        written = self.written_since(before)
        return len(written) == 1 and next(iter(written)).startswith("deadLetters/")

    # HTTP ---------------------------------------------------------------------------------------

    def post_platform(self, body: bytes, headers: dict[str, str] | None = None):
        signed = platform_headers(body, self.env.now, delivery=f"delivery-{next(self._ids)}")
        return client("platform_webhook").post("/", data=body, headers=signed if headers is None else headers)

    def platform_headers(self, body: bytes, **kwargs: Any) -> dict[str, str]:
        return platform_headers(body, self.env.now, delivery=f"delivery-{next(self._ids)}", **kwargs)

    def slack_headers(self, body: bytes, content_type: str, **kwargs: Any) -> dict[str, str]:
        return slack_headers(body, self.env.now, content_type, **kwargs)

    def post_slack(self, body: bytes, headers: dict[str, str]):
        return client("slack_events").post("/", data=body, headers=headers)

    # Firestore triggers -------------------------------------------------------------------------

    def document_event(self, path: str, before: dict | None, after: dict | None, *, subject: str | None = None):
        """A binary CloudEvent as production sends it (raw protobuf DocumentEventData)."""
        name = f"projects/p/databases/(default)/documents/{path}"
        data = DocumentEventData(
            value=Document(name=name, fields=_fields(after), update_time=NOW) if after is not None else None,
            old_value=Document(name=name, fields=_fields(before)) if before is not None else None,
        )
        written = "written" if after is not None else "deleted"
        headers = {
            "ce-specversion": "1.0",
            "ce-type": f"google.cloud.firestore.document.v1.{written}",
            "ce-source": "//firestore.googleapis.com/projects/p/databases/(default)",
            "ce-id": f"fs-{next(self._ids)}",
            "ce-subject": subject if subject is not None else f"documents/{path}",
            "ce-time": self.env.now.isoformat().replace("+00:00", "Z"),
            "Content-Type": "application/protobuf",
        }
        return headers, DocumentEventData.serialize(data)

    def trigger(self, target: str, headers: dict[str, str], body: bytes):
        return client(target).post("/", headers=headers, data=body)

    def written(self, path: str, before: dict | None):
        """Fire the trigger of `path` as Firestore would after a write; the answer."""
        target = "on_employee_written" if path.startswith("employees/") else "send_outbox_message"
        headers, body = self.document_event(path, before, self.docs.get(path))
        return self.trigger(target, headers, body)

    # Pub/Sub pushes -------------------------------------------------------------------------------

    def push(self, target: str, data: bytes | str, *, message: Any = None):
        """A push as functions-framework receives it from the Pub/Sub push subscription: `data`
        (base64-encoded here if bytes), or `message` as it stands."""
        if message is None:
            encoded = base64.b64encode(data).decode() if isinstance(data, bytes) else data
            published = self.env.now.isoformat().replace("+00:00", "Z")
            message = {"messageId": f"m-{next(self._ids)}", "publishTime": published, "data": encoded}
        push = {"subscription": "projects/p/subscriptions/s", "message": message}
        return client(target).post(
            "/projects/p/topics/t", headers={"Content-Type": "application/json"}, data=json.dumps(push)
        )

    # following through ----------------------------------------------------------------------------

    def finish(self, before: dict[str, Any]) -> list[str]:
        """Fire the triggers of every employee and outbox document written since `before`, as
        Firestore would (each write of ours fires again), until nothing new is written. What did
        not finish, in words (empty: everything did)."""
        problems: list[str] = []
        for _ in range(6):
            # employees/{id} fires on every write, outbox/{id} when created (infra/functions.yaml)
            changed = [
                p
                for p in sorted(self.docs)
                if p.count("/") == 1
                and (
                    (p.startswith("employees/") and self.docs[p] != before.get(p))
                    or (p.startswith("outbox/") and p not in before)
                )
            ]
            if not changed:
                break
            before = self.snapshot()
            for path in changed:
                answer = self.written(path, before.get(path))
                if answer.status_code != 200:
                    problems.append(f"{path}: trigger answered {answer.status_code}: {answer.get_data(as_text=True)}")
        for path, doc in self.docs.items():
            if path.startswith("employees/") and path.count("/") == 1:
                status = (doc.get("onboarding") or {}).get("status")
                if status not in FINISHED_ONBOARDING:
                    problems.append(f"{path}: onboarding stuck at {status!r}")
            if path.startswith("outbox/") and doc.get("state") not in FINISHED_OUTBOX:
                problems.append(f"{path}: outbox message stuck at {doc.get('state')!r}")
        return problems


def _value(python: Any) -> Value:
    if python is None:
        return Value(null_value=0)
    if isinstance(python, bool):
        return Value(boolean_value=python)
    if isinstance(python, int):
        return Value(integer_value=python)
    if isinstance(python, float):
        return Value(double_value=python)
    if isinstance(python, str):
        return Value(string_value=python)
    if isinstance(python, datetime):
        return Value(timestamp_value=python)
    if isinstance(python, list | tuple):
        return Value(array_value=ArrayValue(values=[_value(v) for v in python]))
    if isinstance(python, dict):
        return Value(map_value=MapValue(fields={k: _value(v) for k, v in python.items()}))
    raise TypeError(f"no Firestore value for {python!r}")


def _fields(doc: dict[str, Any] | None) -> dict[str, Value]:
    return {k: _value(v) for k, v in (doc or {}).items()}
