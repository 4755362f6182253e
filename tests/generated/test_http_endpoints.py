"""Generated requests to the two HTTP endpoints, in-process, over the world of tests/generated/world.py.

Properties, for every request: the answer is JSON with the contract's shape and never a 5xx; a
rejected request writes nothing; an accepted one is processed to completion (an onboarding is
followed through the employee trigger and the outbox sender; goals and reflections through the
next quarter opening that shows them)."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from tests.generated.platform_inputs import NAMED_BY, platform_envelope, platform_headers
from tests.generated.profiles import fuzz
from tests.generated.slack_inputs import FORM, JSON, slack_headers, slack_request
from tests.generated.tally import CANNOT_APPLY, TALLY
from tests.generated.values import json_bytes
from tests.generated.world import World

# Answers after which nothing was written (held: only the held event, applied at the onboarding).
UNCHANGED = {"duplicate", "unknown_employee", "held", "unknown_goal", "unchanged"}


def _answered(world: World, endpoint: str, response, before: dict) -> tuple[int, dict | None]:
    status, body = TALLY.http(endpoint, response)
    text = response.get_data(as_text=True)[:500]
    assert status < 500, f"{endpoint} answered {status}: {text}"
    assert body is not None, f"{endpoint} answered off the contract ({status} {response.content_type}): {text}"
    # A request that cannot be applied (422 unusable_record / cannot_apply, Slack: 200 with ok false:
    # stored data is at fault, not the request) is kept as one dead letter; every other refusal writes
    # nothing at all.
    refused = status != 200 or body.get("ok") is False
    kept = body.get("error") in CANNOT_APPLY and world.only_a_dead_letter_since(before)
    if refused and world.docs != before and not kept:
        TALLY.failed("writes from rejected input")
        raise AssertionError(f"{endpoint} rejected ({status} {body['error']}) but wrote to Firestore")
    return status, body


@fuzz(weight=2)
@given(data=st.data())
def test_platform_webhook_events_are_answered_by_contract_and_carried_through(world: World, data):
    world.reset()
    envelope = data.draw(platform_envelope(), "envelope")
    body = data.draw(json_bytes(envelope), "body")
    headers = data.draw(platform_headers(world, body), "headers")
    before = world.snapshot()
    status, answer = _answered(world, "platform-webhook", world.post_platform(body, headers), before)
    if status == 200 and answer["status"] not in UNCHANGED:
        TALLY.unfinished(world.finish(before))  # every message the event asked for is sent
        employee = envelope["data"].get(NAMED_BY.get(envelope["type"], "employeeId"))
        if (
            envelope["type"] != "employee.onboarded"
            and isinstance(employee, str)
            and world.docs.get(f"employees/{employee}")
        ):
            # what was accepted is shown at the next quarter opening (goals in the 1:1 invite)
            opened = world.snapshot()
            response = world.push(
                "on_employee_tick", json.dumps({"asOf": "2025-07-01", "employeeIds": [employee]}).encode()
            )
            TALLY.event("on_employee_tick", response, accepted=True)
            assert response.status_code == 200, response.get_data(as_text=True)[:500]
            TALLY.unfinished(world.finish(opened))


@fuzz()
@given(body=st.binary(max_size=256), signed=st.booleans())
def test_platform_webhook_random_bytes_are_refused_with_json(world: World, body: bytes, signed: bool):
    world.reset()
    headers = world.platform_headers(body) if signed else {"Content-Type": "application/json"}
    before = world.snapshot()
    status, _ = _answered(world, "platform-webhook", world.post_platform(body, headers), before)
    assert status != 200


@fuzz(weight=2)
@given(data=st.data())
def test_slack_requests_are_answered_by_contract_and_carried_through(world: World, data):
    world.reset()
    body, content_type = data.draw(slack_request(), "request")
    headers = data.draw(slack_headers(world, body, content_type), "headers")
    before = world.snapshot()
    status, answer = _answered(world, "slack-events", world.post_slack(body, headers), before)
    if status == 200 and answer.get("ok") is not False:
        TALLY.unfinished(world.finish(before))  # a linked Slack account is welcomed


@fuzz()
@given(body=st.binary(max_size=256), content_type=st.sampled_from([FORM, JSON, "text/plain"]), signed=st.booleans())
def test_slack_random_bytes_are_refused_with_json(world: World, body: bytes, content_type: str, signed: bool):
    world.reset()
    headers = world.slack_headers(body, content_type) if signed else {"Content-Type": content_type}
    before = world.snapshot()
    status, _ = _answered(world, "slack-events", world.post_slack(body, headers), before)
    assert status != 200 or signed
