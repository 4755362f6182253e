"""`devplan stuck` and `devplan dead-letters` over the in-memory documents: what counts as stuck,
and replays that cannot be done honestly for a project are refused with what to do instead.
(The local stack's replays run on the real stack: tests/e2e/test_operations.py.)"""

from __future__ import annotations

from datetime import timedelta

import pytest

from devplan.adapters.firestore.dead_letters import DeadLetterStore, Delivery
from devplan_tools.operations import common, dead_letters, stuck
from tests.fakes import NOW, MemoryDocuments

CLAIM = {"eventId": "e", "attempt": "a", "at": NOW - timedelta(hours=1)}


@pytest.fixture
def store():
    return DeadLetterStore(MemoryDocuments(), clock=lambda: NOW)


def outbox(store, message_id, **fields):
    doc = {"kind": "message", "users": ["U1"], "text": "hej", "topic": "welcome", "attempts": 1, **fields}
    store.documents.set(f"outbox/{message_id}", doc)


def test_outbox_not_sent_is_failed_a_lease_run_out_or_pending_too_long(store):
    outbox(store, "failed", state="failed", error="slack chat.postMessage: channel_not_found", createdAt=NOW)
    outbox(store, "lease-out", state="sending", claim={**CLAIM, "until": NOW - timedelta(minutes=1)}, createdAt=NOW)
    outbox(store, "lease-on", state="sending", claim={**CLAIM, "until": NOW + timedelta(minutes=1)}, createdAt=NOW)
    outbox(store, "old", state="pending", createdAt=NOW - timedelta(hours=2))
    outbox(store, "new", state="pending", createdAt=NOW - timedelta(minutes=5))
    outbox(store, "sent", state="sent", createdAt=NOW - timedelta(days=2))
    stuck = {m["id"]: m for m in store.unsent_outbox(pending_for=timedelta(minutes=30))}
    assert set(stuck) == {"failed", "lease-out", "old"}
    assert "channel_not_found" in stuck["failed"]["why"] and stuck["old"]["topic"] == "welcome"


def test_onboarding_not_finished_is_waiting_for_slack_or_pending_for_more_than_a_day(store):
    def employee(employee_id, status, since):
        store.documents.set(
            f"employees/{employee_id}", {"name": employee_id, "onboarding": {"status": status}, "onboardedAt": since}
        )

    employee("erik", "waiting_for_slack", NOW - timedelta(hours=1))
    employee("anna", "pending", NOW - timedelta(days=2))
    employee("maja", "pending", NOW - timedelta(hours=3))
    employee("bo", "welcomed", NOW - timedelta(days=9))
    found = {(e["id"], e["status"]) for e in store.unfinished_onboarding(pending_for=timedelta(days=1))}
    assert found == {("erik", "waiting_for_slack"), ("anna", "pending")}


@pytest.mark.parametrize(
    "function, delivery, hint",
    [
        (
            "employee-written",
            Delivery("e1", "t", "s", "documents/employees/x", '{"id": "e1", "data_base64": "AA=="}'),
            "mend the document",
        ),
        (
            "platform-webhook",
            Delivery("evt-1", "goals.set", "platform-webhook", None, '{"http": {"body": "{}"}}'),
            "ask the platform",
        ),
    ],
)
def test_a_replay_to_a_project_that_cannot_be_honest_is_refused_with_what_to_do(
    store, capsys, function, delivery, hint
):
    letter = store.for_event(function, delivery).set_aside_event(ValueError("x"), reason="permanent")
    target = common.Target("my-project", store, local=None)
    assert dead_letters.replay(target, store.letter(letter.id)) == 2
    assert hint in capsys.readouterr().err
    assert store.letter(letter.id).state == "open"


def test_a_pubsub_letter_is_published_again_to_a_project_with_its_id(store, monkeypatch, capsys):
    import base64
    import json

    published = []

    class Publisher:
        def __init__(self, project):
            self.project = project

        def publish(self, topic, message, **attributes):
            published.append((self.project, topic, message, attributes))
            return "m-2"

    monkeypatch.setattr("devplan.adapters.pubsub.Publisher", Publisher)
    data = base64.b64encode(json.dumps({"asOf": "2025-04-01", "employeeIds": ["anna"]}).encode()).decode()
    event = {"id": "m-1", "data": {"message": {"data": data, "attributes": {"asOf": "2025-04-01"}, "messageId": "m-1"}}}
    delivery = Delivery("m-1", "t", "s", None, json.dumps(event))
    letter = store.for_event("employee-tick", delivery)
    letter.set_aside("employee", "anna", KeyError("email"))
    target = common.Target("my-project", store, local=None)
    assert dead_letters.replay(target, store.letter("employee-tick:employees/anna")) == 0
    assert published == [
        (
            "my-project",
            "devplan-employee-tick",
            {"asOf": "2025-04-01", "employeeIds": ["anna"]},
            {"asOf": "2025-04-01", "devplanReplayOf": "employee-tick:employees/anna"},
        )
    ]
    assert "m-2" in capsys.readouterr().out


def test_without_a_local_stack_or_a_project_the_commands_say_so_and_exit_2(tmp_path, monkeypatch, capsys):
    from devplan_tools import cli

    monkeypatch.chdir(tmp_path)  # no .devplan/local.json here
    assert cli.main(["stuck"]) == 2
    assert cli.main(["dead-letters", "replay", "daily-tick:1"]) == 2
    assert "devplan local up --detach" in capsys.readouterr().err


def test_stuck_names_events_held_too_long_for_someone_never_onboarded(store, monkeypatch, capsys):
    from devplan.adapters.firestore.mapping import held_document
    from devplan.services.inputs import PlatformEvent

    event = PlatformEvent("r-ghost", "journal.reflection_logged", NOW, {"employeeId": "ghost", "entryId": "j"}, "d")
    store.documents.set("heldEvents/r-ghost", held_document(event, "ghost", NOW - timedelta(days=31)))
    monkeypatch.setattr(common, "target", lambda args: common.Target("p", store, None))
    assert stuck.stuck(type("Args", (), {"project": None})()) == 1
    out = capsys.readouterr().out
    assert "Events held for someone not onboarded (1, stuck 1)" in out
    assert "r-ghost  [journal.reflection_logged for ghost" in out and "waiting longer than 30 days" in out


# --- devplan outbox retry|dismiss -------------------------------------------------------------------


@pytest.fixture
def failed_message(store, monkeypatch):
    """A welcome Slack refused for good, as the sender leaves it; `devplan` acts on this store."""
    outbox(store, "welcome:anna", state="failed", error="slack chat.postMessage: user_not_found", createdAt=NOW)
    monkeypatch.setattr(common, "target", lambda args: common.Target("p", store, None))
    return store


def devplan(*argv: str) -> int:
    from devplan_tools import cli

    return cli.main(list(argv))


def test_a_failed_message_keeps_stuck_exiting_1_until_dismissed(failed_message, capsys):
    assert devplan("stuck") == 1 and "devplan outbox retry ID" in capsys.readouterr().out
    assert devplan("outbox", "dismiss", "welcome:anna") == 0
    assert failed_message.documents.get("outbox/welcome:anna")["state"] == "failed"  # kept as it was
    assert failed_message.unsent_outbox(pending_for=timedelta(minutes=30)) == []
    assert devplan("stuck") == 0 and "Nothing is stuck." in capsys.readouterr().out


def test_a_retried_message_is_pending_again_and_the_sweep_sends_it(failed_message):
    from devplan.adapters.firestore.store import Store
    from devplan.services import outbox_sweep
    from tests.fakes import FakeSlack

    assert devplan("outbox", "retry", "welcome:anna") == 0
    doc = failed_message.documents.get("outbox/welcome:anna")
    assert doc["state"] == "pending" and doc["error"] is None
    later = NOW + timedelta(hours=1)
    slack = FakeSlack()
    products = Store(failed_message.documents, clock=lambda: later)
    swept = outbox_sweep.sweep(products, slack, lambda: later, sweep_id="s-1", as_of=later.date())
    assert swept == {"sent": 1} and [p["outbox_id"] for p in slack.posted] == ["welcome:anna"]


@pytest.mark.parametrize("action", ["retry", "dismiss"])
def test_only_a_failed_message_is_retried_or_dismissed(failed_message, capsys, action):
    outbox(failed_message, "sent", state="sent", createdAt=NOW)
    assert devplan("outbox", action, "sent") == 1 and "sent, not failed" in capsys.readouterr().err
    assert failed_message.documents.get("outbox/sent")["state"] == "sent"
    assert devplan("outbox", action, "nobody") == 1 and "No outbox message" in capsys.readouterr().err
