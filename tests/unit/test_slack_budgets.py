"""Every function talks to Slack within a budget inside its timeout (functions/main.py,
services/deadline.py), and the Slack adapter keeps to it: all the waits of one call together
stay within MAX_WAIT and the budget, and no call starts that could not end within it (the
digest's upload: each of its three calls on its own). Time here is a fake clock that Slack's
latency, the pace's waits and the budget all read."""

from __future__ import annotations

import json
import threading
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from devplan.adapters import slack as slack_adapter
from devplan.adapters.slack import SlackGateway, web_client
from devplan.adapters.slack_pace import Pace
from devplan.domain.calendar import Quarter
from devplan.domain.digest import Figures, PersonFigures, TeamDigest
from devplan.domain.outbox import OutboxMessage
from devplan.messages import digest_chart
from devplan.services import deadline, delivery, digest
from devplan.services.ports import SlackRefused
from tests.fakes import FakeSlack
from tests.fixtures.documents import ANNA
from tests.unit.entry_support import deliver, firestore_event
from tests.unit.test_entry_points_http import BO, FORM, post_slack
from tests.unit.test_slack_retries import slack_with, waits  # noqa: F401  (fixtures)

LIMITED = (429, {"ok": False, "error": "ratelimited"})


def test_all_the_429s_of_one_call_wait_max_wait_at_most_without_a_budget(slack_with, waits):  # noqa: F811
    slack, _ = slack_with({"users.lookupByEmail": [LIMITED] * 4}, retry_after="19")
    assert deadline.remaining() is None
    with pytest.raises(SlackRefused):  # the second 19 s would take it past MAX_WAIT: given back
        slack.lookup_user_id("anna@innerjourney.se")
    assert sum(waits) <= slack_adapter.MAX_WAIT


class Clock:
    def __init__(self):
        self.t = 1000.0
        self.lock = threading.Lock()

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        with self.lock:
            self.t += seconds


class SlowSlack(ThreadingHTTPServer):
    """Slack answering every call (and the upload) slowly, within the client's time-out."""

    def __init__(self, clock: Clock, latency: float):
        super().__init__(("127.0.0.1", 0), _Slow)
        self.clock, self.latency, self.calls = clock, latency, []


class _Slow(BaseHTTPRequestHandler):
    server: SlowSlack

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.clock.advance(self.server.latency)
        method = self.path.rsplit("/", 1)[-1]
        self.server.calls.append(method)
        url = f"http://127.0.0.1:{self.server.server_port}/upload/F1"
        body = {
            "conversations.open": {"ok": True, "channel": {"id": "D1"}},
            "conversations.history": {"ok": True, "messages": [], "has_more": False},
            "files.getUploadURLExternal": {"ok": True, "file_id": "F1", "upload_url": url},
            "files.completeUploadExternal": {"ok": True, "files": [{"id": "F1", "title": "t"}]},
        }.get(method, {"ok": True})
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *_):
        pass


@pytest.fixture
def slow(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(deadline, "monotonic", clock)
    servers = []

    def start(latency: float) -> tuple[SlackGateway, Pace, SlowSlack]:
        server = SlowSlack(clock, latency)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        pace = Pace(clock=clock, sleep=clock.advance)
        return SlackGateway(web_client(f"http://127.0.0.1:{server.server_port}/api/", "xoxb"), pace), pace, server

    yield clock, start
    for server in servers:
        server.shutdown()
        server.server_close()


def a_digest() -> OutboxMessage:
    team = TeamDigest(
        "bo", "Bo K", Quarter.parse("2025-Q1"), (PersonFigures("anna", "Anna L", Figures(1, 1, 0, 1, 1, 0)),)
    )
    return OutboxMessage(
        "digest:bo:2025-Q2", users=("U_BO",), text="Q1", chart={**team.as_data(), digest.LANGUAGE: "sv"}
    )


def test_a_resumed_digest_starts_no_call_it_could_not_end_within_the_send_budget(slow, monkeypatch):
    clock, start = slow
    monkeypatch.setattr(digest_chart, "png", lambda *_: b"png")
    slack, pace, server = start(latency=9.0)  # each answer slow, inside the client's 10 s time-out
    pace.pause("conversations.open", None, 19.9)  # the lane is busy (others queued, or a Retry-After)
    begun = clock()
    with pytest.raises(SlackRefused), deadline.within(delivery.SEND_BUDGET.total_seconds()):
        delivery._send(
            a_digest(),
            slack,
            None,  # type: ignore[arg-type]  # a DM: no store asked
            delivery._Attempt(),
            search_since=datetime(2025, 4, 1),
            chart=delivery._drawn(a_digest()),
        )
    assert clock() - begun <= delivery.SEND_BUDGET.total_seconds()
    assert server.calls == ["conversations.open"]  # the history search was not started: 1.1 s left


def test_each_call_of_an_upload_starts_only_with_a_calls_time_left(slow):
    clock, start = slow
    slack, _, server = start(latency=9.0)
    with pytest.raises(SlackRefused), deadline.within(25):
        slack.upload_file("D1", "digest.png", b"png", "Q1", "Q1")
    assert server.calls == ["files.getUploadURLExternal", "F1"]  # 7 s left: completing it could overrun
    assert clock() - 1000 <= 25


def test_the_chart_is_drawn_before_the_send_budget_starts(monkeypatch):
    from devplan.adapters.firestore.mapping import outbox_document
    from tests.fakes import NOW, InMemoryStore

    drawn_within = []
    monkeypatch.setattr(digest_chart, "png", lambda *_: drawn_within.append(deadline.remaining()) or b"png")
    store, slack = InMemoryStore(), FakeSlack()
    message = a_digest()
    store.set(f"outbox/{message.id}", outbox_document(message, NOW), merge=False)
    assert delivery.deliver(message.id, "ev-1", store, slack, NOW) == "sent"
    assert drawn_within == [None] and slack.files[0]["content"] == b"png"


class Budgets(FakeSlack):
    """Notes the budget left whenever it is asked something."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.budgets: list[tuple[float | None, float | None]] = []

    def lookup_user_id(self, email):
        self.budgets.append((deadline.remaining(), deadline.per_call()))
        return super().lookup_user_id(email)

    def open_view(self, trigger_id, view):
        self.budgets.append((deadline.remaining(), deadline.per_call()))
        return super().open_view(trigger_id, view)


def test_an_event_function_talks_to_slack_within_its_timeout(env):
    from devplan_tools import manifest

    env.slack.__class__ = Budgets
    env.slack.budgets = []
    env.store.docs.update({"employees/bo": dict(BO), "employees/anna": dict(ANNA)})
    assert deliver("on_employee_written", firestore_event("employee_written_anna"), env).status_code == 200
    timeout = manifest.load().function("employee-written").resources.timeout_seconds
    assert env.slack.budgets  # the look-ups
    for left, per_call in env.slack.budgets:
        assert left is not None and per_call is None and left + slack_adapter.CALL_RESERVE < timeout


def test_slacks_endpoint_talks_to_slack_within_slacks_3_s(env):
    from tests.unit.test_entry_points_http import invite_anna_to_q2, seed_team
    from tests.unit.test_entry_points_notes_and_time_off import held_click

    env.slack.__class__ = Budgets
    env.slack.budgets = []
    seed_team(env)
    invite_anna_to_q2(env)
    post_slack(env, held_click(env), FORM)
    [(left, per_call)] = env.slack.budgets
    assert left is not None and left <= 2.0 and per_call is not None and per_call < left


def test_a_budget_set_inside_another_never_ends_later_and_keeps_its_per_call(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(deadline, "monotonic", clock)
    with deadline.within(2.0, per_call=1.0):  # Slack's endpoint
        with deadline.within(30):  # a use case's own, longer budget
            assert deadline.remaining() == 2.0 and deadline.per_call() == 1.0
        with deadline.within(0.5, per_call=0.2):
            assert deadline.remaining() == 0.5 and deadline.per_call() == 0.2
    assert deadline.remaining() is None and deadline.per_call() is None
