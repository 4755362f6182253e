"""The contract suites run each case against the fake and against the real adapter: the
in-memory documents and Firestore (the emulator), FakeSlack and SlackGateway (the stand-in).
A fake that drifts from its real twin fails here."""

from __future__ import annotations

import uuid

import pytest

from tests.fakes import NOW, FakeSlack, InMemoryStore


@pytest.fixture(params=["memory", "firestore"])
def store(request):
    if request.param == "memory":
        return InMemoryStore(NOW)
    from google.cloud import firestore

    from devplan.adapters.firestore.documents import FirestoreDocuments
    from devplan.adapters.firestore.store import Store

    request.getfixturevalue("stack")  # the emulators, started once per run
    # A project of its own: an empty database, and no triggers registered there.
    return Store(FirestoreDocuments(firestore.Client(project=f"contract-{uuid.uuid4().hex[:10]}")), clock=lambda: NOW)


@pytest.fixture(params=["fake", "stand-in"])
def slack(request):
    """(slack, add_user(email, name) -> user id) for each implementation."""
    if request.param == "fake":
        fake = FakeSlack()

        def add_fake_user(email: str, name: str) -> str:
            fake.users[email] = f"U{uuid.uuid4().hex[:8].upper()}"
            return fake.users[email]

        return fake, add_fake_user
    from devplan.adapters.slack import SlackGateway, web_client

    stack = request.getfixturevalue("stack")
    stack.stand_in.reset()

    def add_user(email: str, name: str) -> str:
        return stack.stand_in.add_user(email, name)["user"]["id"]

    return SlackGateway(web_client(f"{stack.stand_in.url}/api/", stack.stand_in.bot_token)), add_user
