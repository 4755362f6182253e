"""Generated events for every event entry point: Firestore document events for employees/{id} and
outbox/{id} with generated fields, and Pub/Sub ticks and chunks with generated data.

Properties: an event entry point never raises for input that can never succeed (functions-framework
would answer the trigger 500 and it would retry); an event the decoder refuses writes nothing but
its one dead letter (kept for `devplan dead-letters`); an
accepted employee record is onboarded to the end (welcomed or waiting for Slack, every message sent)."""

from __future__ import annotations

import base64

from hypothesis import assume, given
from hypothesis import strategies as st

from tests.generated import event_inputs as gen
from tests.generated.profiles import fuzz
from tests.generated.refusals import Refused, check_document
from tests.generated.tally import TALLY
from tests.generated.values import odd_values
from tests.generated.world import World


def _acknowledged(world: World, entry_point: str, response, *, before: dict) -> bool:
    """Check the answer; whether the input was accepted (not acknowledged as unusable)."""
    accepted = not world.refused()
    TALLY.event(entry_point, response, accepted=accepted)
    assert response.status_code == 200, f"{entry_point} raised: {response.get_data(as_text=True)[:500]}"
    if not accepted and not world.only_a_dead_letter_since(before):
        TALLY.failed("writes from rejected input")
        raise AssertionError(
            f"{entry_point} refused the event but wrote more than its one dead letter: {world.written_since(before)}"
        )
    return accepted


def _seed(world: World, path: str, doc: dict) -> None:
    try:
        check_document(path, doc)
    except Refused:
        assume(False)  # Firestore could not hold it, so no trigger could carry it
    world.docs[path] = doc


@fuzz()
@given(doc=gen.employee_document(), employee_id=gen.DOCUMENT_IDS, subject=st.sampled_from(["ok", "ok", "other"]))
def test_employee_written_events_never_raise_and_accepted_ones_finish(world: World, doc, employee_id, subject):
    world.reset()
    assume(isinstance(doc, dict) and f"employees/{employee_id}" not in world.docs)
    path = f"employees/{employee_id}"
    _seed(world, path, doc)
    before = world.snapshot()
    headers, body = world.document_event(
        path, None, doc, subject=None if subject == "ok" else f"documents/outbox/{employee_id}"
    )
    response = world.trigger("on_employee_written", headers, body)
    if _acknowledged(world, "on_employee_written", response, before=before):
        TALLY.unfinished(world.finish(before))


@fuzz()
@given(doc=gen.outbox_document(), message_id=gen.DOCUMENT_IDS)
def test_outbox_created_events_never_raise(world: World, doc, message_id):
    world.reset()
    assume(isinstance(doc, dict))
    path = f"outbox/{message_id}"
    _seed(world, path, doc)
    before = world.snapshot()
    headers, body = world.document_event(path, None, doc)
    _acknowledged(world, "send_outbox_message", world.trigger("send_outbox_message", headers, body), before=before)


@fuzz(weight=0.5)
@given(body=st.binary(max_size=128), target=st.sampled_from(["on_employee_written", "send_outbox_message"]))
def test_firestore_events_with_random_bodies_never_raise(world: World, body: bytes, target: str):
    world.reset()
    headers, _ = world.document_event("employees/nya", None, {})
    before = world.snapshot()
    _acknowledged(world, target, world.trigger(target, headers, body), before=before)
    # Random bytes may decode as protobuf, but never as a document to act on: at most a dead letter.
    assert world.docs == before or world.only_a_dead_letter_since(before)


TICKS = ["on_daily_tick", "sweep_outbox", "catch_up_onboarding"]


@fuzz()
@given(data=gen.message_data(gen.tick_data()), target=st.sampled_from(TICKS))
def test_ticks_never_raise_and_refused_ones_write_nothing(world: World, data, target: str):
    world.reset()
    before = world.snapshot()
    _acknowledged(world, target, world.push(target, data), before=before)


@fuzz()
@given(data=gen.message_data(gen.chunk_data()))
def test_employee_chunks_never_raise_and_refused_ones_write_nothing(world: World, data):
    world.reset()
    before = world.snapshot()
    if _acknowledged(world, "on_employee_tick", world.push("on_employee_tick", data), before=before):
        TALLY.unfinished(world.finish(before))  # the invites and reminders it emitted are sent


@fuzz(weight=0.5)
@given(
    message=st.one_of(st.none(), st.integers(), st.text(max_size=8), odd_values()),
    data=gen.message_data(gen.tick_data()),
)
def test_odd_pubsub_messages_never_raise(world: World, message, data):
    """Not a push at all (functions-framework answers 400 itself) or a push with odd fields."""
    world.reset()
    before = world.snapshot()
    if isinstance(message, dict):
        encoded = base64.b64encode(data).decode() if isinstance(data, bytes) else data
        message = {**message, "data": message.get("data", encoded), "messageId": message.get("messageId", "m-odd")}
    response = world.push("on_daily_tick", "", message=message)
    if response.status_code == 400:  # functions-framework: not a CloudEvent, not a push; our code never ran
        assert "parsing CloudEvent failed" in response.get_data(as_text=True)
        assert world.docs == before
        return
    _acknowledged(world, "on_daily_tick", response, before=before)
