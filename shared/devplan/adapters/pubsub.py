"""Publishing to Pub/Sub (the emulator when PUBSUB_EMULATOR_HOST is set, as the client library does)."""

from __future__ import annotations

import json
from typing import Any

from google.cloud.pubsub_v1 import PublisherClient, types


class Publisher:
    def __init__(self, project: str):
        self.project = project
        # Fan-out publishes many small messages at once: batch them.
        self._client = PublisherClient(batch_settings=types.BatchSettings(max_messages=500, max_latency=0.02))

    def publish_many(self, topic: str, messages: list[dict[str, Any]], **attributes: str) -> list[str]:
        """Publish JSON messages and wait until Pub/Sub has them all; returns their ids."""
        path = self._client.topic_path(self.project, topic)
        futures = [self._client.publish(path, json.dumps(m).encode(), **attributes) for m in messages]
        return [f.result(timeout=60) for f in futures]

    def publish(self, topic: str, message: dict[str, Any], **attributes: str) -> str:
        return self.publish_many(topic, [message], **attributes)[0]
