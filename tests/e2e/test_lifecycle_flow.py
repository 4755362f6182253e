"""The employee lifecycle and privacy on the whole local stack: a new lead gets this quarter's 1:1
invite with the person (and next quarter's); someone offboarded gets no invite or reminder and a
cancelled message is never sent; `devplan export|erase` on the running stack."""

import json
from datetime import UTC, date, datetime

import pytest
from google.cloud import firestore

from devplan_tools.local import platform_client
from tests.conftest import posts
from tests.e2e.test_onboarding_flow import onboard_team, send_signed
from tests.e2e.test_operations import devplan  # noqa: F401  (the fixture: the CLI on this stack)
from tests.people import ANNA, BO

pytestmark = pytest.mark.e2e
# People of their own: the stand-in keeps channel members between tests, and test_onboarding_flow
# counts the invites of Bo and Anna.
LISA = {**BO, "employeeId": "lisa", "name": "Lisa Lindgren", "email": "lisa.lindgren@innerjourney.se"}
CARL = {**BO, "employeeId": "carl", "name": "Carl Ek", "email": "carl@innerjourney.se"}
NILS = {**ANNA, "employeeId": "nils", "name": "Nils Nyberg", "email": "nils@innerjourney.se", "leadId": "lisa"}


def db(stack):
    return firestore.Client(project=stack.project)


def tick(stack, day):
    stack.tick(day)
    stack.wait_quiet(settle=1.0)


def send(stack, kind, data, event_id, at="2025-04-08T09:00:00+02:00"):
    body = platform_client.envelope(kind, data, event_id=event_id, occurred_at=datetime.fromisoformat(at))
    response = send_signed(stack, body)
    assert response.status_code == 200, response.text
    stack.wait_quiet(settle=1.0)
    return response.json()


def groups(stack, *names):
    wanted = set(names)
    return [
        p
        for p in posts(stack)
        if (p["channel_name"] or "").startswith("group DM ")
        and set(p["channel_name"].removeprefix("group DM ").split(", ")) == wanted
    ]


def to_nils(stack):
    """Posts in his DM or any group DM with him (Lisa's own goal reminders go on)."""
    return [p for p in posts(stack) if "Nils Nyberg" in (p["channel_name"] or "")]


def test_a_new_lead_gets_this_quarters_1_1_with_the_person_and_the_next_one(clean_stack):
    onboard_team(clean_stack, LISA, CARL, NILS)
    clean_stack.wait_quiet()
    tick(clean_stack, date(2025, 4, 1))
    assert len(groups(clean_stack, "Nils Nyberg", "Lisa Lindgren")) == 1
    assert (
        send(clean_stack, "employee.updated", {"employeeId": "nils", "leadId": "carl"}, "upd-1")["status"] == "updated"
    )
    moved = groups(clean_stack, "Nils Nyberg", "Carl Ek")
    assert len(moved) == 1 and "Carl Ek" in moved[0]["text"]
    assert any("Nils Nyberg" in p["text"] for p in posts(clean_stack, channel_name="DM Carl Ek"))
    # The same event again, and an older one: nothing more.
    assert send(clean_stack, "employee.updated", {"employeeId": "nils", "leadId": "carl"}, "upd-1")["status"] == (
        "duplicate"
    )
    older = send(
        clean_stack, "employee.updated", {"employeeId": "nils", "leadId": "lisa"}, "upd-0", "2025-04-07T09:00:00+02:00"
    )
    assert older["status"] == "stale"
    tick(clean_stack, date(2025, 7, 1))
    assert len(groups(clean_stack, "Nils Nyberg", "Carl Ek")) == 2
    assert len(groups(clean_stack, "Nils Nyberg", "Lisa Lindgren")) == 1


def test_someone_offboarded_gets_no_invite_and_a_cancelled_message_is_never_sent(clean_stack):
    onboard_team(clean_stack, LISA, NILS)
    clean_stack.wait_quiet()
    assert send(clean_stack, "employee.offboarded", {"employeeId": "nils"}, "off-1")["status"] == "offboarded"
    before = len(to_nils(clean_stack))
    tick(clean_stack, date(2025, 4, 1))
    assert groups(clean_stack, "Nils Nyberg", "Lisa Lindgren") == []
    tick(clean_stack, date(2025, 4, 15))  # the 1:1 reminder's day, had she been invited
    late = send(
        clean_stack, "journal.reflection_logged", {"employeeId": "nils", "entryId": "r1", "wentWell": "x"}, "late"
    )
    assert late["status"] == "offboarded"
    # A message the offboarding cancelled (its trigger fires on the write): the sender leaves it.
    slack_id = db(clean_stack).document("employees/nils").get().to_dict()["slack"]["userId"]
    db(clean_stack).document("outbox/reminder-cancelled").set(
        {
            "kind": "message",
            "users": [slack_id],
            "text": "Påminnelse",
            "blocks": [],
            "state": "cancelled",
            "attempts": 0,
            "createdAt": datetime(2025, 4, 2, tzinfo=UTC),
        }
    )
    clean_stack.wait_quiet(settle=1.0)
    assert len(to_nils(clean_stack)) == before
    assert db(clean_stack).document("outbox/reminder-cancelled").get().to_dict()["state"] == "cancelled"


def test_export_and_erase_with_the_cli_on_the_running_stack(clean_stack, devplan):  # noqa: F811
    onboard_team(clean_stack, LISA, NILS)
    clean_stack.wait_quiet()
    reflection = {
        "employeeId": "nils",
        "entryId": "r1",
        "wentWell": "Bra",
        "challenges": "Hemligt",
        "visibility": "shared",
    }
    send(clean_stack, "journal.reflection_logged", reflection, "refl-1")
    code, out = devplan("export", "--employee", "nils")
    exported = json.loads(out)
    assert code == 0 and exported["sections"]["employee"]["employees/nils"]["name"] == "Nils Nyberg"
    assert exported["sections"]["reflections"]["employees/nils/reflections/r1"]["challenges"] == "Hemligt"
    assert exported["counts"]["outbox"] >= 1  # her welcome
    code, out = devplan("erase", "--employee", "nils")
    assert code == 0 and "erased" in out
    code, out = devplan("erase", "--employee", "nils")
    assert code == 0 and "already" in out
    code, out = devplan("export", "--employee", "nils")
    assert code == 0 and "Hemligt" not in out and "Nils Nyberg" not in out and "nils@innerjourney.se" not in out
    assert devplan("export", "--employee", "nobody")[0] == 1
    assert devplan("erase", "--employee", "nobody")[0] == 1
