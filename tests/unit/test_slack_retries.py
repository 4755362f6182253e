"""adapters/slack.py over a real slack-sdk WebClient against a tiny local HTTP server: the client
repeats a call after a rate limit, a 5xx or a lost connection, but chat.postMessage only after a
rate limit (after the others the post may have gone through: the outbox decides, not the client);
an error code from Slack becomes SlackRefused (nothing was done), a 5xx a plain TransientError.
A 429's Retry-After is honoured (capped, a malformed one read as a second) and never waited past
the invocation's budget (services/deadline.py): the call is given back instead."""

from __future__ import annotations

import json
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from devplan.adapters import slack as slack_adapter
from devplan.adapters.slack import SlackGateway, retry_after, web_client
from devplan.adapters.slack_pace import Pace
from devplan.errors import TransientError
from devplan.services import deadline
from devplan.services.ports import ConversationGone, SlackRefused


class FlakySlack(ThreadingHTTPServer):
    """Answers each method with its queue of answers: (status, JSON body) or "drop" (closes the
    connection unanswered); once the queue is empty, ok."""

    def __init__(self, answers: dict[str, list], retry_after: str = "0"):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.answers, self.calls, self.retry_after = answers, Counter[str](), retry_after


class _Handler(BaseHTTPRequestHandler):
    server: FlakySlack

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        method = self.path.rsplit("/", 1)[-1]
        self.server.calls[method] += 1
        queue = self.server.answers.get(method) or []
        answer = queue.pop(0) if queue else (200, {"ok": True, "ts": "1.000001", "channel": {"id": "D1"}})
        if answer == "drop":
            self.close_connection = True
            self.connection.shutdown(2)
            return
        status, body = answer
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if status == 429:
            self.send_header("Retry-After", self.server.retry_after)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *_):
        pass


@pytest.fixture
def waits() -> list[float]:
    """What the gateway's pace slept (not really: the tests run at once)."""
    return []


@pytest.fixture
def slack_with(waits):
    servers = []

    def start(answers: dict[str, list], retry_after: str = "0") -> tuple[SlackGateway, FlakySlack]:
        server = FlakySlack(answers, retry_after)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        client = web_client(f"http://127.0.0.1:{server.server_port}/api/", "xoxb-test")
        return SlackGateway(client, Pace(sleep=waits.append)), server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


UNAVAILABLE = (503, {"ok": False})


@pytest.mark.parametrize("failure", [UNAVAILABLE, "drop"], ids=["503", "connection lost"])
def test_a_post_is_not_repeated_by_the_client_after_a_5xx_or_a_lost_connection(slack_with, failure):
    slack, server = slack_with({"chat.postMessage": [failure]})
    with pytest.raises(TransientError) as raised:
        slack.post("D1", "Hej", [], "welcome:anna")
    assert server.calls["chat.postMessage"] == 1
    assert not isinstance(raised.value, SlackRefused)  # it may have been posted


def test_other_calls_are_still_repeated_after_a_5xx(slack_with):
    slack, server = slack_with({"conversations.open": [UNAVAILABLE]})
    assert slack.conversation_for(("U1", "U2")) == "D1"
    assert server.calls["conversations.open"] == 2


def test_a_dm_goes_to_the_user_id_without_opening_a_conversation(slack_with):
    slack, server = slack_with({})
    assert slack.conversation_for(("U1",)) == "U1"
    slack.post("U1", "Hej", [], "welcome:anna")
    assert server.calls["conversations.open"] == 0 and server.calls["chat.postMessage"] == 1


LIMITED = (429, {"ok": False, "error": "ratelimited"})


def test_a_rate_limited_post_is_repeated_after_retry_after_and_then_refused(slack_with, waits):
    slack, server = slack_with({"chat.postMessage": [LIMITED] * 9}, retry_after="2")
    with pytest.raises(SlackRefused):
        slack.post("D1", "Hej", [], "welcome:anna")
    attempts = slack_adapter.RATE_LIMITED_ATTEMPTS
    assert server.calls["chat.postMessage"] == attempts
    honoured = [w for w in waits if w > 0.5]
    assert len(honoured) == attempts - 1 and min(honoured) > 1.9  # each Retry-After (2 s) waited


def test_a_rate_limited_call_goes_through_once_slack_lets_it(slack_with, waits):
    slack, server = slack_with({"users.lookupByEmail": [LIMITED, LIMITED]}, retry_after="3")
    server.answers["users.lookupByEmail"].append((200, {"ok": True, "user": {"id": "U7"}}))
    assert slack.lookup_user_id("anna@example.se") == "U7"
    assert server.calls["users.lookupByEmail"] == 3 and sum(waits) > 5.9


@pytest.mark.parametrize(
    "header, seconds",
    [("7", 7.0), ("0", 1.0), ("-3", 1.0), ("soon", 1.0), ("", 1.0), ("nan", 1.0), ("86400", 300.0), ("1e308", 300.0)],
)
def test_retry_after_is_read_capped_and_defaulted(header, seconds):
    assert retry_after({"Retry-After": header}) == seconds
    assert retry_after({"retry-after": [header]}) == seconds
    assert retry_after({}) == 1.0


def test_a_huge_retry_after_is_never_waited_past_the_budget(slack_with, waits):
    slack, server = slack_with({"chat.postMessage": [LIMITED]}, retry_after="86400")
    with deadline.within(30), pytest.raises(SlackRefused, match="paced"):
        slack.post("D1", "Hej", [], "welcome:anna")
    assert server.calls["chat.postMessage"] == 1 and not [w for w in waits if w > 0.5]
    with pytest.raises(SlackRefused, match="paced"):  # the pause holds for the next call too (capped at 300 s)
        slack.post("D1", "Hej igen", [], "welcome:bo")
    assert server.calls["chat.postMessage"] == 1


def test_a_turn_further_away_than_the_budget_gives_the_call_back_unmade(slack_with, waits):
    slack, server = slack_with({})
    with deadline.within(slack_adapter.CALL_RESERVE + 1):
        for i in range(5):  # Tier 3's burst goes at once
            slack.conversation_for(("U1", f"U{i + 10}"))
        with pytest.raises(SlackRefused, match="paced"):  # the sixth waits ~1.3 s > 1 s left
            slack.conversation_for(("U1", "U99"))
    assert server.calls["conversations.open"] == 5 and not waits


@pytest.mark.parametrize(
    "answer, refused",
    [((200, {"ok": False, "error": "invalid_auth"}), True), ((200, {"ok": False, "error": "internal_error"}), False)],
)
def test_an_error_code_is_a_refusal_unless_slack_says_it_may_have_done_part(slack_with, answer, refused):
    slack, _ = slack_with({"chat.postMessage": [answer]})
    with pytest.raises(TransientError) as raised:
        slack.post("D1", "Hej", [], "welcome:anna")
    assert isinstance(raised.value, SlackRefused) is refused


def test_a_group_dm_slack_no_longer_knows_is_opened_again_when_next_asked_for(slack_with):
    gone = (200, {"ok": False, "error": "is_archived"})
    slack, server = slack_with({"chat.postMessage": [gone]})
    channel = slack.conversation_for(("U1", "U2"))
    with pytest.raises(ConversationGone):
        slack.post(channel, "1:1", [], "review-invite:anna")
    slack.conversation_for(("U1", "U2"))
    assert server.calls["conversations.open"] == 2
