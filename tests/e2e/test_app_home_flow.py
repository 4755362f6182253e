"""App Home on the whole local stack: opening the Home tab (Slack's signed app_home_opened from
the stand-in) publishes the person's plan through the outbox trigger; the lead's Home shows the
team; a reflection logged afterwards refreshes the Home by itself (it was opened), its text never
shown. Ledig on the Home opens the time-off modal; the period booked shows on the Home, and
Avboka takes it away again."""

import json
from datetime import UTC, datetime

import pytest
from google.cloud import firestore

from devplan_tools.local import platform_client
from tests.conftest import wait_for
from tests.e2e.test_onboarding_flow import ANNA, BO, onboard_team, send_signed

pytestmark = pytest.mark.e2e
# People of their own: the stand-in's workspace outlives a test (see test_goals_in_slack_flow).
LEAD = {**BO, "employeeId": "hanna", "name": "Hanna Lund", "email": "hanna.lund@innerjourney.se"}
PERSON = {
    **ANNA,
    "employeeId": "sixten",
    "name": "Sixten Ros",
    "email": "sixten.ros@innerjourney.se",
    "leadId": "hanna",
}
OPENED = f"{datetime(2025, 5, 6, 8, tzinfo=UTC).timestamp():.6f}"  # a simulated day in Q2 2025
SECRET = "Bara för mig: det här går inte att visa någon annan."


def shown(view) -> str:
    return json.dumps(view, ensure_ascii=False) if view else ""


def test_opening_home_publishes_the_plan_and_a_change_refreshes_it(clean_stack):
    onboard_team(clean_stack, LEAD, PERSON)
    clean_stack.wait_quiet()
    client = clean_stack.client()
    users = {u["real_name"]: u["id"] for u in client.slack_users()}
    person, lead = users["Sixten Ros"], users["Hanna Lund"]

    assert client.open_home(person, OPENED)["app_status"] == 200
    view = wait_for(lambda: client.home(person), what="Sixten's Home published")
    assert "Din utvecklingsplan, Sixten Ros" in shown(view) and "Inga mål för Q2 2025 ännu" in shown(view)

    assert client.open_home(lead, OPENED)["app_status"] == 200
    team = wait_for(lambda: "Ditt team" in shown(client.home(lead)) and client.home(lead), what="Hanna's Home")
    assert "*Sixten Ros* · " in shown(team)

    body = platform_client.envelope(
        "journal.reflection_logged",
        {"employeeId": "sixten", "entryId": "j-home", "occurredAt": "2025-05-06T09:00:00Z", "wentWell": SECRET},
        event_id="evt-home-reflection",
    )
    assert send_signed(clean_stack, body).status_code == 200
    refreshed = wait_for(lambda: "1 st, den senaste den 6 maj 2025" in shown(client.home(person)), what="refresh")
    assert refreshed
    clean_stack.wait_quiet()
    assert SECRET not in shown(client.home(person)) and SECRET not in shown(client.home(lead))


# Time off from App Home: people of their own again (nobody else books time off for them).
AWAY_LEAD = {**BO, "employeeId": "greta", "name": "Greta Holm", "email": "greta.holm@innerjourney.se"}
AWAY_PERSON = {
    **ANNA,
    "employeeId": "vilma",
    "name": "Vilma Strand",
    "email": "vilma.strand@innerjourney.se",
    "leadId": "greta",
}
JULY = {"from": "2025-07-01", "to": "2025-07-31", "kind": "vacation"}


def test_ledig_on_home_opens_the_modal_and_the_booked_period_shows_on_home(clean_stack):
    onboard_team(clean_stack, AWAY_LEAD, AWAY_PERSON)
    clean_stack.wait_quiet()
    client = clean_stack.client()
    users = {u["real_name"]: u["id"] for u in client.slack_users()}
    person, lead = users["Vilma Strand"], users["Greta Holm"]
    assert client.open_home(person, OPENED)["app_status"] == 200
    assert client.open_home(lead, OPENED)["app_status"] == 200
    wait_for(lambda: "Ledig – pausa planen" in shown(client.home(person)), what="Vilma's Home with Ledig")

    clicked = client.click_home(person, "time_off_open", OPENED)
    assert clicked["app_status"] == 200 and '"opened": true' in clicked["app_answer"]
    refused = client.submit_view(person, "time_off_form", {**JULY, "from": "2025-08-01"})
    assert json.loads(refused["app_answer"])["errors"] == {"to": "Slutdatumet kan inte vara före startdatumet."}
    booked = client.submit_view(person, "time_off_form", JULY)
    assert booked["app_status"] == 200 and booked["app_answer"] == ""

    period = "Ledig 1–31 juli 2025 (semester)"
    wait_for(lambda: period in shown(client.home(person)), what="the period on Vilma's Home")
    db = firestore.Client(project=clean_stack.project)
    [stored] = db.document("employees/vilma").get().to_dict()["timeOff"]["periods"]
    assert (stored["from"], stored["to"]) == ("2025-07-01", "2025-07-31")

    # Avboka on the Home: the period gone, the Home refreshed by itself.
    cancelled = client.click_home(person, "time_off_cancel", OPENED)
    assert '"cancelled"' in cancelled["app_answer"]
    wait_for(lambda: "Ingen ledighet inlagd" in shown(client.home(person)), what="the period gone from the Home")
