"""The training wallet and a funding application on the whole local stack: signed webhooks →
Firestore → outbox → sender → the Slack stand-in, and the lead's click back through Slack. A
course within the budget is recorded and the person told what is left; one over it goes to the
lead, who approves the increase (the person's own click is refused); an application submitted
and granted is posted once in #general and once in #finance however often it is delivered."""

from __future__ import annotations

import pytest
from google.cloud import firestore

from devplan_tools.local import platform_client
from tests.conftest import posts, wait_for
from tests.e2e.test_goals_in_slack_flow import action_ts, button_value, with_button
from tests.e2e.test_onboarding_flow import onboard_team, send_signed
from tests.people import ANNA, BO

pytestmark = pytest.mark.e2e

# People of their own: the stand-in keeps users and channel members between tests.
LEAD = {**BO, "employeeId": "lisa", "name": "Lisa Ledare", "email": "lisa@innerjourney.se"}
DEV = {**ANNA, "employeeId": "dan", "name": "Dan Utvecklare", "email": "dan@innerjourney.se", "leadId": "lisa"}
FUNDER = {
    **ANNA,
    "employeeId": "fia",
    "name": "Fia Finansiering",
    "email": "fia@innerjourney.se",
    "role": "funding_manager",
    "leadId": "lisa",
}


def send(stack, kind: str, data: dict, event_id: str) -> str:
    response = send_signed(stack, platform_client.envelope(kind, data, event_id=event_id))
    assert response.status_code == 200, response.text
    return response.json()["status"]


def course(request_id: str, cost: int) -> dict:
    return {
        "employeeId": "dan",
        "requestId": request_id,
        "course": f"Kurs {request_id}",
        "provider": "Kurs AB",
        "costSek": cost,
        "requestedAt": "2025-04-08T09:00:00+02:00",
    }


def test_a_course_within_the_budget_and_one_over_it_approved_by_the_lead(clean_stack):
    onboard_team(clean_stack, LEAD, DEV)
    assert send(clean_stack, "training.requested", course("r1", 4200), "evt-r1") == "recorded"
    told = wait_for(
        lambda: [p for p in posts(clean_stack, channel_name="DM Dan Utvecklare") if "Kvar i år" in p["text"]],
        what="what is left",
    )
    assert "800" in told[0]["text"]
    assert send(clean_stack, "training.requested", course("r2", 1000), "evt-r2") == "over_budget"
    (ask,) = wait_for(lambda: with_button(clean_stack, "DM Lisa Ledare", "wallet_approve"), what="the lead's question")
    client, users = clean_stack.client(), {u["real_name"]: u["id"] for u in clean_stack.client().slack_users()}
    clicked = (ask["channel"], ask["ts"], "wallet_approve")
    own = client.click(users["Dan Utvecklare"], *clicked, action_ts("2025-04-09"), anyone=True)
    assert '"own_request"' in own["app_answer"]
    approved = client.click(
        users["Lisa Ledare"], *clicked, action_ts("2025-04-09"), value=button_value(ask, "wallet_approve")
    )
    assert '"approved"' in approved["app_answer"]
    clean_stack.wait_quiet()
    wallet = firestore.Client(project=clean_stack.project).document("employees/dan/wallets/2025").get().to_dict()
    assert (wallet["budgetSek"], wallet["usedSek"]) == (5200, 5200)
    audit = firestore.Client(project=clean_stack.project).collection("audit").stream()
    assert {d.id for d in audit} >= {"training-request:dan:r1", "training-request:dan:r2", "training-decision:dan:r2"}


def application(status: str, at: str) -> dict:
    return {
        "employeeId": "fia",
        "applicationId": "vinnova-2025",
        "funder": "Vinnova",
        "programme": "Innovationsprojekt",
        "amountSek": 465865,
        "deadline": "2025-05-30",
        "status": status,
        "updatedAt": at,
    }


def test_an_application_submitted_and_granted_is_posted_once_in_general_and_finance(clean_stack):
    onboard_team(clean_stack, LEAD, FUNDER)
    submitted = application("submitted", "2025-05-20T10:00:00+02:00")
    assert send(clean_stack, "funding.application_updated", submitted, "evt-submitted") == "updated"
    granted = application("granted", "2025-06-10T10:00:00+02:00")
    assert send(clean_stack, "funding.application_updated", granted, "evt-granted") == "granted"
    draft = application("draft", "2025-04-20T10:00:00+02:00")  # delivered late: older than what is kept
    assert send(clean_stack, "funding.application_updated", draft, "evt-draft") == "stale"
    assert send(clean_stack, "funding.application_updated", granted, "evt-granted-again") == "duplicate"
    for channel in ("#general", "#finance"):
        wait_for(
            lambda c=channel: [p for p in posts(clean_stack, channel_name=c) if "Vinnova" in p["text"]], what=channel
        )
    clean_stack.wait_quiet()
    for channel in ("#general", "#finance"):
        grants = [p for p in posts(clean_stack, channel_name=channel) if "Vinnova" in p["text"]]
        assert len(grants) == 1 and "465" in grants[0]["text"]
    tally = firestore.Client(project=clean_stack.project).document("employees/fia/tallies/funding_sek").get().to_dict()
    assert tally["total"] == 465865
    assert with_button(clean_stack, "DM Lisa Ledare", "funding_larger_approve")  # one grant: the lead is asked


def test_a_course_requested_in_the_slack_modal_is_recorded_and_told(clean_stack):
    onboard_team(clean_stack, LEAD, DEV)
    client, users = clean_stack.client(), {u["real_name"]: u["id"] for u in clean_stack.client().slack_users()}
    dan = users["Dan Utvecklare"]
    assert client.command(dan, "kurs")["app_status"] == 200
    values = {"course": "Säker molnarkitektur", "provider": "Kurs AB", "cost": "abc"}
    bad = client.submit_view(dan, "wallet_form", values, {"on": "2025-04-08"})
    assert '"cost"' in bad["app_answer"]  # named under the field, the modal stays open
    good = client.submit_view(dan, "wallet_form", {**values, "cost": "3 000"}, {"on": "2025-04-08"})
    assert good["app_status"] == 200 and good["app_answer"] == ""
    wait_for(
        lambda: [
            p for p in posts(clean_stack, channel_name="DM Dan Utvecklare") if "Säker molnarkitektur" in p["text"]
        ],
        what="the answer to the modal",
    )
    wallet = firestore.Client(project=clean_stack.project).document("employees/dan/wallets/2025").get().to_dict()
    assert wallet["usedSek"] == 3000
