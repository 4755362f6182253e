"""The same event delivered several times AT THE SAME MOMENT, against the real Firestore emulator
and the functions on the local stack (threads released together by a barrier), not only replays
one after another: exactly one delivery does the work, the others answer that it was done, and
nobody gets a 5xx from contention."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import TypeVar
from urllib.parse import urlencode

import pytest
import requests
from google.cloud import firestore

from devplan import runtime
from devplan.adapters.firestore.documents import FirestoreDocuments
from devplan.adapters.firestore.mapping import outbox_document
from devplan.adapters.firestore.store import Store
from devplan.adapters.slack import SlackGateway, web_client
from devplan.domain.outbox import OutboxMessage
from devplan.errors import TransientError
from devplan.services import delivery
from devplan_tools.local import platform_client
from tests.conftest import posts, wait_for
from tests.people import ANNA, BO, ERIK

pytestmark = pytest.mark.integration
T = TypeVar("T")
TIMES = 8
# Measured on this machine's emulator: a transaction that loses waits ~2 s for its lock, so the
# eight deliveries of one event finish within ~16 s; each test's requests allow 60 s.


def all_at_once(work: Callable[[int], T], times: int = TIMES) -> list[T]:
    """`work(n)` in `times` threads that start together."""
    barrier = threading.Barrier(times)

    def run(n: int) -> T:
        barrier.wait()
        return work(n)

    with ThreadPoolExecutor(max_workers=times) as pool:
        return list(pool.map(run, range(times)))


def db(stack) -> firestore.Client:
    return firestore.Client(project=stack.project)


def webhook(stack, body: bytes) -> requests.Response:
    """One delivery as the platform makes it: a 500 (e.g. contention that outlasted the store's
    retries: on a busy emulator each lost transaction waits ~2 s for its lock) means "send the same
    id again" by contract, so the platform does; any other answer is final."""
    for attempt in range(10):  # with a growing pause, as a platform backs off
        headers = platform_client.signed_headers(stack.platform_secret, body)
        answer = requests.post(f"{stack.functions_url}/platform-webhook", data=body, headers=headers, timeout=30)
        if answer.status_code != 500:
            return answer
        assert answer.json()["error"] == "unavailable", answer.text  # contention is transient, never "internal"
        time.sleep(0.5 * (attempt + 1))
    return answer


@pytest.fixture
def team() -> dict[str, dict]:
    """Bo, Anna and Erik under names of their own: the stand-in keeps its users for the whole run,
    so the seed's people may already have Slack accounts from another test (and would leave them)."""
    tag = uuid.uuid4().hex[:6]

    def renamed(person: dict) -> dict:
        return {
            **person,
            "employeeId": f"{person['employeeId']}-{tag}",
            "name": f"{person['name']} {tag}",
            "email": f"{person['employeeId']}-{tag}@innerjourney.se",
            "leadId": f"{person['leadId']}-{tag}" if person["leadId"] else None,
        }

    return {p["employeeId"]: renamed(p) for p in (BO, ANNA, ERIK)}


def onboard(stack, *people) -> None:
    for person in people:
        body = platform_client.envelope("employee.onboarded", person, event_id=f"evt-{person['employeeId']}")
        assert webhook(stack, body).json()["status"] == "accepted"


def test_simultaneous_identical_webhooks_accept_once(clean_stack, team):
    anna = team["anna"]
    clean_stack.stand_in.add_user(anna["email"], anna["name"])
    body = platform_client.envelope("employee.onboarded", anna, event_id="evt-anna-together")
    answers = all_at_once(lambda n: webhook(clean_stack, body))
    assert [a.status_code for a in answers] == [200] * TIMES, [a.text for a in answers]
    assert Counter(a.json()["status"] for a in answers) == {"accepted": 1, "duplicate": TIMES - 1}
    clean_stack.wait_quiet()
    assert len(posts(clean_stack, channel_name=f"DM {anna['name']}")) == 1  # one welcome


def test_simultaneous_events_for_someone_not_onboarded_are_held_once_and_applied_once(clean_stack, team):
    anna = team["anna"]
    reflection = platform_client.envelope(
        "journal.reflection_logged",
        {"employeeId": anna["employeeId"], "entryId": "j1", "occurredAt": "2025-02-12T09:00:00+01:00"},
        event_id="evt-early-reflection",
    )
    answers = all_at_once(lambda n: webhook(clean_stack, reflection))
    assert Counter(a.json()["status"] for a in answers) == {"held": 1, "duplicate": TIMES - 1}
    assert [d.id for d in db(clean_stack).collection("heldEvents").stream()] == ["evt-early-reflection"]
    onboard(clean_stack, anna)
    assert list(db(clean_stack).collection("heldEvents").stream()) == []
    cycle = db(clean_stack).document(f"cycles/{anna['employeeId']}:2025-Q1").get().to_dict()
    assert cycle["reflections"] == 1 and cycle["lastReflection"]["entryId"] == "j1"


def from_slack(stack, body: str, content_type: str = "application/json") -> requests.Response:
    """A request signed as Slack signs it. Not through the stand-in's own delivery, which gives up
    after 10 s: on the emulator every lost transaction waits about 2 s for its lock (production
    Firestore decides at once), so eight deliveries of one event take up to ~16 s here."""
    timestamp = str(int(time.time()))
    digest = hmac.new(stack.slack_signing_secret.encode(), f"v0:{timestamp}:{body}".encode(), hashlib.sha256)
    headers = {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": f"v0={digest.hexdigest()}",
    }
    return requests.post(f"{stack.functions_url}/slack-events", data=body, headers=headers, timeout=60)


def test_simultaneous_identical_team_joins_link_once_and_welcome_once(clean_stack, team):
    bo, erik = team["bo"], team["erik"]
    onboard(clean_stack, bo, erik)  # Erik has no Slack account yet: he waits
    clean_stack.wait_quiet()
    stored = db(clean_stack).document(f"employees/{erik['employeeId']}").get().to_dict()
    assert stored["onboarding"]["status"] == "waiting_for_slack"
    # His account appears; Slack delivers its team_join several times at once (its own retries
    # after a slow answer). The account is made quietly here, so that only our deliveries run.
    with clean_stack.stand_in._lock:
        user, _ = clean_stack.stand_in.workspace.add_user(erik["email"], erik["name"])
    event = {
        "type": "event_callback",
        "event_id": "Ev" + uuid.uuid4().hex[:10].upper(),
        "event": {"type": "team_join", "user": user},
    }
    answers = all_at_once(lambda n: from_slack(clean_stack, json.dumps(event)))
    assert [a.status_code for a in answers] == [200] * TIMES, [a.text for a in answers]
    assert sorted(a.json()["linked"] for a in answers) == [0] * (TIMES - 1) + [1]
    dm = f"DM {erik['name']}"
    wait_for(lambda: posts(clean_stack, channel_name=dm), what="Erik's welcome")
    clean_stack.wait_quiet()
    assert len(posts(clean_stack, channel_name=dm)) == 1
    welcome = db(clean_stack).document(f"outbox/welcome:{erik['employeeId']}").get().to_dict()
    assert welcome["state"] == "sent" and welcome["users"] == [user["id"]]


def test_simultaneous_clicks_mark_the_1_1_held_once(clean_stack, team):
    anna_id = team["anna"]["employeeId"]
    bo, anna = (clean_stack.stand_in.add_user(p["email"], p["name"])["user"]["id"] for p in (team["bo"], team["anna"]))
    onboard(clean_stack, team["bo"], team["anna"])
    clean_stack.wait_quiet()
    clean_stack.tick(date(2025, 4, 1))
    clean_stack.wait_quiet(settle=1.0)
    [invite] = [p for p in posts(clean_stack) if "Markera som genomfört" in str(p["args"].get("blocks"))]
    clickers = [bo, anna] * (TIMES // 2)  # both of them, several times, at once

    def click(n: int) -> requests.Response:
        action = {"action_id": "review_mark_held", "value": f"{anna_id}|2025-Q2", "action_ts": "1743667200.000100"}
        payload = {"type": "block_actions", "user": {"id": clickers[n]}, "actions": [action]}
        return from_slack(clean_stack, urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")

    answers = all_at_once(click)
    assert [a.status_code for a in answers] == [200] * TIMES, [a.text for a in answers]
    assert Counter(a.json()["outcome"] for a in answers) == {"held": 1, "already_held": TIMES - 1}
    clean_stack.wait_quiet()
    review = db(clean_stack).document(f"cycles/{anna_id}:2025-Q2").get().to_dict()["review"]
    assert review["status"] == "held"
    confirmations = [p for p in posts(clean_stack, channel=invite["channel"]) if p["ts"] != invite["ts"]]
    assert len(confirmations) == 1


@pytest.fixture
def own_store(stack):
    """A project of its own: no triggers are registered there, so only this test writes and sends."""
    documents = FirestoreDocuments(firestore.Client(project=f"together-{uuid.uuid4().hex[:8]}"))
    return Store(documents, clock=runtime.now), documents


def test_many_transactions_on_one_document_all_finish_without_an_error(own_store):
    """16 contenders on one document: each finishes, the claim is won once. Contention that outlasts
    the store's own retries is a TransientError, which every caller answers with a retry (trigger
    redelivery, HTTP 500 "unavailable"); so does this test, and nothing else may escape."""
    store, _ = own_store

    def claim_as_a_caller_would(n: int) -> bool:
        for _ in range(3):
            try:
                return store.atomically(lambda uow: uow.claim("platform:hot"))
            except TransientError:
                continue
        raise AssertionError("contention outlasted three deliveries")

    claimed = all_at_once(claim_as_a_caller_would, times=16)
    assert claimed.count(True) == 1 and claimed.count(False) == 15


def test_simultaneous_senders_of_one_message_post_it_once(own_store, stack):
    store, documents = own_store
    name = f"Samtidig {uuid.uuid4().hex[:6]}"
    user = stack.stand_in.add_user(f"{name.split()[1]}@innerjourney.se", name)["user"]["id"]
    message = OutboxMessage("welcome:together", users=(user,), text="Välkommen!")
    documents.set("outbox/welcome:together", outbox_document(message, runtime.now()), merge=False)
    slack = SlackGateway(web_client(f"{stack.stand_in.url}/api/", stack.stand_in.bot_token))
    outcomes = all_at_once(
        lambda n: delivery.deliver("welcome:together", f"event-{n}", store, slack, runtime.now()), times=TIMES
    )
    # One sends; the others find it claimed, or (having read it after) already sent.
    assert outcomes.count("sent") == 1 and set(outcomes) <= {"sent", "claimed_elsewhere", "nothing_to_do"}
    dms = [c for c in stack.stand_in.calls() if c["method"] == "chat.postMessage" and c["channel_name"] == f"DM {name}"]
    assert len(dms) == 1
