"""Each alert's log-based metric (infra/log_metrics.tf) against the log lines the product writes.

Every test runs product code (entry points, services, the Slack adapter) with the project's own
JsonFormatter capturing what it logs, turns each line into the LogEntry Cloud Run would write
(tests/unit/log_filter.py) and evaluates the metric's filter and label extractors from the .tf file:
the lines that must count do, with the right labels, and their neighbours do not."""

from __future__ import annotations

import contextlib
import io
import json
import logging
import re
import threading
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cloudevents.http import CloudEvent

from devplan.adapters.entry import http_answer, run_event
from devplan.adapters.firestore.dead_letters import DeadLetterStore
from devplan.adapters.firestore.mapping import outbox_document
from devplan.domain.outbox import OutboxMessage
from devplan.errors import InvalidEvent, TransientError
from devplan.logs import JsonFormatter
from tests.fakes import NOW, FakePublisher, FakeSlack, InMemoryStore, MemoryDocuments
from tests.unit import log_filter
from tests.unit.test_infra import locals_, resources_of


def _hcl_string(text: str) -> str:
    return text.replace('\\"', '"').replace("\\\\", "\\")


METRICS = {name: (_hcl_string(spec["filter"]), spec["labels"]) for name, spec in locals_()["log_metrics"].items()}


class Logged:
    """What the product logged, one JSON line per record, as Cloud Run LogEntries of `service`."""

    def __init__(self, stream: io.StringIO):
        self.stream = stream

    def entries(self, service: str) -> list[dict]:
        lines = self.stream.getvalue().splitlines()
        self.stream.seek(0), self.stream.truncate()
        return [log_filter.cloud_run_entry(line, service) for line in lines]


@pytest.fixture
def logged():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root, level = logging.getLogger(), logging.getLogger().level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield Logged(stream)
    root.removeHandler(handler)
    root.setLevel(level)


def counted(metric: str, entries: list[dict]) -> list[dict]:
    """The entries the metric counts, each as {"message", "labels"}."""
    query, labels = METRICS[metric]
    return [
        {
            "message": e["jsonPayload"]["message"],
            "labels": {k: log_filter.extract(e, v) for k, v in labels.items()},
        }
        for e in entries
        if log_filter.matches(query, e)
    ]


def _event(event_id: str = "e-1") -> CloudEvent:
    attributes = {"type": "google.cloud.pubsub.topic.v1.messagePublished", "source": "//pubsub", "id": event_id}
    return CloudEvent({**attributes, "time": NOW.isoformat()}, {"message": {"data": ""}})


def _run(function: str, error: Exception) -> DeadLetterStore:
    letters = DeadLetterStore(MemoryDocuments(), clock=lambda: NOW)

    def work(_):
        raise error

    with contextlib.suppress(Exception):  # raised: the trigger retries
        run_event(_event(), work, function=function, max_age_seconds=3600, now=NOW, dead_letters=lambda: letters)
    return letters


# --- function errors ----------------------------------------------------------------------------


def test_an_unexpected_failure_counts_as_a_function_error_of_its_function(logged):
    _run("employee-tick", RuntimeError("a bug"))
    assert counted("function_errors", logged.entries("employee-tick")) == [
        {
            "message": "employee-tick: event e-1 failed unexpectedly, to be retried",
            "labels": {"function": "employee-tick"},
        }
    ]

    def bug() -> dict:
        raise RuntimeError("a bug")

    assert http_answer(bug, function="platform-webhook", request=None, dead_letters=lambda: None)[1] == 500
    (error,) = counted("function_errors", logged.entries("platform-webhook"))
    assert error["labels"] == {"function": "platform-webhook"}


def test_retried_transient_failures_and_dead_letters_are_not_function_errors(logged):
    _run("employee-tick", TransientError("slack 503"))  # WARNING: the retry usually mends it
    _run("employee-tick", InvalidEvent("no data"))  # a dead letter: its own alert
    entries = logged.entries("employee-tick")
    assert {e["severity"] for e in entries} == {"WARNING", "ERROR"}
    assert counted("function_errors", entries) == []


# --- dead letters -------------------------------------------------------------------------------


def test_a_dead_letter_written_for_an_event_counts_with_function_and_reason(logged):
    letters = _run("employee-tick", InvalidEvent("no data"))
    (letter,) = letters.letters()
    (line,) = counted("dead_letters", logged.entries("employee-tick"))
    assert letter.id in line["message"]
    assert line["labels"] == {"function": "employee-tick", "reason": "malformed"}


def test_a_batch_item_set_aside_counts_and_names_the_employee(logged):
    letters = DeadLetterStore(MemoryDocuments(), clock=lambda: NOW)
    from devplan.adapters.entry import event_delivery

    batch = letters.for_event("employee-tick", lambda: event_delivery(_event("m-1")))
    batch.set_aside("employee", "anna", OverflowError("date value out of range"))
    batch.processed("employee", "erik")
    entries = logged.entries("employee-tick")
    (line,) = counted("dead_letters", entries)
    assert line["labels"] == {"function": "employee-tick", "reason": "permanent"}
    assert [e["jsonPayload"].get("employeeId") for e in entries] == ["anna"]


def test_a_request_that_cannot_be_applied_counts_as_a_dead_letter_of_the_webhook(env, logged):
    from tests.fixtures.documents import ANNA
    from tests.unit.entry_support import client, fixture_bytes, platform_headers

    env.store.docs["employees/anna"] = {**ANNA, "startDate": "someday"}  # a record no rule can read
    body = fixture_bytes("platform/goals_set.json")
    answer = client("platform_webhook").post("/", data=body, headers=platform_headers(body, env.now))
    assert answer.status_code == 422
    entries = logged.entries("platform-webhook")
    assert counted("dead_letters", entries) == [
        {
            "message": next(
                e["jsonPayload"]["message"] for e in entries if "dead letter" in e["jsonPayload"]["message"]
            ),
            "labels": {"function": "platform-webhook", "reason": "permanent"},
        }
    ]
    assert counted("function_errors", entries) == []


# --- outbox messages unsent past their lease ----------------------------------------------------


def test_each_message_the_sweep_finds_unsent_counts_with_what_became_of_it(logged):
    from devplan.services import delivery, outbox_sweep

    class Flaky(FakeSlack):
        def conversation_for(self, users):
            if users == ("U_DOWN",):
                raise TransientError("slack conversations.open: 503")
            return super().conversation_for(users)

    store = InMemoryStore()
    for message_id, user in (("welcome:anna", "U1"), ("welcome:erik", "U_DOWN"), ("welcome:maja", "U3")):
        store.set(f"outbox/{message_id}", outbox_document(OutboxMessage(message_id, users=(user,), text="Hej"), NOW))
    slack, later = Flaky(), NOW + timedelta(hours=2)
    assert delivery.deliver("welcome:maja", "ev-1", store, slack, NOW) == "sent"  # in time: not stuck
    outbox_sweep.sweep(store, slack, lambda: later, sweep_id="tick-1", as_of=date(2025, 1, 13))
    lines = counted("outbox_unsent", logged.entries("outbox-sweep"))
    assert sorted((line["labels"]["outcome"], line["message"].split()[2]) for line in lines) == [
        ("sent", "welcome:anna"),
        ("still_failing", "welcome:erik"),
    ]


# --- the daily tick's progress ------------------------------------------------------------------


def test_a_chunk_done_and_a_day_off_count_as_tick_progress_and_a_fan_out_does_not(logged):
    from devplan.services import daily_tick, quarterly_cycle
    from devplan.services.inputs import EmployeeChunk, Tick
    from tests.unit.test_quarterly_cycle import OPENING, employee

    store = InMemoryStore()
    store.set("employees/anna", employee("Anna"))
    daily_tick.fan_out(Tick(OPENING, False, "t1"), store, FakePublisher())  # only fanned out: not done
    assert counted("tick_progress", logged.entries("daily-tick")) == []
    quarterly_cycle.run_chunk(EmployeeChunk(OPENING, ("anna",), "m-1", 0), store)
    daily_tick.fan_out(Tick(date(2026, 4, 4), False, "t2"), store, FakePublisher())  # a Saturday
    stages = [line["labels"]["stage"] for line in counted("tick_progress", logged.entries("employee-tick"))]
    assert stages == ["chunk_done", "day_off"]


# --- Slack answering 429 / 5xx ------------------------------------------------------------------


class _Slack(BaseHTTPRequestHandler):
    """Answers each method first with the status queued for it, then 200 ok."""

    queued: dict[str, list[int]] = {}

    def do_POST(self):  # noqa: N802 - the http.server hook's name
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        method = self.path.rsplit("/", 1)[-1]
        status = (self.queued.get(method) or [200]).pop(0)
        body = {"ok": True, "user": {"id": "U1"}, "channel": "D1", "ts": "1.1"} if status == 200 else {"ok": False}
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Retry-After", "0")
        self.end_headers()
        self.wfile.write(json.dumps(body).encode())

    def log_message(self, *args):
        pass


def test_every_429_and_5xx_from_slack_counts_also_when_the_retry_gets_through(logged):
    from devplan.adapters.slack import SlackGateway, web_client

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Slack)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Slack.queued = {"users.lookupByEmail": [429, 503], "chat.postMessage": [502]}
    try:
        gateway = SlackGateway(web_client(f"http://127.0.0.1:{server.server_port}/api/", "xoxb-test"))
        assert gateway.lookup_user_id("anna@innerjourney.se") == "U1"  # after a 429 and a 503
        with pytest.raises(TransientError):
            gateway.post("D1", "Hej", [], "welcome:anna")  # a post is not repeated after a 5xx
    finally:
        server.shutdown()
    entries = logged.entries("outbox-created")
    assert [line["labels"] for line in counted("slack_errors", entries)] == [
        {"method": "users.lookupByEmail", "status": "429"},
        {"method": "users.lookupByEmail", "status": "503"},
        {"method": "chat.postMessage", "status": "502"},
    ]


# --- the Terraform around the metrics -----------------------------------------------------------


def test_every_metric_is_evaluated_by_a_test_above():
    """A metric added to log_metrics.tf without a test here fails this."""
    evaluated = set(re.findall(r'counted\("(\w+)"', Path(__file__).read_text(encoding="utf-8")))
    assert set(METRICS) == evaluated


def test_each_alert_watches_its_metric_and_groups_by_labels_the_metric_has():
    metrics = resources_of("google_logging_metric")["devplan"]
    assert metrics["name"] == "devplan/${each.key}" and metrics["filter"] == "${each.value.filter}"
    alerts = locals_()["threshold_alerts"]
    assert set(alerts) | {"tick_progress"} == set(METRICS)
    for name, alert in alerts.items():
        for group in alert["group_by"]:
            assert group.removeprefix("metric.label.") in METRICS[name][1], (name, group)
    policy = resources_of("google_monitoring_alert_policy")["threshold"]
    condition = policy["conditions"][0]["condition_threshold"][0]
    assert "google_logging_metric.devplan[each.key].name" in condition["filter"]
    assert policy["notification_channels"] == "${local.notification_channels}"


def test_the_unfinished_tick_alert_looks_back_further_than_a_day():
    policy = resources_of("google_monitoring_alert_policy")["tick_unfinished"]
    query = policy["conditions"][0]["condition_prometheus_query_language"][0]["query"]
    assert query.startswith("absent_over_time(logging_googleapis_com:") and query.endswith("[26h])")
    assert 'google_logging_metric.devplan["tick_progress"].name' in query
    # The query turns the metric's name into PromQL's: user/{name} with "/" and "." as "_"
    # (Cloud Monitoring's mapping of a log-based metric); the metric's name has neither.
    name = '"user/${google_logging_metric.devplan["tick_progress"].name}"'
    assert f'replace(replace({name}, "/", "_"), ".", "_")' in query
    metric = resources_of("google_logging_metric")["devplan"]
    assert metric["name"] == "devplan/${each.key}" and "tick_progress" in locals_()["log_metrics"]


def test_alerts_need_a_notification_channel_and_the_apis_are_enabled():
    for policy in resources_of("google_monitoring_alert_policy").values():
        (precondition,) = policy["lifecycle"][0]["precondition"]
        assert precondition["condition"] == "${length(local.notification_channels) > 0}"
    assert {"logging.googleapis.com", "monitoring.googleapis.com"} <= set(locals_()["apis"])
