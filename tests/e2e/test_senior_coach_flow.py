"""Senior Coach on the whole local stack: a coach's sessions arrive over the signed webhook (some
twice) and reach 20 after six months → one DM to the lead with the evidence and Godkänn / Inte
än → the coach's own click is refused → the lead's Godkänn → exactly one post in #coaching and
one in #general, however often it is clicked."""

from __future__ import annotations

from datetime import datetime

import pytest
from google.cloud import firestore

from devplan.messages.advancement import SENIOR_APPROVE, SENIOR_NOT_YET
from devplan_tools.local import platform_client
from tests.conftest import posts, wait_for
from tests.e2e.test_goals_in_slack_flow import action_ts, with_button
from tests.e2e.test_onboarding_flow import ANNA, BO, onboard_team, send_signed

pytestmark = pytest.mark.e2e
# People of their own (the stand-in's workspace outlives a test).
LOVA = {**BO, "employeeId": "lova", "name": "Lova Lind", "email": "lova.lind@innerjourney.se"}
SIGGE = {
    **ANNA,
    "employeeId": "sigge",
    "name": "Sigge Strand",
    "email": "sigge.strand@innerjourney.se",
    "role": "coach",
    "leadId": "lova",
    "startDate": "2025-01-13",
}
# 12 sessions in the first months, 8 after 13 July: the 20th comes after six months.
DAYS = [f"2025-0{m}-1{d}" for m in (2, 3, 4, 5) for d in (0, 1, 2)] + [f"2025-07-2{d}" for d in range(8)]


def recognised(stack, channel: str) -> list[dict]:
    return [p for p in posts(stack, channel_name=channel) if "Senior Coach" in p["text"]]


def test_twenty_sessions_after_six_months_ask_the_lead_and_godkann_recognises_once(clean_stack):
    onboard_team(clean_stack, LOVA, SIGGE)
    clean_stack.wait_quiet()
    client, users = clean_stack.client(), {u["real_name"]: u["id"] for u in clean_stack.client().slack_users()}
    sigge, lova = users["Sigge Strand"], users["Lova Lind"]

    for n, day in enumerate(DAYS):
        data = {"sessionId": f"ss-{n}", "coachId": "sigge", "completedAt": f"{day}T15:00:00+02:00"}
        at = datetime.fromisoformat(data["completedAt"])  # the platform reports a session as it ends
        body = platform_client.envelope("coaching.session_completed", data, event_id=f"evt-ss-{n}", occurred_at=at)
        assert send_signed(clean_stack, body).status_code == 200
        if n % 5 == 0:  # delivered again
            assert send_signed(clean_stack, body).json()["status"] == "duplicate"
    (question,) = wait_for(lambda: with_button(clean_stack, "DM Lova Lind", SENIOR_APPROVE), what="the question")
    assert "20 genomförda" in question["text"] and "6 månader" in question["text"]
    assert [e["action_id"] for b in question["args"]["blocks"] if b["type"] == "actions" for e in b["elements"]] == [
        SENIOR_APPROVE,
        SENIOR_NOT_YET,
    ]

    approve = (question["channel"], question["ts"], SENIOR_APPROVE)
    refused = client.click(sigge, *approve, action_ts("2025-07-29"), anyone=True)
    assert '"not_yours"' in refused["app_answer"]
    assert '"approved"' in client.click(lova, *approve, action_ts("2025-07-29"))["app_answer"]
    assert '"already_senior"' in client.click(lova, *approve, action_ts("2025-07-29"))["app_answer"]
    clean_stack.wait_quiet()
    doc = firestore.Client(project=clean_stack.project).document("employees/sigge").get().to_dict()
    assert doc["level"] == "senior_coach"
    (in_coaching,) = recognised(clean_stack, "#coaching")
    (in_general,) = recognised(clean_stack, "#general")
    assert f"<@{sigge}>" in in_coaching["text"] and in_coaching["text"] == in_general["text"]
    wait_for(
        lambda: [p for p in posts(clean_stack, channel_name="DM Sigge Strand") if "Senior Coach" in p["text"]],
        what="the DM to the new Senior Coach",
    )
    assert len(with_button(clean_stack, "DM Lova Lind", SENIOR_APPROVE)) == 1
