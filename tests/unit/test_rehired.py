"""Someone offboarded and onboarded again: a new record (a new platform id) with the same Slack
account. The plan answers them from the active record; the old one only when it is all there is."""

from __future__ import annotations

import copy
from datetime import date

from devplan.services import home, platform_events
from tests.unit.goal_support import event
from tests.unit.slack_forms_support import ANNA_SLACK, Team


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
