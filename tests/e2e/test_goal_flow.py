"""Goals and live sources on the whole local stack: signed webhooks → Firestore → outbox → sender →
the Slack stand-in. A proposed goal reaches the lead with Godkänn; a shuffled, duplicated and
concurrent stream of coaching sessions (some cancelled) gives the tally the truth says and exactly
one "goal reached" message to the lead."""

from __future__ import annotations

import json
import random
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import pytest
import requests

from devplan.messages.goals import GOAL_AGREE, GOAL_CHANGE, GOAL_CONFIRM, GOAL_NOT_YET
from devplan_tools.local import platform_client
from tests.conftest import posts, wait_for
from tests.e2e.test_onboarding_flow import db, onboard_team, send_signed
from tests.people import ANNA, BO

pytestmark = pytest.mark.e2e

# People of their own: the stand-in keeps users and channel members between tests (reset forgets
# calls only), and the onboarding tests expect Bo and Anna to join their channels for the first time.
LEAD = {**BO, "employeeId": "lena", "name": "Lena Ledare", "email": "lena@innerjourney.se"}
COACH = {
    **ANNA,
    "employeeId": "cia",
    "name": "Cia Coach",
    "email": "cia@innerjourney.se",
    "role": "coach",
    "leadId": "lena",
}
AT = datetime.fromisoformat("2025-04-08T09:00:00+02:00")  # business time: Q2 2025
PROPOSAL = {
    "employeeId": "cia",
    "goalId": "g-sessions",
    "outcome": "Genomföra minst 3 coachingsessioner",
    "metric": "genomförda coachingsessioner",
    "target": 3,
    "unit": "st",
    "source": "coaching_sessions",
    "plan": "En session i veckan med stöd av Bo",
    "relevance": "Fler användare får stöd: kärnan i Inner Journey",
    "dueDate": "2025-06-30",
}


def send(stack, kind: str, data: dict, event_id: str):
    """As the platform sends: a timeout or a 5xx is sent again with the same event id (the contract:
    "retry with the same event id"); contended transactions on one tally can be slow on a busy box."""
    body = platform_client.envelope(kind, data, event_id=event_id, occurred_at=AT)
    response = None
    for _ in range(4):
        try:
            response = send_signed(stack, body)
        except requests.Timeout:
            continue
        if response.status_code < 500:
            break
    assert response is not None and response.status_code == 200, response and response.text
    return response.json()["status"]


def buttons_to_lead(stack) -> list[list[str]]:
    """The action ids of each message to the lead that carries buttons."""
    found = []
    for post in posts(stack, channel_name="DM Lena Ledare"):
        blocks = post["args"].get("blocks") or []
        if isinstance(blocks, str):
            blocks = json.loads(blocks)
        ids = [e["action_id"] for b in blocks if b.get("type") == "actions" for e in b["elements"]]
        if ids:
            found.append(ids)
    return found


def test_a_proposed_goal_reaches_the_lead_with_godkann(clean_stack):
    onboard_team(clean_stack, LEAD, COACH)
    assert send(clean_stack, "goals.proposed", PROPOSAL, "evt-proposal") == "proposed"
    assert send(clean_stack, "goals.proposed", PROPOSAL, "evt-proposal") == "duplicate"
    proposal = wait_for(
        lambda: [b for b in buttons_to_lead(clean_stack) if GOAL_AGREE in b], what="the proposal to the lead"
    )
    assert proposal == [[GOAL_AGREE, GOAL_CHANGE]]
    texts = " ".join(p["text"] for p in posts(clean_stack, channel_name="DM Lena Ledare"))
    assert "Genomföra minst 3 coachingsessioner" in texts
    goal = db(clean_stack).document("employees/cia").get().to_dict()["goals"]["items"][0]
    assert goal["status"] == "proposed" and goal["quarter"] == "2025-Q2"


def test_a_shuffled_duplicated_stream_of_sessions_gives_the_truth_and_one_reached_message(clean_stack):
    onboard_team(clean_stack, LEAD, COACH)
    assert send(clean_stack, "goals.proposed", PROPOSAL, "evt-proposal") == "proposed"
    # The lead's Godkänn (the Slack surface's tests click it): the agreed goal as the store writes it.
    employee = db(clean_stack).document("employees/cia")
    goals = employee.get().to_dict()["goals"]
    goals["items"][0] |= {"status": "agreed", "agreedOn": "2025-04-08"}
    employee.update({"goals": goals})

    stream = [
        (
            "coaching.session_completed",
            {"sessionId": f"s{n}", "coachId": "cia", "completedAt": f"2025-04-1{n}T10:00:00+02:00"},
            f"evt-done-{n}",
        )
        for n in range(6)
    ]
    stream += [("coaching.session_cancelled", {"sessionId": f"s{n}"}, f"evt-cancel-{n}") for n in (1, 4)]
    shuffler = random.Random(2025)
    stream += [shuffler.choice(stream) for _ in range(5)]  # delivered again
    stream += [("coaching.session_completed", {**stream[2][1]}, "evt-done-2-again")]  # the same session, a new event
    shuffler.shuffle(stream)
    with ThreadPoolExecutor(max_workers=3) as pool:
        statuses = list(pool.map(lambda e: send(clean_stack, *e), stream))
    assert "duplicate" in statuses
    clean_stack.wait_quiet()

    tally = db(clean_stack).document("employees/cia/tallies/coaching_sessions").get().to_dict()
    assert {i["id"] for i in tally["items"] if not i.get("cancelled")} == {"s0", "s2", "s3", "s5"}
    assert tally["count"] == 4 and tally["total"] == 4
    wait_for(lambda: [b for b in buttons_to_lead(clean_stack) if GOAL_CONFIRM in b], what="the goal-reached message")
    clean_stack.wait_quiet()
    assert [b for b in buttons_to_lead(clean_stack) if GOAL_CONFIRM in b] == [[GOAL_CONFIRM, GOAL_NOT_YET]]
    goal = employee.get().to_dict()["goals"]["items"][0]
    assert goal["status"] == "awaiting_confirmation" and goal["progress"] == 4
