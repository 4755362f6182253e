"""App Home over real HTTP: the product's Slack adapter publishes rendered Home views to the
stand-in, which checks them against Block Kit's limits as Slack does and records them."""

from __future__ import annotations

from datetime import date

import pytest

from devplan.adapters.slack import SlackGateway, web_client
from devplan.domain.calendar import Quarter
from devplan.domain.cycle_record import INVITED, CycleRecord, Review
from devplan.domain.employees import Employee
from devplan.errors import PermanentError
from devplan.messages.home import HomeFacts, home_view
from devplan.messages.home_team import MemberFacts
from devplan.messages.status import PlanFacts
from devplan_tools.stand_in import SlackStandIn

pytestmark = pytest.mark.integration
Q2, TODAY = Quarter(2025, 2), date(2025, 5, 5)


@pytest.fixture(scope="module")
def stand_in():
    with SlackStandIn() as running:
        yield running


def big_team_home() -> dict:
    team = tuple(
        MemberFacts(
            Employee(f"m{i}", f"Person {i:03d}", f"m{i}@ij.se", "developer", "lead", date(2025, 1, 7)),
            CycleRecord(f"m{i}", Q2, review=Review(status=INVITED, invited_on=TODAY)),
        )
        for i in range(250)
    )
    lead = Employee("lead", "Bo Joel Kvarnsmyr", "bo@ij.se", "project_lead", None, date(2025, 1, 2))
    return home_view("sv", HomeFacts(PlanFacts(lead, None, TODAY, None, False), None, team))


def test_a_published_home_is_recorded_and_a_republish_replaces_it(stand_in):
    user = stand_in.add_user("bo@ij.se", "Bo Joel Kvarnsmyr")["user"]["id"]
    gateway = SlackGateway(web_client(f"{stand_in.url}/api/", stand_in.bot_token))
    view = big_team_home()
    gateway.publish_home(user, view)
    shown = stand_in.workspace.home(user)
    assert shown is not None and shown["type"] == "home" and shown["blocks"] == view["blocks"]
    assert len(shown["blocks"]) <= 100
    gateway.publish_home(user, {"type": "home", "blocks": view["blocks"][:3]})
    again = stand_in.workspace.home(user)
    assert again["id"] == shown["id"] and len(again["blocks"]) == 3  # one Home tab per user
    assert [c["method"] for c in stand_in.calls()].count("views.publish") >= 2


def test_a_view_over_slacks_limits_is_refused_for_good(stand_in):
    user = stand_in.add_user("anna@ij.se", "Anna Svensson")["user"]["id"]
    gateway = SlackGateway(web_client(f"{stand_in.url}/api/", stand_in.bot_token))
    section = {"type": "section", "text": {"type": "mrkdwn", "text": "rad"}}
    with pytest.raises(PermanentError, match="invalid_arguments"):
        gateway.publish_home(user, {"type": "home", "blocks": [section] * 101})
    with pytest.raises(PermanentError, match="invalid_arguments"):
        gateway.publish_home(
            user, {"type": "home", "blocks": [{**section, "text": {"type": "mrkdwn", "text": "x" * 3001}}]}
        )
    assert stand_in.workspace.home(user) is None  # nothing of a refused view is shown
