"""The sender's state machine against the real Firestore emulator and the Slack stand-in:
a crash between Slack's accept and our record is repaired by the retry without a second post."""

import uuid

import pytest
import requests
from google.cloud import firestore

from devplan import runtime
from devplan.adapters.firestore.documents import FirestoreDocuments
from devplan.adapters.firestore.mapping import outbox_document
from devplan.adapters.firestore.store import Store
from devplan.adapters.slack import SlackGateway, web_client
from devplan.domain.outbox import OutboxMessage
from devplan.services import delivery

pytestmark = pytest.mark.integration


@pytest.fixture
def documents(stack):
    # A project of its own: no triggers are registered there, so only this test sends.
    return FirestoreDocuments(firestore.Client(project=f"store-{uuid.uuid4().hex[:8]}"))


@pytest.fixture
def store(documents):
    return Store(documents, clock=runtime.now)


@pytest.fixture
def slack(stack):
    return SlackGateway(web_client(f"{stack.stand_in.url}/api/", stack.stand_in.bot_token))


def test_crash_after_post_then_retry_posts_once(store, documents, slack, stack):
    user = stack.stand_in.add_user(f"{uuid.uuid4().hex[:6]}@innerjourney.se", "Crash Test")["user"]["id"]
    message = OutboxMessage("welcome:crash", users=(user,), text="Välkommen!")
    documents.set("outbox/welcome:crash", outbox_document(message, runtime.now()), merge=False)
    original_set = documents.set

    def crash_on_sent(path, data, merge=True):
        if data.get("state") == "sent":
            raise ConnectionError("instance died after Slack accepted the post")
        return original_set(path, data, merge=merge)

    documents.set = crash_on_sent
    with pytest.raises(ConnectionError):
        delivery.deliver("welcome:crash", "event-1", store, slack, runtime.now())
    documents.set = original_set
    assert documents.get("outbox/welcome:crash")["state"] == "sending"
    after_lease = runtime.now() + delivery.LEASE
    assert delivery.deliver("welcome:crash", "event-1", store, slack, after_lease) == "sent"
    dms = [
        c for c in stack.stand_in.calls() if c["method"] == "chat.postMessage" and c["channel_name"] == "DM Crash Test"
    ]
    assert len(dms) == 1
    assert documents.get("outbox/welcome:crash")["slack"]["ts"] == dms[0]["ts"]


def test_rate_limited_channel_is_retried_by_the_client(slack, stack):
    stack.stand_in.reset()
    requests.post(
        f"{stack.stand_in.url}/_stand-in/faults",
        json={"method": "chat.postMessage", "status": 429, "count": 1},
        timeout=5,
    ).raise_for_status()
    ts = slack.post(slack.channel_id("general"), "Grattis!", [], "recognition:test")
    assert ts
    statuses = [c["status"] for c in stack.stand_in.calls() if c["method"] == "chat.postMessage"]
    assert statuses == [429, 200]
