"""Someone offboarded and onboarded again: a new record (a new platform id) with the same Slack
account. The plan answers them from the active record; the old one only when it is all there is."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime

from devplan.services import home, platform_events
from tests.unit.goal_support import event
from tests.unit.slack_forms_support import ANNA_SLACK, BO_SLACK, Team


def rehired() -> Team:
    """Anna left; a year later she is back as `anna2` (users.lookupByEmail: the same Slack id).
    The old record is the first the query finds."""
    t = Team()
    platform_events.handle(event("employee.offboarded", {"employeeId": "anna"}), t.store)
    doc = copy.deepcopy(t.store.docs["employees/anna"])
    doc.update(status="active", name="Anna Lindqvist")
    doc.pop("lifecycle", None)
    t.store.docs["employees/anna2"] = doc
    return t


def test_the_slack_account_of_someone_rehired_is_their_active_record():
    t = rehired()
    assert t.store.employee_with_slack_user(ANNA_SLACK).employee_id == "anna2"
    view = str(home.view_for(t.store, ANNA_SLACK, date(2025, 4, 10)))
    assert "Anna Lindqvist" in view and "avslutad" not in view


def test_someone_rehired_acts_on_their_new_record():
    t = rehired()
    answer = t.command(ANNA_SLACK, "ledig 2025-07-01 2025-07-31")
    assert answer["outcome"] == "recorded"
    assert t.store.docs["employees/anna2"].get("timeOff") and not t.store.docs["employees/anna"].get("timeOff")


def test_an_offboarded_record_still_answers_when_it_is_the_only_one():
    t = Team()
    platform_events.handle(event("employee.offboarded", {"employeeId": "anna"}), t.store)
    assert t.store.employee_with_slack_user(ANNA_SLACK).employee_id == "anna"
    assert "avslutad" in str(home.view_for(t.store, ANNA_SLACK, date(2025, 4, 10)))


def test_a_home_message_about_the_old_record_shows_the_active_plan():
    """Messages queued about the old record (a member leaving the lead's old team) publish to the
    same Slack account: its Home is the active record's."""
    t = rehired()
    view = str(home.view_for(t.store, ANNA_SLACK, date(2025, 4, 10), "anna"))
    assert "Anna Lindqvist" in view and "avslutad" not in view


def test_a_member_moving_to_a_rehired_lead_refreshes_only_the_leads_active_home():
    t = Team()
    t.store.docs["employees/bo"]["slack"]["homeOpened"] = True
    platform_events.handle(event("employee.offboarded", {"employeeId": "bo"}), t.store)
    doc = copy.deepcopy(t.store.docs["employees/bo"])
    doc.update(status="active")
    doc.pop("lifecycle", None)
    t.store.docs["employees/bo2"] = doc
    t.store.now = datetime(2025, 5, 2, 7, 0, tzinfo=UTC)
    before = set(t.store.collection("outbox"))
    moved = event("employee.updated", {"employeeId": "anna", "leadId": "bo2"}, at="2025-05-02T09:00:00+02:00")
    assert platform_events.handle(moved, t.store) == "updated"
    new = [v for k, v in t.store.collection("outbox").items() if k not in before and v.get("kind") == "home"]
    assert [v.get("about") for v in new if BO_SLACK in v["users"]] == [["bo2"]]
