"""The function host dies (SIGKILL) after Slack accepted a post and before the sender recorded
`sent`; started again, it redelivers the killed outbox trigger from its journal (as Eventarc
would redeliver an unanswered event), and the redelivered sender, once the dead attempt's lease
ran out, finds the post in Slack by its metadata and records it: one message."""

import json
import os

import pytest
import requests
from google.cloud import firestore

from devplan import runtime
from devplan_tools.local import platform_client
from tests.conftest import TEST_RETRY_POLICY, posts, wait_for
from tests.people import BO

pytestmark = pytest.mark.e2e
WELCOME = "welcome:bo"
# The sender's lease, shortened in the host (host_process.py) so the redelivery may look after
# seconds rather than 120 s; what it does then is production's code unchanged.
LEASE_SECONDS = 4


@pytest.fixture(scope="module")
def crash_stack(tmp_path_factory):
    """A stack of its own whose functions run in a child process that can be killed. Starting
    it points this process's environment at its emulators: put the session's back afterwards."""
    from devplan_tools.local.stack import LocalStack

    saved = dict(os.environ)
    stack = LocalStack.start(
        tmp_path_factory.mktemp("crash"),
        project="devplan-crash",
        retry=TEST_RETRY_POLICY,
        separate_host=True,
        host_env={"DEVPLAN_CHAOS_LEASE_SECONDS": str(LEASE_SECONDS)},
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


def host_log(stack) -> list[dict]:
    lines = (stack.state_dir / "logs" / "host.log").read_text().splitlines()
    return [json.loads(line) for line in lines if line.startswith("{")]


def test_killed_after_slack_accepted_then_the_redelivered_event_records_the_one_post(crash_stack):
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
    journal = crash_stack.state_dir / "host-journal"
    killed = [json.loads(p.read_text()) for p in journal.glob("*.json")]
    assert [k["function"] for k in killed if k["eventId"] == claimed["claim"]["eventId"]] == ["outbox-created"]

    crash_stack.start_host()  # replays the journal: the killed delivery comes again, same event id
    wait_for(
        lambda: db.document(f"outbox/{WELCOME}").get().to_dict()["state"] == "sent",
        timeout=LEASE_SECONDS + 30,
        what="the redelivered sender records the post",
    )
    crash_stack.client().wait_quiet(timeout=60)

    recorded = db.document(f"outbox/{WELCOME}").get().to_dict()
    (post,) = welcome_posts(crash_stack)  # found in the history, not posted again
    assert recorded["state"] == "sent" and recorded["slack"]["ts"] == post["ts"]
    event_id = claimed["claim"]["eventId"]
    entries = [e for e in host_log(crash_stack) if e.get("eventId") == event_id]
    assert any(e.get("outcome") == "replayed" and e["function"] == "outbox-created" for e in entries)
    # The dead host's attempt counts as the first; the redelivery waits out the lease (503s), then records.
    attempts = [(e["attempt"], e["outcome"]) for e in entries if "attempt" in e]
    assert attempts[-1][1] == "done" and attempts[0][0] == 2, attempts
    status = requests.get(f"{crash_stack.functions_url}/_host/status", timeout=5).json()
    assert status["in_flight"] == 0 and not list(journal.glob("*.json"))
