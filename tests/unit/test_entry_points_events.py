"""The event entry points of functions/main.py (Firestore triggers, Pub/Sub pushes), called
in-process through functions-framework's test client with the requests the emulators recorded
(tests/fixtures/record_fixtures.py), against the in-memory fakes."""

from __future__ import annotations

import dataclasses
import logging
from datetime import UTC, datetime

import pytest
import yaml
from cloudevents.http import from_http

from devplan.adapters.decoding.firestore import decode_document_event
from tests.fixtures.documents import ANNA, DOCUMENTS, WELCOME_ANNA
from tests.unit import test_entry_points_http
from tests.unit.entry_support import MAX_EVENT_AGE, ROOT, deliver, firestore_event, pubsub_push

ENTRY_POINTS = {
    "on_employee_written",
    "send_outbox_message",
    "on_daily_tick",
    "on_employee_tick",
    "sweep_outbox",
    "catch_up_onboarding",
}
BO = {**test_entry_points_http.BO, "slack": {"userId": "U_BO"}}
ANNA_WELCOMED = {
    **ANNA,
    "slack": {"userId": "U_ANNA"},
    "onboarding": {"status": "welcomed"},
    "goals": {
        "deadline": "2025-01-21",
        "quarter": "2025-Q1",
        "items": [{"goalId": "g-firebase", "title": "Bygga en Firebase-funktion i produktion"}],
        "setAt": datetime(2025, 1, 17, 9, 0, tzinfo=UTC),
        "setOn": "2025-01-17",
    },
}


def test_every_manifest_function_is_tested_in_process():
    manifest = yaml.safe_load((ROOT / "infra" / "functions.yaml").read_text())
    entry_points = {f["entry_point"] for f in manifest["functions"]}
    tested = ENTRY_POINTS | test_entry_points_http.ENTRY_POINTS
    assert entry_points - tested == set(), "entry points without an in-process test"
    assert tested - entry_points == set(), "tested entry points the manifest no longer has"


def test_the_recorded_firestore_events_carry_the_documents_the_tests_seed():
    for name, path in (
        ("employee_written_anna", "employees/anna"),
        ("outbox_created_welcome_anna", "outbox/welcome:anna"),
    ):
        event = firestore_event(name)
        change = decode_document_event(from_http(event.headers, event.body))
        assert (change.path, change.before, change.after) == (path, None, DOCUMENTS[path])


# --- Firestore triggers -------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [False, True], ids=["base64 (emulator)", "raw protobuf (production)"])
def test_a_written_employee_is_welcomed_once(env, raw):
    env.store.docs.update({"employees/bo": dict(BO), "employees/anna": dict(ANNA)})
    event = firestore_event("employee_written_anna", raw=raw)
    response = deliver("on_employee_written", event, env)
    assert response.status_code == 200
    assert {"welcome:anna", "invite:dev:anna", "lead-notice:new-employee:anna"} <= env.outbox()
    assert env.store.docs["outbox/welcome:anna"]["users"] == ["U_ANNA"]
    assert env.store.docs["employees/anna"]["onboarding"]["status"] == "welcomed"
    assert f"processedEvents/firestore:{event.headers['ce-id']}" in env.store.docs
    before = env.snapshot()
    assert deliver("on_employee_written", event, env).status_code == 200  # delivered again
    assert env.store.docs == before


@pytest.mark.parametrize("raw", [False, True], ids=["base64 (emulator)", "raw protobuf (production)"])
def test_a_created_outbox_message_is_posted_once(env, raw):
    env.store.docs["outbox/welcome:anna"] = dict(WELCOME_ANNA)
    event = firestore_event("outbox_created_welcome_anna", raw=raw)
    assert deliver("send_outbox_message", event, env).status_code == 200
    assert deliver("send_outbox_message", event, env).status_code == 200  # delivered again
    assert [(p["channel"], p["outbox_id"], p["text"]) for p in env.slack.posted] == [
        ("D-U_ANNA", "welcome:anna", WELCOME_ANNA["text"])
    ]
    assert env.store.docs["outbox/welcome:anna"]["state"] == "sent"


def test_a_crash_after_posting_answers_500_so_the_trigger_retries(env):
    env.store.docs["outbox/welcome:anna"] = dict(WELCOME_ANNA)
    env.store.fail_next_set = lambda path, data: data.get("state") == "sent"
    response = deliver("send_outbox_message", firestore_event("outbox_created_welcome_anna"), env)
    assert response.status_code == 500
    assert env.store.docs["outbox/welcome:anna"]["state"] == "sending" and len(env.slack.posted) == 1


# --- Pub/Sub pushes -----------------------------------------------------------------------------


def test_the_daily_tick_fans_out_the_day_once(env):
    env.store.docs.update({"employees/anna": dict(ANNA_WELCOMED), "employees/bo": dict(BO)})
    push = pubsub_push("daily_tick_2025_04_01")
    assert deliver("on_daily_tick", push, env).status_code == 200
    assert deliver("on_daily_tick", push, env).status_code == 200  # delivered again
    assert env.publisher.published == [
        ("devplan-employee-tick", {"asOf": "2025-04-01", "employeeIds": ["anna", "bo"], "chunk": 0})
    ]
    assert env.store.docs["ticks/2025-04-01"]["state"] == "fanned_out"


def test_the_schedulers_empty_tick_takes_its_day_from_the_publish_time(env):
    push = pubsub_push("daily_tick_scheduler")
    assert deliver("on_daily_tick", push, env).status_code == 200
    ticks = [p for p in env.store.docs if p.startswith("ticks/")]
    assert len(ticks) == 1 and env.store.docs[ticks[0]]["state"] in ("day_off", "fanned_out")


def test_an_employee_chunk_opens_the_quarter(env):
    env.store.docs.update({"employees/anna": dict(ANNA_WELCOMED), "employees/bo": dict(BO)})
    assert deliver("on_employee_tick", pubsub_push("employee_chunk_2025_04_01"), env).status_code == 200
    invite = env.store.docs["outbox/review-invite:anna:2025-Q2"]
    assert invite["users"] == ["U_ANNA", "U_BO"] and invite["state"] == "pending"
    assert env.store.docs["cycles/anna:2025-Q2"]["openedOn"] == "2025-04-01"
    assert env.store.docs["cycles/anna:2025-Q2"]["review"]["status"] == "invited"
    assert env.store.docs["ticks/2025-04-01/chunks/0"]["employees"] == 2


def test_the_sweep_delivers_an_unfinished_outbox_message(env):
    env.store.docs["outbox/welcome:anna"] = dict(WELCOME_ANNA)  # created long before the tick
    assert deliver("sweep_outbox", pubsub_push("daily_tick_2025_04_01"), env).status_code == 200
    assert [p["outbox_id"] for p in env.slack.posted] == ["welcome:anna"]
    assert env.store.docs["outbox/welcome:anna"]["state"] == "sent"


def test_the_catch_up_welcomes_unfinished_onboarding_and_links_new_slack_accounts(env):
    env.store.docs.update(
        {
            "employees/bo": dict(BO),
            "employees/anna": dict(ANNA),
            "employees/erik": {
                **ANNA,
                "name": "Erik Holm",
                "email": "erik@innerjourney.se",
                "role": "funding_manager",
                "onboarding": {"status": "waiting_for_slack"},
            },
        }
    )
    assert deliver("catch_up_onboarding", pubsub_push("daily_tick_2025_04_01"), env).status_code == 200
    assert "welcome:anna" in env.outbox()
    assert env.store.docs["employees/erik"]["slack"] == {"userId": "U_ERIK"}


@pytest.mark.parametrize(
    "target, recorded",
    [
        ("on_daily_tick", "daily_tick_2025_04_01"),
        ("sweep_outbox", "daily_tick_2025_04_01"),
        ("on_employee_tick", "employee_chunk_2025_04_01"),
    ],
)
def test_a_malformed_pubsub_message_is_acknowledged_and_logged(env, target, recorded, caplog):
    env.store.docs.update({"employees/anna": dict(ANNA_WELCOMED), "outbox/welcome:anna": dict(WELCOME_ANNA)})
    before = env.snapshot()
    with caplog.at_level(logging.ERROR, logger="devplan.entry"):
        response = deliver(target, pubsub_push(recorded, data=b'{"asOf": "1 april"'), env)
    assert 200 <= response.status_code < 300  # 2xx: Pub/Sub does not redeliver
    assert [r for r in caplog.records if r.name == "devplan.entry" and "malformed" in r.getMessage()]
    assert without_dead_letters(env) == before and env.slack.posted == [] and env.publisher.published == []
    assert len(env.store.collection("deadLetters")) == 1  # kept for an operator (tests/unit/test_dead_letters.py)


def test_a_malformed_firestore_event_is_acknowledged_and_logged(env, caplog):
    env.store.docs["employees/anna"] = dict(ANNA)
    before, event = env.snapshot(), firestore_event("employee_written_anna", raw=True)
    truncated = dataclasses.replace(event, body=event.body[:40])
    with caplog.at_level(logging.ERROR, logger="devplan.entry"):
        assert deliver("on_employee_written", truncated, env).status_code == 200
    assert without_dead_letters(env) == before and len(env.store.collection("deadLetters")) == 1
    assert [r for r in caplog.records if r.name == "devplan.entry" and "malformed" in r.getMessage()]


# An old event is acknowledged (2xx) with nothing written but its dead letter: retrying it only
# makes it older; the next daily tick catches up, and an operator can replay it.
@pytest.mark.parametrize(
    "target, recorded",
    [
        ("on_employee_written", "firestore/employee_written_anna"),
        ("send_outbox_message", "firestore/outbox_created_welcome_anna"),
        ("on_daily_tick", "pubsub/daily_tick_2025_04_01"),
        ("on_employee_tick", "pubsub/employee_chunk_2025_04_01"),
    ],
)
def test_an_event_older_than_the_max_age_is_dropped(env, target, recorded, caplog):
    source, name = recorded.split("/")
    event = firestore_event(name) if source == "firestore" else pubsub_push(name)
    env.store.docs.update(
        {"employees/anna": dict(ANNA), "employees/bo": dict(BO), "outbox/welcome:anna": dict(WELCOME_ANNA)}
    )
    before = env.snapshot()
    with caplog.at_level(logging.WARNING, logger="devplan.entry"):
        response = deliver(target, event, env, age=MAX_EVENT_AGE + 1)
    assert without_dead_letters(env) == before and env.slack.posted == [] and env.publisher.published == []
    assert [d["reason"] for d in env.store.collection("deadLetters").values()] == ["expired"]
    assert any("dropped" in r.getMessage() for r in caplog.records)
    assert response.status_code == 200  # acknowledged: not retried


def without_dead_letters(env) -> dict:
    return {path: doc for path, doc in env.store.docs.items() if not path.startswith("deadLetters/")}


def test_an_event_just_inside_the_max_age_is_handled(env):
    env.store.docs.update({"employees/bo": dict(BO), "employees/anna": dict(ANNA)})
    response = deliver("on_employee_written", firestore_event("employee_written_anna"), env, age=MAX_EVENT_AGE - 1)
    assert response.status_code == 200 and "welcome:anna" in env.outbox()
