"""The local function host answers like Cloud Run and retries like Eventarc / Pub/Sub push:
a failing function is answered 5xx, retried by the manifest's policy with production's backoff
(compressed), never by the emulator on top, and every attempt is logged with its event id."""

import logging
import time
import uuid
from pathlib import Path

import pytest
import requests

from devplan_tools.local import platform_client
from devplan_tools.local.function_host import FunctionHost
from devplan_tools.local.host_process import serve
from devplan_tools.local.processes import free_port
from devplan_tools.local.retry import RetryPolicy
from devplan_tools.manifest import Function, Manifest
from tests.conftest import TEST_RETRY_POLICY, wait_for
from tests.integration import flaky_attempts
from tests.people import BO

pytestmark = pytest.mark.integration
FLAKY = Path(__file__).with_name("flaky_functions.py")
POLICY = RetryPolicy(time_factor=0.05, window=60)  # 0.5 s doubling; the window ends after 3 s
# A lead of this test's own: the stand-in keeps channel members between tests, and the
# e2e tier expects the seed's people to be invited for the first time there.
LEAD = {**BO, "employeeId": "host-lead", "name": "Hoa Host", "email": "hoa.host@innerjourney.se"}


def host_attempts(caplog, function: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if getattr(r, "function", None) == function and hasattr(r, "attempt")]


def test_the_policy_is_production_backoff_compressed():
    policy = RetryPolicy(time_factor=0.01)
    assert [policy.delay(n) for n in (1, 2, 3, 6, 7, 20)] == pytest.approx([0.1, 0.2, 0.4, 3.2, 6.0, 6.0])
    assert policy.window_ends(100.0) == pytest.approx(100.0 + 864.0)  # 24 h / 100


def test_a_failing_firestore_trigger_is_answered_5xx_and_retried_by_the_host(clean_stack, caplog):
    """The Firestore emulator delivers once and ignores a 5xx: attempts 2.. are the host's."""
    caplog.set_level(logging.INFO, logger="devplan_tools.local.host")
    clean_stack.stand_in.add_user(LEAD["email"], LEAD["name"])
    # slack-sdk tries each call three times: two attempts of the function fail, the third gets through.
    fault = {"method": "users.lookupByEmail", "status": 500, "count": 6}
    assert requests.post(f"{clean_stack.stand_in.url}/_stand-in/faults", json=fault, timeout=5).json()["ok"]
    webhook = (f"{clean_stack.functions_url}/platform-webhook", clean_stack.platform_secret)
    assert platform_client.send(*webhook, "employee.onboarded", LEAD, event_id="evt-host-lead").status_code == 200
    clean_stack.wait_quiet(timeout=60)
    records = host_attempts(caplog, "employee-written")
    first_event = next(r.eventId for r in records if r.status >= 500)
    attempts = [r for r in records if r.eventId == first_event]
    logged = [(r.attempt, r.status, r.outcome) for r in attempts]
    assert logged == [(1, 500, "retry"), (2, 500, "retry"), (3, 200, "done")]
    assert first_event not in ("?", None)
    gaps = [b.created - a.created for a, b in zip(attempts, attempts[1:], strict=False)]
    assert gaps[0] >= TEST_RETRY_POLICY.delay(1) and gaps[1] >= TEST_RETRY_POLICY.delay(2)
    assert clean_stack.host.in_flight == 0


def test_the_host_answers_the_emulator_with_the_functions_own_status(clean_stack):
    """What the emulator (or Cloud Run's caller) sees: 5xx for a failure, as the function said it."""
    url = f"{clean_stack.functions_url}/functions/projects/{clean_stack.project}/triggers/outbox-created"
    headers = {
        "ce-id": f"evt-{uuid.uuid4().hex[:8]}",
        "ce-specversion": "1.0",
        "ce-type": "google.cloud.firestore.document.v1.created",
        "ce-source": f"//firestore.googleapis.com/projects/{clean_stack.project}/databases/(default)",
        "ce-subject": "documents/outbox/x",
        "Content-Type": "application/protobuf",
    }
    # A malformed event is acknowledged (2xx, logged); nothing else is hidden.
    assert requests.post(url, data=b"not protobuf", headers=headers, timeout=10).status_code < 300
    answer = requests.post(url, data=b"x", headers={**headers, "ce-specversion": ""}, timeout=10)
    assert answer.status_code >= 400  # functions-framework refuses what is not a CloudEvent


@pytest.fixture
def flaky_host(stack):
    """A host of its own serving test functions, pushed to by the stack's Pub/Sub emulator."""
    from google.cloud import pubsub_v1

    functions = (
        Function("flaky-retry", "flaky", "", "pubsub", retry=True, topic="flaky-retry"),
        Function("flaky-once", "flaky", "", "pubsub", retry=False, topic="flaky-once"),
    )
    host = FunctionHost(Manifest("local", functions, ()), source=FLAKY, policy=POLICY)
    port = free_port()
    server = serve(host, port)
    project = f"host-{uuid.uuid4().hex[:8]}"
    publisher, subscriber = pubsub_v1.PublisherClient(), pubsub_v1.SubscriberClient()
    for function in functions:
        topic = publisher.topic_path(project, function.topic)
        publisher.create_topic(name=topic)
        subscriber.create_subscription(
            request={
                "name": subscriber.subscription_path(project, function.name),
                "topic": topic,
                "push_config": {"push_endpoint": f"http://127.0.0.1:{port}/{function.name}/{topic}"},
            }
        )

    def publish(function: str, fail: int, **attributes: str) -> tuple[str, str]:
        """(message id, key of its attempts)"""
        key = uuid.uuid4().hex
        topic = publisher.topic_path(project, function)
        return publisher.publish(topic, b"{}", fail=str(fail), key=key, **attributes).result(), key

    host.url, host.project = f"http://127.0.0.1:{port}", project
    yield host, publish
    server.shutdown()
    host.close()


def test_a_failing_push_is_retried_by_policy_not_by_the_emulator(flaky_host, caplog):
    caplog.set_level(logging.INFO, logger="devplan_tools.local.host")
    host, publish = flaky_host
    message_id, key = publish("flaky-retry", fail=2)
    wait_for(lambda: host.in_flight == 0 and flaky_attempts.attempts.get(key), timeout=30, what="done")
    times = flaky_attempts.attempts[key]
    assert len(times) == 3  # the emulator redelivers every second; only the policy's attempts ran
    assert times[1] - times[0] >= POLICY.delay(1) and times[2] - times[1] >= POLICY.delay(2)
    logged = [(r.attempt, r.status, r.outcome) for r in host_attempts(caplog, "flaky-retry") if r.eventId == message_id]
    assert logged == [(1, 500, "retry"), (2, 500, "retry"), (3, 200, "done")]


def test_retry_off_drops_after_one_attempt_and_a_window_ends(flaky_host, caplog):
    caplog.set_level(logging.INFO, logger="devplan_tools.local.host")
    host, publish = flaky_host
    (once, once_key), (forever, forever_key) = publish("flaky-once", fail=1), publish("flaky-retry", fail=1000)
    wait_for(lambda: host.in_flight == 0 and flaky_attempts.attempts.get(forever_key), timeout=30, what="both ended")
    time.sleep(2.5)  # the emulator keeps redelivering both: the host acknowledges without running them
    assert len(flaky_attempts.attempts[once_key]) == 1
    tries = flaky_attempts.attempts[forever_key]
    assert 3 <= len(tries) <= 6 and tries[-1] - tries[0] <= POLICY.window * POLICY.time_factor
    records = host_attempts(caplog, "flaky-once") + host_attempts(caplog, "flaky-retry")
    outcomes = {r.eventId: r.outcome for r in records}
    assert outcomes[once] == "dropped" and outcomes[forever] == "gave"
    assert host.counts["dropped"] >= 2


def test_a_refused_push_runs_once_and_is_acknowledged(flaky_host, caplog):
    """The Pub/Sub emulator redelivers anything but a 2xx: a 4xx is the host's to acknowledge."""
    caplog.set_level(logging.INFO, logger="devplan_tools.local.host")
    host, publish = flaky_host
    message_id, key = publish("flaky-retry", fail=0, refuse="yes")
    wait_for(lambda: host.in_flight == 0 and flaky_attempts.attempts.get(key), timeout=30, what="refused")
    time.sleep(2.5)  # a nacked push would have been redelivered (and run) about twice by now
    assert len(flaky_attempts.attempts[key]) == 1
    logged = [(r.attempt, r.status, r.outcome) for r in host_attempts(caplog, "flaky-retry") if r.eventId == message_id]
    assert logged == [(1, 400, "dropped")]


def test_a_failing_function_is_answered_5xx_to_its_caller(flaky_host):
    """What the emulator sees: the function's failure as a 5xx (a 2xx would acknowledge it)."""
    import base64
    import json

    host, _ = flaky_host
    key = uuid.uuid4().hex
    push = {
        "message": {
            "data": base64.b64encode(b"{}").decode(),
            "messageId": f"direct-{key}",
            "attributes": {"fail": "1", "key": key},
        },
        "subscription": f"projects/{host.project}/subscriptions/flaky-once",
    }
    url = f"{host.url}/flaky-once/projects/{host.project}/topics/flaky-once"
    answer = requests.post(url, data=json.dumps(push), headers={"Content-Type": "application/json"}, timeout=10)
    assert answer.status_code == 500
    again = requests.post(url, data=json.dumps(push), headers={"Content-Type": "application/json"}, timeout=10)
    assert again.status_code == 204 and len(flaky_attempts.attempts[key]) == 1  # retry off: dropped, acknowledged


def test_a_trigger_left_by_a_stopped_host_is_redelivered_by_the_next_within_its_window(tmp_path):
    """The journal: a failed Firestore-trigger delivery waiting for its retry when the host stops
    (its timer cancelled, nothing fires after close) is delivered by the next host; one whose
    retry window is over is dropped unrun. No emulator: the trigger is posted as eventarc would."""
    import json

    from devplan_tools.local.journal import Journal

    trigger = Function("flaky-trigger", "flaky", "", "firestore", retry=True)
    manifest, journal = Manifest("local", (trigger,), ()), Journal(tmp_path / "journal")
    key = uuid.uuid4().hex
    first = FunctionHost(manifest, source=FLAKY, policy=POLICY, journal=journal)
    port = free_port()
    server = serve(first, port)
    headers = {
        "ce-id": f"evt-{key[:8]}",
        "ce-specversion": "1.0",
        "ce-type": "google.cloud.firestore.document.v1.written",
        "ce-source": "//firestore.googleapis.com/projects/p/databases/(default)",
        "Content-Type": "application/json",
    }
    body = json.dumps({"message": {"attributes": {"fail": "1", "key": key}}})
    url = f"http://127.0.0.1:{port}/functions/projects/p/triggers/flaky-trigger"
    assert requests.post(url, data=body, headers=headers, timeout=10).status_code == 500
    server.shutdown()
    first.close()
    time.sleep(POLICY.delay(1) + 0.5)
    assert len(flaky_attempts.attempts[key]) == 1  # the retry did not fire after close
    (left,) = journal.pending()
    assert (left.function, left.event_id, left.attempts) == ("flaky-trigger", f"evt-{key[:8]}", 1)
    stale = journal.record("flaky-trigger", "evt-stale", left.environ, body.replace(key, "stale").encode())
    stale.first_at -= POLICY.window * POLICY.time_factor + 1  # came before the window that ended
    journal.save(stale)

    second = FunctionHost(manifest, source=FLAKY, policy=POLICY, journal=journal)
    try:
        assert second.replay() == 2
        wait_for(lambda: second.in_flight == 0, timeout=10, what="the replay done")
        assert len(flaky_attempts.attempts[key]) == 2 and not flaky_attempts.attempts.get("stale")
        assert list(journal.pending()) == [] and second.counts["dropped"] == 1
    finally:
        second.close()


def test_each_local_up_writes_a_fresh_log_of_json_lines(tmp_path):
    """`devplan local up` logs JSON lines only (Cloud Logging's shape), the previous run kept as .1."""
    import json
    import subprocess
    import sys

    devplan = [sys.executable, "-m", "devplan_tools.cli", "local"]
    for _ in range(2):
        up = subprocess.run([*devplan, "up", "--detach"], cwd=tmp_path, capture_output=True, text=True, timeout=180)
        assert up.returncode == 0, up.stderr
        info = json.loads((tmp_path / ".devplan" / "local.json").read_text())
        try:
            platform_client.send(info["webhook_url"], info["platform_secret"], "employee.onboarded", BO)
            wait_for(lambda info=info: requests.get(f"{info['functions_url']}/_host/status").json()["attempts"] >= 1)
        finally:
            assert subprocess.run([*devplan, "down"], cwd=tmp_path, timeout=120).returncode == 0
        entries = [json.loads(line) for line in (tmp_path / ".devplan" / "stack.log").read_text().splitlines()]
        attempts = [e for e in entries if e.get("function") == "employee-written"]
        assert attempts and all(e["eventId"] not in ("?", None) and e["attempt"] >= 1 for e in attempts)
        assert sum(e.get("message", "").startswith("local stack up in") for e in entries) == 1  # this run's only
    assert (tmp_path / ".devplan" / "stack.log.1").exists()
