"""The function host dies (SIGKILL) after Slack accepted a post and before the sender recorded
`sent`; started again, the daily sweep finds the post in Slack and records it: one message."""

import os
from datetime import date, timedelta

import pytest
import requests
from google.cloud import firestore

from devplan import runtime
from devplan.adapters.firestore.documents import FirestoreDocuments
from devplan.adapters.firestore.store import Store
from devplan.adapters.slack import SlackGateway, web_client
from devplan.services import delivery, outbox_sweep
from devplan_tools.local import platform_client
from tests.conftest import TEST_RETRY_POLICY, posts, wait_for
from tests.people import BO

pytestmark = pytest.mark.e2e
WELCOME = "welcome:bo"


@pytest.fixture(scope="module")
def crash_stack(tmp_path_factory):
    """A stack of its own whose functions run in a child process that can be killed. Starting
    it points this process's environment at its emulators: put the session's back afterwards."""
    from devplan_tools.local.stack import LocalStack

    saved = dict(os.environ)
    stack = LocalStack.start(
        tmp_path_factory.mktemp("crash"), project="devplan-crash", retry=TEST_RETRY_POLICY, separate_host=True
    )
    try:
        yield stack
    finally:
        stack.stop()
        os.environ.clear()
        os.environ.update(saved)
        runtime.reset()


def welcome_posts(stack) -> list[dict]:
    return [
        p
        for p in posts(stack)
        if (p["args"].get("metadata") or {}).get("event_payload", {}).get("outbox_id") == WELCOME
    ]


def test_killed_after_slack_accepted_then_the_sweep_records_the_one_post(crash_stack):
    stand_in, db = crash_stack.stand_in.url, firestore.Client(project=crash_stack.project)
    crash_stack.stand_in.add_user(BO["email"], BO["name"])
    hold = {
        "method": "chat.postMessage",
        "hold": True,
        "match": {"metadata": {"event_payload": {"outbox_id": WELCOME}}},
    }
    assert requests.post(f"{stand_in}/_stand-in/faults", json=hold, timeout=5).json()["ok"]
    webhook = f"{crash_stack.functions_url}/platform-webhook"
    assert platform_client.send(webhook, crash_stack.platform_secret, "employee.onboarded", BO).status_code == 200

    wait_for(lambda: requests.get(f"{stand_in}/_stand-in/held", timeout=5).json()["held"], what="the welcome posted")
    crash_stack.kill_host()  # Slack has the post; the sender never hears back
    requests.post(f"{stand_in}/_stand-in/release", timeout=5)
    assert len(welcome_posts(crash_stack)) == 1
    claimed = db.document(f"outbox/{WELCOME}").get().to_dict()
    assert claimed["state"] == "sending"

    crash_stack.start_host()
    store = Store(FirestoreDocuments(db), clock=runtime.now)
    slack = SlackGateway(web_client(f"{stand_in}/api/", crash_stack.stand_in.bot_token))
    later = runtime.now() + outbox_sweep.STALE_AFTER + delivery.LEASE + timedelta(minutes=1)
    outcome = outbox_sweep.sweep(store, slack, lambda: later, sweep_id="crash-test", as_of=date(2025, 4, 1))

    assert outcome["sent"] >= 1
    recorded = db.document(f"outbox/{WELCOME}").get().to_dict()
    (post,) = welcome_posts(crash_stack)
    assert recorded["state"] == "sent" and recorded["slack"]["ts"] == post["ts"]
    status = requests.get(f"{crash_stack.functions_url}/_host/status", timeout=5).json()
    assert status["in_flight"] == 0  # the new host answers and carries nothing of the dead one
