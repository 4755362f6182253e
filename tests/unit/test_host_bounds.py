"""The local host bounds each event function like Cloud Run: max_instances × concurrency
deliveries at once; one more waits in Cloud Run's queue and, if no instance frees within it, is
answered 429 unrun and redelivered after the backoff, as Eventarc redelivers, so the retries are
real and nothing is lost."""

from __future__ import annotations

import io
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from devplan_tools.local.deliveries import Shared
from devplan_tools.local.event_functions import EventFunction
from devplan_tools.local.retry import RetryPolicy
from devplan_tools.manifest import FirestoreTrigger, Function, Resources


def test_a_delivery_beyond_the_bound_is_answered_429_and_redelivered():
    release, ran = threading.Event(), []

    def app(environ, start_response):
        ran.append(environ["HTTP_CE_ID"])
        if environ["HTTP_CE_ID"] == "first":
            release.wait(5)
        start_response("200 OK", [])
        return [b"{}"]

    function = Function(
        "outbox-created",
        "send_outbox_message",
        "",
        "firestore",
        retry=True,
        firestore=FirestoreTrigger("outbox/{id}", "created"),
        resources=Resources(max_instances=1, concurrency=1),
    )
    assert function.bound == 1
    shared = Shared(None)
    host = EventFunction(function, app, RetryPolicy(time_factor=0.01), shared, queue_seconds=0.0)

    def deliver(event_id: str) -> str:
        answers = []
        environ = {"HTTP_CE_ID": event_id, "wsgi.input": io.BytesIO(b"{}"), "CONTENT_LENGTH": "2"}
        host(environ, lambda status, headers: answers.append(status))
        return answers[0]

    first = ThreadPoolExecutor(1).submit(deliver, "first")
    while not ran:
        time.sleep(0.01)
    assert deliver("second").startswith("429")  # the one instance is busy (no queue here): unrun
    assert ran == ["first"] and host.in_flight == 2 and shared.counts["throttled"] == 1
    release.set()
    assert first.result(5).startswith("200")
    deadline = time.monotonic() + 5
    while host.in_flight and time.monotonic() < deadline:
        time.sleep(0.02)
    assert ran == ["first", "second"] and host.in_flight == 0  # redelivered after its backoff
    shared.close()
    host.close()


def test_concurrent_triggers_are_acknowledged_at_once_and_run_on_the_pool():
    """DEVPLAN_HOST_CONCURRENT_TRIGGERS: Eventarc's concurrency instead of the emulator's queue."""
    release, ran = threading.Event(), []

    def app(environ, start_response):
        ran.append(environ["HTTP_CE_ID"])
        release.wait(5)
        start_response("200 OK", [])
        return [b"{}"]

    function = Function(
        "employee-written",
        "on_employee_written",
        "",
        "firestore",
        retry=True,
        firestore=FirestoreTrigger("employees/{id}", "written"),
        resources=Resources(max_instances=1, concurrency=2),
    )
    shared = Shared(None, concurrent_triggers=True)
    host = EventFunction(function, app, RetryPolicy(time_factor=0.01), shared, queue_seconds=0.0)
    for event_id in ("a", "b", "c"):
        answers = []
        environ = {"HTTP_CE_ID": event_id, "wsgi.input": io.BytesIO(b"{}"), "CONTENT_LENGTH": "2"}
        host(environ, lambda status, headers, answers=answers: answers.append(status))
        assert answers[0].startswith("204")  # the emulator may hand over the next event
    deadline = time.monotonic() + 5
    while len(ran) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.1)
    assert sorted(ran) == ["a", "b"] and host.in_flight == 3  # two at once (the bound), the third waits
    release.set()
    while host.in_flight and time.monotonic() < deadline:
        time.sleep(0.02)
    assert sorted(ran) == ["a", "b", "c"]  # the third ran once an instance was free
    shared.close()
    host.close()


def _outbox_function(bound: int) -> Function:
    return Function(
        "outbox-created",
        "send_outbox_message",
        "",
        "firestore",
        retry=True,
        firestore=FirestoreTrigger("outbox/{id}", "created"),
        resources=Resources(max_instances=1, concurrency=bound),
    )


def test_a_delivery_beyond_the_bound_waits_in_cloud_runs_queue_and_runs_when_an_instance_frees():
    """Cloud Run queues a request for up to 10 s for an instance before answering 429: a burst a
    little above the bound is delayed, not refused and retried after a backoff."""
    release, ran = threading.Event(), []

    def app(environ, start_response):
        ran.append(environ["HTTP_CE_ID"])
        if environ["HTTP_CE_ID"] == "first":
            release.wait(5)
        start_response("200 OK", [])
        return [b"{}"]

    shared = Shared(None)
    host = EventFunction(_outbox_function(1), app, RetryPolicy(time_factor=0.01), shared, queue_seconds=5.0)

    def deliver(event_id: str) -> str:
        answers = []
        environ = {"HTTP_CE_ID": event_id, "wsgi.input": io.BytesIO(b"{}"), "CONTENT_LENGTH": "2"}
        host(environ, lambda status, headers: answers.append(status))
        return answers[0]

    with ThreadPoolExecutor(2) as callers:
        first = callers.submit(deliver, "first")
        while not ran:
            time.sleep(0.01)
        second = callers.submit(deliver, "second")
        time.sleep(0.2)
        assert ran == ["first"] and not second.done()  # queued, not refused
        release.set()
        assert first.result(5).startswith("200") and second.result(5).startswith("200")
    assert ran == ["first", "second"] and shared.counts["throttled"] == 0
    host.close()


def _push(message_id: str) -> dict:
    body = json.dumps({"message": {"messageId": message_id, "data": ""}}).encode()
    return {"wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body))}


def test_concurrent_pushes_are_acknowledged_at_once_and_run_side_by_side_up_to_the_bound():
    """The Pub/Sub emulator pushes two messages of a subscription at a time; Pub/Sub pushes many:
    concurrent, the host takes each push over at once and runs up to the bound side by side
    (employee-tick: max_instances 10), once per message however often it is pushed."""
    release, running, ran = threading.Event(), [], []
    lock = threading.Lock()
    peak = [0]

    def app(environ, start_response):
        with lock:
            running.append(1)
            peak[0] = max(peak[0], len(running))
        release.wait(5)
        with lock:
            running.pop()
            ran.append(json.loads(environ["wsgi.input"].read())["message"]["messageId"])
        start_response("204 No Content", [])
        return [b""]

    function = Function(
        "employee-tick",
        "on_employee_tick",
        "",
        "pubsub",
        retry=True,
        topic="devplan-employee-tick",
        resources=Resources(max_instances=3, concurrency=1),
    )
    shared = Shared(None, concurrent_triggers=True)
    host = EventFunction(function, app, RetryPolicy(time_factor=0.01), shared)
    for message in ("m1", "m2", "m3", "m4", "m5", "m1"):  # m1 pushed twice
        answers = []
        host(_push(message), lambda status, headers, answers=answers: answers.append(status))
        assert answers[0].startswith("204")  # acknowledged at once: the emulator pushes the next
    deadline = time.monotonic() + 5
    while peak[0] < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.1)
    assert peak[0] == 3 and host.in_flight == 5  # the bound at once; the rest queued, not refused
    release.set()
    while host.in_flight and time.monotonic() < deadline:
        time.sleep(0.02)
    assert sorted(ran) == ["m1", "m2", "m3", "m4", "m5"] and shared.counts["throttled"] == 0
    shared.close()
    host.close()
