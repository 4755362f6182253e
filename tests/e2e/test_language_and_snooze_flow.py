"""An English-locale person on the whole local stack: Slack's locale read once when the account is
found (users.info include_locale), the welcome and the reflection nudge in English with the
reason under it, and "Not now" on the nudge skipping the next one once."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from google.cloud import firestore

from devplan_tools.local import platform_client
from tests.conftest import posts, wait_for
from tests.e2e.test_onboarding_flow import ANNA, BO, send_signed

pytestmark = pytest.mark.e2e
# Her own person: the stand-in keeps its users (and their locale) for the whole run, and other
# files wait for Anna's Swedish welcome.
EMMA = {**ANNA, "employeeId": "emma", "name": "Emma Wilson", "email": "emma.wilson@innerjourney.se"}
DM_EMMA = "DM Emma Wilson"


def tick(stack, day: date) -> None:
    stack.tick(day)
    stack.wait_quiet(settle=1.0)


def nudges_to_emma(stack) -> list[dict]:
    return [p for p in posts(stack, channel_name=DM_EMMA) if (p["text"] or "").startswith("📝 Hi Emma")]


def test_an_english_locale_person_reads_english_and_not_now_skips_the_next_nudge(clean_stack):
    stack = clean_stack
    stack.stand_in.add_user(BO["email"], BO["name"])  # the stand-in's Swedish workspace default
    emma = stack.stand_in.add_user(EMMA["email"], EMMA["name"], locale="en-US")["user"]["id"]
    for person in (BO, EMMA):
        body = platform_client.envelope("employee.onboarded", person, event_id=f"evt-{person['employeeId']}")
        assert send_signed(stack, body).status_code == 200
    [welcome] = wait_for(
        lambda: [p for p in posts(stack, channel_name=DM_EMMA) if p["text"].startswith("Welcome")], what="welcome"
    )
    stack.wait_quiet()
    record = firestore.Client(project=stack.project).document("employees/emma").get().to_dict()
    assert (record["language"], record["languageFrom"]) == ("en", "slack")
    asked = [c for c in stack.stand_in.calls() if c["method"] == "users.info" and c["args"].get("user") == emma]
    assert len(asked) == 1 and asked[0]["args"].get("include_locale") is True
    assert "Välkommen" not in str(welcome["args"]["blocks"])
    assert any(p["text"].startswith("Välkommen") for p in posts(stack, channel_name="DM Bo Joel Kvarnsmyr"))

    tick(stack, date(2025, 3, 10))  # three weeks before Q1 ends: the first reflection nudge
    [nudge] = wait_for(lambda: nudges_to_emma(stack), what="reflection nudge")
    reason = str(nudge["args"]["blocks"])
    assert "Reminder: no reflection logged in Q1 2025" in reason and "Sent 10 March 2025" in reason
    clicked = datetime(2025, 3, 10, 14, tzinfo=UTC).timestamp()
    answer = stack.client().click(emma, nudge["channel"], nudge["ts"], "reminder_snooze", f"{clicked:.6f}")
    assert answer["ok"], answer
    wait_for(lambda: [p for p in posts(stack, channel_name=DM_EMMA) if "skipped once" in p["text"]], what="answer")

    tick(stack, date(2025, 3, 17))  # skipped
    assert len(nudges_to_emma(stack)) == 1
    tick(stack, date(2025, 3, 24))  # a week later, as before
    wait_for(lambda: len(nudges_to_emma(stack)) == 2, what="the nudge after the skipped one")
    cycle = firestore.Client(project=stack.project).document("cycles/emma:2025-Q1").get().to_dict()
    assert cycle["snoozes"][0]["skipped"] == "reflection-nudge:2025-03-17"
