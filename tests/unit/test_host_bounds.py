"""The local host bounds each event function like Cloud Run: max_instances × concurrency
deliveries at once; one more is answered 429 unrun and redelivered after the backoff, as
Eventarc redelivers, so the retries are real and nothing is lost."""

from __future__ import annotations

import io
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
    shared = Shared(ThreadPoolExecutor(4), threading.BoundedSemaphore(4), None)
    host = EventFunction(function, app, RetryPolicy(time_factor=0.01), shared)

    def deliver(event_id: str) -> str:
        answers = []
        environ = {"HTTP_CE_ID": event_id, "wsgi.input": io.BytesIO(b"{}"), "CONTENT_LENGTH": "2"}
        host(environ, lambda status, headers: answers.append(status))
        return answers[0]

    first = ThreadPoolExecutor(1).submit(deliver, "first")
    while not ran:
        time.sleep(0.01)
    assert deliver("second").startswith("429")  # the one instance is busy: unrun
    assert ran == ["first"] and host.in_flight == 2 and shared.counts["throttled"] == 1
    release.set()
    assert first.result(5).startswith("200")
    deadline = time.monotonic() + 5
    while host.in_flight and time.monotonic() < deadline:
        time.sleep(0.02)
    assert ran == ["first", "second"] and host.in_flight == 0  # redelivered after its backoff
    shared.close()


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
    shared = Shared(ThreadPoolExecutor(4), threading.BoundedSemaphore(4), None, concurrent_triggers=True)
    host = EventFunction(function, app, RetryPolicy(time_factor=0.01), shared)
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
    assert sorted(ran) == ["a", "b", "c"] and shared.counts["throttled"] >= 1
    shared.close()


def test_a_burst_beyond_the_bound_waits_for_an_instance_instead_of_every_delivery_backing_off():
    """Pub/Sub pushes about as many as succeed: after the first 429 the rest of a burst is held
    back while the instances are busy and pushed as each attempt ends, so the instances never
    idle while deliveries wait (each in its own doubling backoff, in step: a herd and a pause)."""
    ran, running, most = [], [0], [0]
    lock = threading.Lock()

    def app(environ, start_response):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.02)
        with lock:
            running[0] -= 1
            ran.append(environ["HTTP_CE_ID"])
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
    shared = Shared(ThreadPoolExecutor(8), threading.BoundedSemaphore(8), None, concurrent_triggers=True)
    # production's backoff at a tenth: 1 s, 2 s, 4 s, ... (the herd would take many seconds)
    host = EventFunction(function, app, RetryPolicy(time_factor=0.1), shared)
    started = time.monotonic()
    for i in range(40):
        environ = {"HTTP_CE_ID": f"e{i}", "wsgi.input": io.BytesIO(b"{}"), "CONTENT_LENGTH": "2"}
        host(environ, lambda status, headers: None)
    deadline = time.monotonic() + 20
    while host.in_flight and time.monotonic() < deadline:
        time.sleep(0.02)
    assert sorted(ran) == sorted(f"e{i}" for i in range(40)) and host.in_flight == 0
    assert most[0] <= 2  # never beyond the bound
    assert shared.counts["throttled"] <= 8  # the window shut after the first 429s, not 40 × attempts
    assert time.monotonic() - started < 0.02 * 40 / 2 + 3  # the instances kept busy, not idle in backoff
    shared.close()
