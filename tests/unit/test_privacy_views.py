"""Someone else's private data never appears: Anna's reflection text and her training request are
hers and (the request, her shared reflection's counts) her lead's. Each view and command that can
show them is asked by Anna's peer (Maja), by a lead who is not hers (Carl), and by her former lead
after she moved; none of their answers, nor the modals they open, carry her texts."""

from __future__ import annotations

import json

import pytest

from devplan.services import platform_events
from tests.unit.goal_support import event
from tests.unit.slack_forms_support import ANNA_SLACK, BO_SLACK, MAJA_SLACK
from tests.unit.test_lifecycle import CARL_SLACK, team

REFLECTION_TEXT, SHARED_TEXT, COURSE = "Privat: tvivlar på projektet", "Delat: bra sprint", "Kurs i förhandling"


@pytest.fixture
def t():
    t = team()
    for entry, text, visibility in (("r1", REFLECTION_TEXT, "private"), ("r2", SHARED_TEXT, "shared")):
        data = {"employeeId": "anna", "entryId": entry, "wentWell": text, "challenges": text, "visibility": visibility}
        platform_events.handle(event("journal.reflection_logged", data), t.store)
    request = {
        "employeeId": "anna",
        "requestId": "k1",
        "course": COURSE,
        "provider": "Kurs AB",
        "costSek": 9000,  # over the budget: Bo is asked, so it is in the audit trail and his DMs
        "requestedAt": "2025-04-08T09:00:00+02:00",
    }
    platform_events.handle(event("training.requested", request), t.store)
    return t


def shown(answer: object) -> str:
    return json.dumps(answer, ensure_ascii=False, default=str)


def leaks(text: str, *, course: bool = True) -> list[str]:
    secrets = [REFLECTION_TEXT, SHARED_TEXT] + ([COURSE] if course else [])
    return [s for s in secrets if s in text]


@pytest.mark.parametrize("asker", [MAJA_SLACK, CARL_SLACK, BO_SLACK])
def test_the_plan_shows_nobody_annas_texts(t, asker):
    assert leaks(shown(t.command(asker, ""))) == []


@pytest.mark.parametrize("asker", [MAJA_SLACK, CARL_SLACK])
def test_the_history_of_someone_you_do_not_lead_is_refused_and_shows_nothing(t, asker):
    answer = t.command(asker, f"historik <@{ANNA_SLACK}>")
    assert answer["outcome"] == "refused" and leaks(shown(answer)) == []


def test_her_lead_reads_her_history_with_the_request_but_never_a_reflection(t):
    answer = t.command(BO_SLACK, f"historik <@{ANNA_SLACK}>")
    assert answer["outcome"] == "shown" and COURSE in shown(answer)
    assert leaks(shown(answer), course=False) == []


def test_after_a_new_lead_the_former_lead_is_refused(t):
    platform_events.handle(event("employee.updated", {"employeeId": "anna", "leadId": "carl"}), t.store)
    assert t.command(BO_SLACK, f"historik <@{ANNA_SLACK}>")["outcome"] == "refused"
    assert t.command(CARL_SLACK, f"historik <@{ANNA_SLACK}>")["outcome"] == "shown"


@pytest.mark.parametrize("words", ["kurs", "reflektera", "mål"])
def test_the_forms_someone_else_opens_carry_none_of_her_texts(t, words):
    t.command(MAJA_SLACK, words)
    assert leaks(shown(t.last_view())) == []


def test_messages_about_her_reach_only_her_and_her_lead(t):
    for message in t.outbox().values():
        if leaks(shown(message)):
            assert set(message["users"]) <= {ANNA_SLACK, BO_SLACK}, message
    assert all(REFLECTION_TEXT not in shown(m) for m in t.outbox().values())  # a reflection is never sent
