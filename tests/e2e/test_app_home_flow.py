"""App Home on the whole local stack: opening the Home tab (Slack's signed app_home_opened from
the stand-in) publishes the person's plan through the outbox trigger; the lead's Home shows the
team; a reflection logged afterwards refreshes the Home by itself (it was opened), its text never
shown."""

import json
from datetime import UTC, datetime

import pytest

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
