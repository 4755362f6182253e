"""A developer made technical lead on the whole local stack: the lead types `/utveckling utse
@person <delprojekt>` in Slack (a colleague's try is refused), the person gets one DM and #dev
one post however often it is typed, and `/utveckling historik` shows it to the person."""

import json

import pytest
from google.cloud import firestore

from tests.conftest import posts, wait_for
from tests.e2e.test_onboarding_flow import ANNA, BO, onboard_team

pytestmark = pytest.mark.e2e
# People of their own: the stand-in's workspace outlives a test (see test_goals_in_slack_flow).
LENA = {**BO, "employeeId": "lena", "name": "Lena Sund", "email": "lena.sund@innerjourney.se"}
DANA = {
    **ANNA,
    "employeeId": "dana",
    "name": "Dana Ek",
    "email": "dana.ek@innerjourney.se",
    "role": "developer",
    "leadId": "lena",
}
OLLE = {**DANA, "employeeId": "olle", "name": "Olle Ström", "email": "olle.strom@innerjourney.se"}


def answer(reply: dict) -> dict:
    assert reply["app_status"] == 200, reply
    return json.loads(reply["app_answer"])


def test_a_nomination_in_slack_is_recorded_recognised_once_and_in_the_history(clean_stack):
    onboard_team(clean_stack, LENA, DANA, OLLE)
    clean_stack.wait_quiet()
    client = clean_stack.client()
    users = {u["real_name"]: u["id"] for u in client.slack_users()}
    lena, dana, olle = users["Lena Sund"], users["Dana Ek"], users["Olle Ström"]

    refused = answer(client.command(olle, f"utse <@{dana}|dana> VedAstro API"))
    assert refused["outcome"] == "not_yours" and "Bara Dana Eks närmaste chef" in refused["text"]
    done = answer(client.command(lena, f"utse <@{dana}|dana> VedAstro API"))
    assert done["outcome"] == "assigned" and "Underlag" in done["text"]
    again = answer(client.command(lena, f"utse <@{dana}> VedAstro API"))
    assert again["outcome"] == "already_assigned"
    clean_stack.wait_quiet()

    (post,) = wait_for(lambda: posts(clean_stack, channel_name="#dev"), what="the #dev post")
    assert f"<@{dana}>" in post["text"] and "VedAstro API" in post["text"]
    told = [p for p in posts(clean_stack, channel_name="DM Dana Ek") if "teknisk ledare" in p["text"]]
    assert len(told) == 1 and "Lena Sund har utsett dig" in told[0]["text"]
    doc = firestore.Client(project=clean_stack.project).document("employees/dana").get().to_dict()
    assert doc["responsibilities"] == ["Teknisk ledare: VedAstro API"]

    history = answer(client.command(dana, "historik"))
    assert "Lena Sund utsåg till teknisk ledare för VedAstro API" in history["text"]
    assert answer(client.command(olle, f"historik <@{dana}>"))["outcome"] == "refused"
    assert "Ansvar: Teknisk ledare: VedAstro API" in answer(client.command(dana, ""))["text"]
