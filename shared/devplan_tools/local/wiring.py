"""Connects the emulators to the function host as the manifest says, in production formats:
Firestore triggers through the emulator's eventarc API (2nd-gen CloudEvents with protobuf
bodies), Pub/Sub topics with push subscriptions to each subscribing function."""

from __future__ import annotations

import os

import requests

from devplan_tools.manifest import Manifest


def register_firestore_triggers(manifest: Manifest, firestore_host: str, project: str) -> None:
    for function in manifest.by_kind("firestore"):
        trigger = function.firestore
        if trigger is None:  # the manifest gives every firestore function one
            raise ValueError(f"function {function.name!r} has no Firestore trigger")
        response = requests.post(
            f"http://{firestore_host}/emulator/v1/projects/{project}/eventarcTrigger",
            params={"eventarcTriggerId": function.name},
            json={
                "eventType": trigger.event_type,
                "database": "(default)",
                "namespace": "(default)",
                "document": {"value": trigger.document, "matchType": "PATH_PATTERN"},
            },
            timeout=10,
        )
        response.raise_for_status()


def create_topics_and_push(manifest: Manifest, pubsub_host: str, project: str, functions_url: str) -> None:
    os.environ["PUBSUB_EMULATOR_HOST"] = pubsub_host
    from google.cloud import pubsub_v1

    publisher, subscriber = pubsub_v1.PublisherClient(), pubsub_v1.SubscriberClient()
    with subscriber:
        for topic in manifest.topics:
            publisher.create_topic(name=publisher.topic_path(project, topic))
        for function in manifest.by_kind("pubsub"):
            topic_path = publisher.topic_path(project, function.topic)
            subscriber.create_subscription(
                request={
                    "name": subscriber.subscription_path(project, f"{function.topic}--{function.name}"),
                    "topic": topic_path,
                    "push_config": {"push_endpoint": f"{functions_url}/{function.name}/{topic_path}"},
                    # No retry_policy: the emulator then redelivers a failed push about every
                    # second (it honours a policy only roughly and never stops), and the function
                    # host decides which redelivery is the manifest policy's next attempt.
                    "ack_deadline_seconds": 60,
                }
            )
