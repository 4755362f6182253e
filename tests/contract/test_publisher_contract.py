"""One contract for the publisher the daily tick fans out with (services/ports.Publisher), run
against FakePublisher and against the Pub/Sub adapter on the emulator."""

from __future__ import annotations

import json
import uuid

import pytest

from tests.fakes import FakePublisher


@pytest.fixture(params=["fake", "pubsub"])
def publisher(request):
    """(publisher, topic, received(n) -> the n messages' data as published) per implementation."""
    if request.param == "fake":
        fake = FakePublisher()
        return fake, "devplan-employee-tick", lambda n: [m for _, m in fake.published[-n:]]
    from google.cloud import pubsub_v1

    from devplan.adapters.pubsub import Publisher

    stack = request.getfixturevalue("stack")
    # A topic and a pull subscription of their own: nothing of the stack's is triggered.
    topic = f"contract-{uuid.uuid4().hex[:8]}"
    admin, subscriber = pubsub_v1.PublisherClient(), pubsub_v1.SubscriberClient()
    topic_path = admin.topic_path(stack.project, topic)
    admin.create_topic(name=topic_path)
    subscription = subscriber.subscription_path(stack.project, topic)
    subscriber.create_subscription(name=subscription, topic=topic_path)

    def received(n: int) -> list[dict]:
        found: list[dict] = []
        for _ in range(20):
            response = subscriber.pull(subscription=subscription, max_messages=n, timeout=10)
            batch = response.received_messages
            found += [json.loads(m.message.data) for m in batch]
            if batch:
                subscriber.acknowledge(subscription=subscription, ack_ids=[m.ack_id for m in batch])
            if len(found) >= n:
                break
        return found

    return Publisher(stack.project), topic, received


def test_every_message_is_published_once_with_its_own_id(publisher):
    pub, topic, received = publisher
    messages = [{"asOf": "2025-04-01", "employeeIds": [f"e{n}"], "chunk": n} for n in range(3)]
    ids = pub.publish_many(topic, messages, asOf="2025-04-01")
    assert len(ids) == 3 and len(set(ids)) == 3
    assert sorted(received(3), key=lambda m: m["chunk"]) == messages
