"""A replayed batch-item letter (outbox-sweep:outbox/…, onboarding-catch-up:employees/…,
employee-tick:employees/…) is settled only when the replaying run handled that very item: a run
that never got to it (the sweep on a weekend, the catch-up's sample, a budget) leaves it open,
one more attempt counted and a note why."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from devplan.adapters.firestore.dead_letters import DeadLetterStore, Delivery
from devplan.errors import UnusableRecord
from devplan.services import onboarding
from tests.fakes import NOW, MemoryDocuments
from tests.fixtures.documents import ANNA, WELCOME_ANNA
from tests.unit.entry_support import Recorded, deliver, install_fakes, pubsub_push

SWEEP_LETTER = "outbox-sweep:outbox/broken"


@pytest.fixture
def env(monkeypatch):
    return install_fakes(monkeypatch)


def letters(env):
    return {doc["id"]: doc for doc in env.store.collection("deadLetters").values()}


def scheduler_push(day_iso: str, replay_of: str) -> Recorded:
    """The scheduler's tick ({} data, the day from its publish time) as `devplan dead-letters
    replay --project` publishes it again: the letter's id as an attribute."""
    body = {
        "subscription": "projects/p/subscriptions/s",
        "message": {
            "data": "e30=",
            "messageId": "replay-1",
            "publishTime": day_iso,
            "attributes": {"devplanReplayOf": replay_of},
        },
    }
    recorded = pubsub_push("daily_tick_scheduler")
    when = datetime.fromisoformat(day_iso.replace("Z", "+00:00"))
    return Recorded(recorded.path, recorded.headers, json.dumps(body).encode(), when)


@pytest.fixture
def swept_letter(env):
    env.store.docs["outbox/broken"] = {**WELCOME_ANNA, "users": 7}  # no usable list of users
    assert deliver("sweep_outbox", pubsub_push("daily_tick_2025_04_01"), env).status_code == 200
    assert letters(env)[SWEEP_LETTER]["state"] == "open"
    return env


def test_a_sweep_replayed_on_a_saturday_leaves_the_letter_open(swept_letter):
    env = swept_letter
    response = deliver("sweep_outbox", scheduler_push("2025-04-05T09:00:00Z", SWEEP_LETTER), env)
    assert response.status_code == 200
    letter = letters(env)[SWEEP_LETTER]
    assert letter["state"] == "open" and letter["attempts"] == 2  # was: replayed, never tried
    assert "did not get to outbox/broken" in letter["note"]
    assert env.store.docs["outbox/broken"]["state"] == "pending"


def test_a_sweep_replayed_on_a_business_day_after_mending_settles_it(swept_letter):
    env = swept_letter
    env.store.docs["outbox/broken"] = dict(WELCOME_ANNA)  # mended
    response = deliver("sweep_outbox", scheduler_push("2025-04-08T09:00:00Z", SWEEP_LETTER), env)
    assert response.status_code == 200
    assert env.store.docs["outbox/broken"]["state"] == "sent"
    assert letters(env)[SWEEP_LETTER]["state"] == "replayed"


def test_a_replay_that_fails_the_item_again_counts_a_failure_not_a_skip(swept_letter):
    env = swept_letter
    deliver("sweep_outbox", scheduler_push("2025-04-08T09:00:00Z", SWEEP_LETTER), env)
    letter = letters(env)[SWEEP_LETTER]
    assert letter["state"] == "open" and letter["attempts"] == 2 and not letter.get("note")


# --- the catch-up's sample -----------------------------------------------------------------------------


@pytest.fixture
def dead_letters():
    return DeadLetterStore(MemoryDocuments(), clock=lambda: NOW)


def catch_up_letters(store: DeadLetterStore, replay_of: str | None = None):
    body = json.dumps({"id": "run-2", **({"devplanreplayof": replay_of} if replay_of else {})})
    return store.for_event("onboarding-catch-up", Delivery("run-2", "t", "//scheduler", None, body))


def test_a_catch_up_that_did_not_sample_the_person_leaves_their_letter_open(env, dead_letters, monkeypatch):
    letter_id = "onboarding-catch-up:employees/anna"
    catch_up_letters(dead_letters).set_aside("employee", "anna", UnusableRecord("employees/anna"))
    monkeypatch.setattr(onboarding.random, "sample", lambda people, k: [])  # anna not in today's sample
    env.store.docs["employees/anna"] = dict(ANNA)
    run = catch_up_letters(dead_letters, letter_id)
    onboarding.catch_up(env.store, env.slack, NOW, run, run_id="run-2")
    run.mark_replayed(letter_id)
    assert dead_letters.letter(letter_id).state == "open" and dead_letters.letter(letter_id).attempts == 2

    monkeypatch.undo()
    run = catch_up_letters(dead_letters, letter_id)
    onboarding.catch_up(env.store, env.slack, NOW, run, run_id="run-3")
    run.mark_replayed(letter_id)
    assert dead_letters.letter(letter_id).state == "replayed"


# --- an employee-tick chunk --------------------------------------------------------------------------


def test_a_replayed_chunk_settles_the_letters_of_the_people_it_handled(env):
    letter_id = "employee-tick:employees/anna"
    env.store.docs["employees/anna"] = {**ANNA, "startDate": "someday"}
    chunk = pubsub_push("employee_chunk_2025_04_01")
    assert deliver("on_employee_tick", chunk, env).status_code == 200
    assert letters(env)[letter_id]["state"] == "open"
    env.store.docs["employees/anna"] = dict(ANNA)  # mended
    push = json.loads(chunk.body)
    push["message"]["attributes"] = {"devplanReplayOf": letter_id}
    replay = Recorded(chunk.path, chunk.headers, json.dumps(push).encode(), chunk.time)
    assert deliver("on_employee_tick", replay, env).status_code == 200
    assert letters(env)[letter_id]["state"] == "replayed"


def _chunk_of(ids: list[str], replay_of: str | None = None) -> Recorded:
    import base64

    chunk = pubsub_push("employee_chunk_2025_04_01")
    push = json.loads(chunk.body)
    data = {"asOf": "2025-04-01", "employeeIds": ids, "chunk": 0}
    push["message"]["data"] = base64.b64encode(json.dumps(data).encode()).decode()
    if replay_of:
        push["message"]["attributes"] = {"devplanReplayOf": replay_of}
    return Recorded(chunk.path, chunk.headers, json.dumps(push).encode(), chunk.time)


def test_a_lead_of_another_chunk_once_mended_settles_the_replay_of_their_letter(env):
    """The chunk reads the lead of those due, though the lead is no member of it: reading them
    again after a repair is what the replay was for."""
    env.store.docs["employees/anna"] = dict(ANNA)
    bo = {**ANNA, "name": "Bo Ek", "email": "bo@innerjourney.se", "leadId": None, "role": "project_lead"}
    env.store.docs["employees/bo"] = {**bo, "status": 12345, "startDate": "someday", "name": 5}
    assert deliver("on_employee_tick", _chunk_of(["anna"]), env).status_code == 200
    letter_id = "employee-tick:employees/bo"
    assert letters(env)[letter_id]["state"] == "open"
    env.store.docs["employees/bo"] = bo  # mended
    assert deliver("on_employee_tick", _chunk_of(["anna"], letter_id), env).status_code == 200
    assert letters(env)[letter_id]["state"] == "replayed"
