"""adapters/slack.py over a real slack-sdk WebClient against a tiny local HTTP server: the client
repeats a call after a rate limit, a 5xx or a lost connection, but chat.postMessage only after a
rate limit (after the others the post may have gone through: the outbox decides, not the client);
an error code from Slack becomes SlackRefused (nothing was done), a 5xx a plain TransientError."""

from __future__ import annotations

import json
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from devplan.adapters.slack import SlackGateway, web_client
from devplan.errors import TransientError
from devplan.services.ports import SlackRefused


class FlakySlack(ThreadingHTTPServer):
    """Answers each method with its queue of answers: (status, JSON body) or "drop" (closes the
    connection unanswered); once the queue is empty, ok."""

    def __init__(self, answers: dict[str, list]):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.answers, self.calls = answers, Counter[str]()


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
            self.send_header("Retry-After", "0")
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *_):
        pass


@pytest.fixture
def slack_with():
    servers = []

    def start(answers: dict[str, list]) -> tuple[SlackGateway, FlakySlack]:
        server = FlakySlack(answers)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return SlackGateway(web_client(f"http://127.0.0.1:{server.server_port}/api/", "xoxb-test")), server

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
    assert slack.conversation_for(("U1",)) == "D1"
    assert server.calls["conversations.open"] == 2


def test_a_rate_limited_post_is_repeated_and_then_refused(slack_with):
    limited = (429, {"ok": False, "error": "ratelimited"})
    slack, server = slack_with({"chat.postMessage": [limited, limited, limited]})
    with pytest.raises(SlackRefused):
        slack.post("D1", "Hej", [], "welcome:anna")
    assert server.calls["chat.postMessage"] == 3  # the first and the client's two repeats


@pytest.mark.parametrize(
    "answer, refused",
    [((200, {"ok": False, "error": "invalid_auth"}), True), ((200, {"ok": False, "error": "internal_error"}), False)],
)
def test_an_error_code_is_a_refusal_unless_slack_says_it_may_have_done_part(slack_with, answer, refused):
    slack, _ = slack_with({"chat.postMessage": [answer]})
    with pytest.raises(TransientError) as raised:
        slack.post("D1", "Hej", [], "welcome:anna")
    assert isinstance(raised.value, SlackRefused) is refused
