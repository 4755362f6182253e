"""The sender (services/delivery.py) over the real Slack adapter against the stand-in with
Slack's tiers on, under Slack's bad days: 429 for a long time, a method's tier tighter than
published, huge or malformed Retry-After, a 5xx storm. Each time nothing is lost, nothing is
posted twice, no attempt runs past the function's timeout, and the backlog drains once Slack
recovers. The platform's retry is a loop here (every message again until sent); budgets,
timeouts and the settle time are shortened so a run takes seconds."""

from __future__ import annotations

import contextlib
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
import requests

from devplan.adapters import slack_client
from devplan.adapters.firestore.mapping import outbox_document
from devplan.adapters.slack import SlackGateway, web_client
from devplan.adapters.slack_pace import Pace
from devplan.domain.outbox import SENT, OutboxMessage
from devplan.errors import TransientError
from devplan.services import delivery
from devplan_tools.stand_in.server import SlackStandIn
from devplan_tools.stand_in.tiers import Limit
from tests.fakes import InMemoryStore

TIMEOUT = 4.0  # the sender's timeout here (production: 60 s)
K = 20.0  # Slack's limits × 20


@pytest.fixture(autouse=True)
def short_times(monkeypatch):
    monkeypatch.setattr(delivery, "SEND_BUDGET", timedelta(seconds=2.5))
    monkeypatch.setattr(delivery, "SETTLE", timedelta(seconds=0.3))
    monkeypatch.setattr(slack_client, "CALL_RESERVE", 0.5)  # the reserve and the cap live in the client


@pytest.fixture()
def stand_in():
    with SlackStandIn(tiers=K) as s:
        yield s


@pytest.fixture()
def world(stand_in):
    """A lead and 8 developers: a DM welcome and a pair's 1:1 invite (group DM) each."""
    store = InMemoryStore()
    lead = stand_in.add_user("lead@example.se", "Lena Ledare")["user"]["id"]
    ids = []
    for i in range(8):
        dev = stand_in.add_user(f"dev{i}@example.se", f"Dev {i}")["user"]["id"]
        for message in (
            OutboxMessage(f"welcome:dev{i}", users=(dev,), text=f"Välkommen {i}"),
            OutboxMessage(f"review-invite:dev{i}:2025-Q2", users=(dev, lead), text=f"Dags för 1:1 {i}"),
        ):
            store.set(f"outbox/{message.id}", outbox_document(message, datetime.now(UTC)), merge=False)
            ids.append(message.id)
    gateway = SlackGateway(web_client(f"{stand_in.url}/api/", stand_in.bot_token), Pace(K))
    return store, gateway, ids


def drain(store, gateway, ids, *, within: float = 60.0) -> list[float]:
    """Deliver every message again and again (the platform's retry) until all are sent; the
    duration of every attempt."""
    durations, left, started = [], list(ids), time.monotonic()
    while left and time.monotonic() - started < within:
        for message_id in list(left):
            began = time.monotonic()
            with contextlib.suppress(TransientError):
                delivery.deliver(message_id, uuid.uuid4().hex, store, gateway, datetime.now(UTC))
            durations.append(time.monotonic() - began)
            entry, _ = store.outbox_entry(message_id)
            if entry is not None and entry.state == SENT:
                left.remove(message_id)
        time.sleep(0.05)
    assert not left, f"not delivered: {left}"
    return durations


def posted_once(stand_in, ids) -> None:
    posts = Counter(
        ((c["args"].get("metadata") or {}).get("event_payload") or {}).get("outbox_id")
        for c in stand_in.calls()
        if c["method"] == "chat.postMessage" and c["ok"]
    )
    assert {i: posts[i] for i in ids} == dict.fromkeys(ids, 1)  # nothing lost, nothing twice


def fault(stand_in, **body) -> None:
    assert requests.post(f"{stand_in.url}/_stand-in/faults", json=body, timeout=5).json()["ok"]


def test_slack_answering_429_for_a_long_time(stand_in, world):
    store, gateway, ids = world
    fault(stand_in, method="chat.postMessage", status=429, count=16)
    fault(stand_in, method="conversations.open", status=429, count=5)
    durations = drain(store, gateway, ids)
    assert max(durations) < TIMEOUT
    posted_once(stand_in, ids)


def test_a_tier_tighter_than_published(stand_in, world):
    store, gateway, ids = world
    stand_in.set_tiers(True, K, {"conversations.open": Limit(per_minute=6, burst=1)})  # × 20: one in 0.5 s
    durations = drain(store, gateway, ids)
    assert max(durations) < TIMEOUT
    posted_once(stand_in, ids)
    limited = stand_in._tiers.limited["conversations.open"]
    assert limited <= 8  # learnt from Retry-After, not hammered


@pytest.mark.parametrize("header", ["86400", "soon", "-5", "1e309"])
def test_huge_or_malformed_retry_after(stand_in, world, monkeypatch, header):
    monkeypatch.setattr(slack_client, "RETRY_AFTER_CAP", 1.0)  # production: 300 s
    store, gateway, ids = world
    fault(stand_in, method="chat.postMessage", status=429, count=6, retry_after=header)
    durations = drain(store, gateway, ids)
    assert max(durations) < TIMEOUT
    posted_once(stand_in, ids)


def test_a_5xx_storm(stand_in, world):
    store, gateway, ids = world
    fault(stand_in, method="chat.postMessage", status=503, count=12)
    fault(stand_in, method="conversations.open", status=500, count=6)
    fault(stand_in, method="conversations.history", status=502, count=3)
    durations = drain(store, gateway, ids)
    assert max(durations) < TIMEOUT
    posted_once(stand_in, ids)


def test_group_dms_are_opened_once_and_kept(stand_in, world):
    store, gateway, ids = world
    drain(store, gateway, ids)
    opened = [c for c in stand_in.calls() if c["method"] == "conversations.open" and c["ok"]]
    assert len(opened) == 8  # one per pair; the DMs went to the user ids
    # next quarter, another instance (nothing in memory): the kept ids, no conversations.open
    next_quarter = []
    for message_id in [i for i in ids if i.startswith("review-invite:")]:
        entry, _ = store.outbox_entry(message_id)
        again = OutboxMessage(message_id.replace("2025-Q2", "2025-Q3"), users=entry.message.users, text="Q3")
        store.set(f"outbox/{again.id}", outbox_document(again, datetime.now(UTC)), merge=False)
        next_quarter.append(again.id)
    fresh = SlackGateway(web_client(f"{stand_in.url}/api/", stand_in.bot_token), Pace(K))
    drain(store, fresh, next_quarter)
    assert len([c for c in stand_in.calls() if c["method"] == "conversations.open" and c["ok"]]) == 8
    posted_once(stand_in, next_quarter)
