"""Every automatic message of the cycle says why (a context line: the rule and the day, in the
reader's language), and "Inte nu" on the weekly reflection nudge skips the next one once."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from urllib.parse import quote

import pytest

from devplan.domain.calendar import Quarter
from devplan.domain.cycle import Action, CycleFacts, EmployeeFacts, due_actions
from devplan.domain.outbox import user_key
from devplan.domain.snooze import ALREADY_SNOOZED, SKIPPED, SNOOZED, Snooze, kind_of, snoozed, used, waiting_for
from devplan.errors import InvalidEvent
from devplan.messages.blocks import one_section
from devplan.messages.catalog import _catalog
from devplan.messages.dates import format_date
from devplan.messages.why import EXPLAINED, SNOOZE_ACTION, why_line, with_why
from devplan.services import quarterly_cycle, snooze
from devplan.services.cycle_actions import ACTIONS
from devplan.services.inputs import EmployeeChunk
from tests.fakes import InMemoryStore
from tests.unit.entry_support import client, slack_headers
from tests.unit.goal_support import person
from tests.unit.test_language import swedish_words

ISO_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
Q1 = Quarter(2025, 1)
SENT = date(2025, 3, 10)  # the Monday three weeks before Q1 ends: the first reflection nudge
ACTIONS_BY_KIND = {
    "open_quarter": Action("open_quarter", "open"),
    "goal_nudge": Action("goal_nudge", "goal-nudge:first", date(2025, 1, 21)),
    "goal_overdue": Action("goal_overdue", "goal-overdue:first", date(2025, 1, 21)),
    "review_reminder": Action("review_reminder", "review-reminder"),
    "review_escalation": Action("review_escalation", "review-escalation"),
    "reflection_nudge": Action("reflection_nudge", "reflection-nudge:2025-03-10"),
    "funding_reminder": Action("funding_reminder", "funding-reminder:app-1:3", date(2025, 5, 15)),
    "supervision_nudge": Action("supervision_nudge", "supervision-nudge:2025-03"),
    "quarter_digest": Action("quarter_digest", "quarter-digest"),
}


def test_every_kind_the_tick_sends_is_explained():
    assert set(EXPLAINED) == set(ACTIONS) - {"senior_coach_check", SKIPPED}  # the question to the lead has its evidence
    assert set(ACTIONS_BY_KIND) == set(EXPLAINED)


@pytest.mark.parametrize("kind", EXPLAINED)
@pytest.mark.parametrize("lang", ["sv", "en"])
def test_every_reminder_kind_has_a_context_line_naming_the_rule_and_the_day(kind, lang):
    action = ACTIONS_BY_KIND[kind]
    assert kind in _catalog(lang)["why"]
    line = why_line(lang, action, Q1, SENT)
    assert line.endswith(format_date(lang, SENT)) and not ISO_DAY.search(line) and "{" not in line
    if action.deadline:
        assert format_date(lang, action.deadline) in line
    assert bool(swedish_words(line)) == (lang == "sv"), line
    rendered = with_why(lang, one_section("Hej"), action, Q1, SENT, "anna")
    assert rendered.blocks[1] == {"type": "context", "elements": [{"type": "mrkdwn", "text": line}]}


def test_the_example_of_the_issue_reads_as_written():
    line = why_line("sv", ACTIONS_BY_KIND["goal_nudge"], Q1, date(2025, 1, 17))
    assert line.startswith("Påminnelse: målen ska vara satta senast den 21 januari 2025.")
    english = why_line("en", ACTIONS_BY_KIND["goal_nudge"], Q1, date(2025, 1, 17))
    assert english.startswith("Reminder: goals due by 21 January 2025.")


def test_only_the_reflection_nudge_has_inte_nu_and_its_value_names_the_reminder():
    for kind, action in ACTIONS_BY_KIND.items():
        blocks = with_why("sv", one_section("Hej"), action, Q1, SENT, "anna").blocks
        actions = [b for b in blocks if b["type"] == "actions"]
        if kind != "reflection_nudge":
            assert not actions, kind
            continue
        [block] = actions
        [button] = block["elements"]
        assert (button["action_id"], button["text"]["text"]) == (SNOOZE_ACTION, "Inte nu")
        assert snooze.read_value(button["value"]) == ("anna", Q1, "reflection-nudge:2025-03-10")


# The rules, pure.


def test_snoozing_the_same_reminder_twice_is_one_snooze():
    once, outcome = snoozed((), "reflection-nudge:2025-03-10", SENT)
    assert outcome == SNOOZED and once == (Snooze("reflection_nudge", "reflection-nudge:2025-03-10", SENT),)
    assert snoozed(once, "reflection-nudge:2025-03-10", SENT + timedelta(days=1)) == (once, ALREADY_SNOOZED)


def test_a_second_reminder_snoozed_while_one_waits_changes_nothing_and_a_used_one_is_not_reused():
    once, _ = snoozed((), "reflection-nudge:2025-03-10", SENT)
    assert snoozed(once, "reflection-nudge:2025-03-17", SENT) == (once, ALREADY_SNOOZED)
    spent = used(once, "reflection-nudge:2025-03-17")
    assert (
        spent[0].skipped == "reflection-nudge:2025-03-17" and waiting_for(spent, "reflection-nudge:2025-03-24") is None
    )
    assert snoozed(spent, "reflection-nudge:2025-03-10", SENT) == (spent, ALREADY_SNOOZED)  # a late double click
    again, outcome = snoozed(spent, "reflection-nudge:2025-03-24", date(2025, 3, 24))
    assert outcome == SNOOZED and waiting_for(again, "reflection-nudge:2025-03-31") is again[1]


def test_a_snooze_never_skips_the_reminder_it_was_made_on_and_a_late_click_skips_the_next_to_come():
    # The 17 March nudge went out before the person clicked "Inte nu" on the 10 March one.
    late, _ = snoozed((), "reflection-nudge:2025-03-10", date(2025, 3, 18))
    assert waiting_for(late, "reflection-nudge:2025-03-10") is None
    assert waiting_for(late, "reflection-nudge:2025-03-24") is late[0]
    assert used((), "reflection-nudge:2025-03-24") == ()


def test_only_a_reminder_that_comes_again_can_be_snoozed():
    assert kind_of("reflection-nudge:2025-03-10") == "reflection_nudge"
    for key in ("goal-nudge:first", "review-reminder", "supervision-nudge:2025-03", "funding-reminder:a:3"):
        assert kind_of(key) is None
        with pytest.raises(ValueError):
            snoozed((), key, SENT)
    for value in (
        "anna|2025-Q1|goal-nudge:first",
        "anna|Q1|reflection-nudge:2025-03-10",
        "|2025-Q1|reflection-nudge:x",
    ):
        with pytest.raises(InvalidEvent):
            snooze.read_value(value)


def test_the_cycle_turns_the_snoozed_reminder_into_a_skip_once():
    person = EmployeeFacts("anna", date(2025, 1, 7), has_lead=False)
    snoozes = snoozed((), "reflection-nudge:2025-03-10", SENT)[0]
    waiting = CycleFacts(opened_on=date(2025, 1, 2), snoozes=snoozes, done_keys=frozenset({"quarter-digest"}))
    [skipped] = due_actions(person, Q1, replace(waiting, last_reflection_nudge=SENT), date(2025, 3, 17))
    assert (skipped.kind, skipped.key) == (SKIPPED, "reflection-nudge:2025-03-17")
    spent = replace(waiting, snoozes=used(waiting.snoozes, skipped.key), last_reflection_nudge=date(2025, 3, 17))
    [sent] = due_actions(person, Q1, spent, date(2025, 3, 24))
    assert sent.kind == "reflection_nudge"


# Through the daily tick and the click.


def team(store: InMemoryStore, lang: str = "sv") -> InMemoryStore:
    store.set("employees/bo", {**person("Bo Joel Kvarnsmyr", "bo@innerjourney.se", "project_lead", None, "U_BO")})
    store.set(
        "employees/anna", {**person("Anna Lindqvist", "anna@ij.se", "developer", "bo", "U_ANNA"), "language": lang}
    )
    return store


def tick(store, day: date) -> None:
    quarterly_cycle.run_chunk(EmployeeChunk(day, ("anna",), f"tick-{day}"), store)


def nudges(store) -> list[str]:
    return sorted(
        k for k in store.collection("outbox") if k.startswith("reflection-nudge:") and k.endswith(":anna:2025-Q1")
    )


@pytest.mark.parametrize(("lang", "sent_on"), [("sv", " · Skickat den "), ("en", " · Sent ")])
def test_every_message_the_tick_sends_in_a_quarter_ends_with_its_reason(lang, sent_on):
    store = team(InMemoryStore(), lang)
    store.set("employees/bo", {**store.get("employees/bo"), "language": lang})
    day = date(2025, 4, 1)
    while day <= Quarter(2025, 2).end:
        tick(store, day)
        day += timedelta(days=1)
    sent = store.collection("outbox")
    kinds = {message_id.split(":")[0] for message_id in sent}
    assert kinds == {"review-invite", "goal-nudge", "goal-overdue", "review-reminder", "review-escalation",
                     "reflection-nudge"}  # fmt: skip
    for message_id, doc in sent.items():
        contexts = [b for b in doc["blocks"] if b["type"] == "context"]
        assert contexts and sent_on in contexts[-1]["elements"][0]["text"], message_id


def test_inte_nu_skips_the_next_reflection_nudge_once_then_they_come_weekly_again():
    store = team(InMemoryStore())
    tick(store, SENT)
    assert nudges(store) == ["reflection-nudge:2025-03-10:anna:2025-Q1"]
    value = "anna|2025-Q1|reflection-nudge:2025-03-10"
    assert snooze.snooze_click(store, value, "U_BO", SENT)["outcome"] == "not_yours"
    answer = snooze.snooze_click(store, value, "U_ANNA", SENT)
    assert answer["outcome"] == "snoozed" and "reflektionen" in answer["text"]
    assert snooze.snooze_click(store, value, "U_ANNA", SENT)["outcome"] == "already_snoozed"
    for day in (date(2025, 3, 17), date(2025, 3, 18), date(2025, 3, 21)):
        tick(store, day)
    assert nudges(store) == ["reflection-nudge:2025-03-10:anna:2025-Q1"]  # the 17th skipped, none on the 18th
    cycle = store.get("cycles/anna:2025-Q1")
    assert "reflection-nudge:2025-03-17" in cycle["done"]
    assert cycle["snoozes"] == [
        {"kind": "reflection_nudge", "reminderKey": value.split("|")[2], "on": "2025-03-10",
         "skipped": "reflection-nudge:2025-03-17"}
    ]  # fmt: skip
    tick(store, date(2025, 3, 24))
    assert nudges(store)[-1] == "reflection-nudge:2025-03-24:anna:2025-Q1"
    replies = [k for k in store.collection("outbox") if k.startswith("reply:snooze:")]
    assert sorted(replies) == sorted(
        f"reply:snooze:anna:reflection-nudge:2025-03-10:{outcome}:{user_key(user)}"
        for outcome, user in (("already_snoozed", "U_ANNA"), ("not_yours", "U_BO"), ("snoozed", "U_ANNA"))
    )


def test_the_inte_nu_click_through_the_entry_point(env):
    team(env.store, "en")
    tick(env.store, SENT)
    [nudge] = [v for k, v in env.store.collection("outbox").items() if k.startswith("reflection-nudge:")]
    [button] = [e for b in nudge["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert button["text"]["text"] == "Not now"
    clicked = datetime(2025, 3, 10, 13, tzinfo=UTC).timestamp()
    action = {"action_id": SNOOZE_ACTION, "value": button["value"], "type": "button", "action_ts": f"{clicked:.6f}"}
    payload = {"type": "block_actions", "user": {"id": "U_ANNA"}, "actions": [action], "trigger_id": "1.2.x"}
    body = ("payload=" + quote(json.dumps(payload))).encode()
    form = "application/x-www-form-urlencoded"
    response = client("slack_events").post("/", data=body, headers=slack_headers(body, env.now, form))
    assert response.status_code == 200 and response.get_json()["outcome"] == "snoozed"
    assert "skipped once" in response.get_json()["text"]
    assert env.store.get("cycles/anna:2025-Q1")["snoozes"][0]["on"] == "2025-03-10"  # the click's day, Slack's
    malformed = {**action, "value": "anna|2025-Q1|goal-nudge:first"}
    body = ("payload=" + quote(json.dumps({**payload, "actions": [malformed]}))).encode()
    refused = client("slack_events").post("/", data=body, headers=slack_headers(body, env.now, form))
    assert refused.status_code == 400
