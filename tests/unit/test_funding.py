"""Funding applications: the newest state wins under duplicates and reordering; reminders 14 and
3 days before a draft's deadline through the daily tick, once each, none after submission; a
grant recognised once in #general and #finance and counted once on the funding tally (also with
a `funding.granted` about the same application); the lead asked about larger programmes, and
only the lead answers."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest

from devplan.domain.calendar import STOCKHOLM
from devplan.domain.funding import DRAFT, LARGER_PROGRAMMES, SUBMITTED, Application, FundingBook
from devplan.domain.metrics import FUNDING_SEK
from devplan.errors import InvalidEvent
from devplan.messages.funding import FUNDING_LARGER_APPROVE, FUNDING_LARGER_NOT_YET
from devplan.services import platform_events, quarterly_cycle
from devplan.services.inputs import EmployeeChunk, SlackRequest
from devplan.services.slack_routes import route, routes
from tests.fakes import FakeSlack
from tests.unit.goal_support import event, give_goals, live_goal, workspace

DEADLINE = date(2025, 5, 30)
TALLY = "employees/erik/tallies/funding_sek"


def update(state: str, at: str, /, *, app: str = "vinnova-1", **more: Any):
    data = {
        "employeeId": "erik",
        "applicationId": app,
        "funder": "Vinnova",
        "programme": "Innovationsprojekt",
        "amountSek": 465865,
        "deadline": DEADLINE.isoformat(),
        "status": state,
        "updatedAt": f"2025-{at}T10:00:00+02:00",
        **more,
    }
    return event("funding.application_updated", data)


def handle(store, *events, grants: int = 1) -> list[str]:
    return [platform_events.handle(e, store, funding_grants_for_larger=grants) for e in events]


def outbox(store, prefix: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in store.collection("outbox").items() if k.startswith(prefix)}


def application(store) -> dict[str, Any]:
    (found,) = store.docs["employees/erik"]["funding"]["applications"]
    return found


# --- reminders -----------------------------------------------------------------------------------


def _book(status: str, reminded: frozenset[int] = frozenset()) -> FundingBook:
    at = datetime(2025, 4, 1, tzinfo=STOCKHOLM)
    app = Application("a1", "Vinnova", "P", 1, DEADLINE, status, at, reminded=reminded)
    return FundingBook({"a1": app})


@pytest.mark.parametrize(
    "today, due",
    [
        (DEADLINE - timedelta(days=15), []),
        (DEADLINE - timedelta(days=14), [14]),
        (DEADLINE - timedelta(days=4), [14]),  # a late 14-day reminder, still before the 3-day window
        (DEADLINE - timedelta(days=3), [3]),
        (DEADLINE, [3]),
        (DEADLINE + timedelta(days=1), []),
    ],
)
def test_a_draft_is_reminded_14_and_3_days_before_its_deadline(today, due):
    assert [r.days for r in _book(DRAFT).reminders_due(today)] == due
    assert _book(DRAFT, frozenset(due)).reminders_due(today) == []  # once each
    assert _book(SUBMITTED).reminders_due(today) == []


def tick(store, day: date):
    return quarterly_cycle.run_chunk(EmployeeChunk(day, ("erik",), f"m-{day}"), store)


def test_the_tick_reminds_a_draft_once_per_reminder_and_not_after_submission():
    store = workspace()
    handle(store, update("draft", "04-20", app="a-draft"), update("draft", "04-20", app="a-sent"))
    handle(store, update("submitted", "05-02", app="a-sent"))
    for day in (date(2025, 5, 15), date(2025, 5, 16), date(2025, 5, 19), date(2025, 5, 27), date(2025, 5, 28)):
        tick(store, day)
    reminders = outbox(store, "funding-reminder:")
    assert sorted(reminders) == [
        "funding-reminder:a-draft:14:erik:2025-Q2",
        "funding-reminder:a-draft:3:erik:2025-Q2",
    ]
    assert all(m["users"] == ["U_ERIK"] for m in reminders.values())
    assert "inte inskickad" in reminders["funding-reminder:a-draft:3:erik:2025-Q2"]["text"]
    drafts = {a["id"]: a for a in store.docs["employees/erik"]["funding"]["applications"]}
    assert drafts["a-draft"]["reminded"] == [3, 14] and "reminded" not in drafts["a-sent"]


# --- grants ---------------------------------------------------------------------------------------


def test_a_grant_under_duplicates_and_reordering_is_recognised_and_counted_once():
    for seed in range(20):
        store = workspace()
        give_goals(store, "erik", live_goal("g1", 400000, FUNDING_SEK, unit="kr"))
        stream = [update("draft", "04-20"), update("submitted", "05-02"), update("granted", "06-10", grantedSek=465865)]
        stream += [random.Random(seed).choice(stream) for _ in range(3)]
        stream.append(
            event(
                "funding.granted",
                {
                    "employeeId": "erik",
                    "applicationId": "vinnova-1",
                    "amountSek": 465865,
                    "grantedAt": "2025-06-10T10:00:00+02:00",
                },
            )
        )
        random.Random(seed).shuffle(stream)
        handle(store, *stream)
        assert application(store)["status"] == "granted"
        assert sorted(outbox(store, "funding-granted:erik:vinnova-1")) == [
            "funding-granted:erik:vinnova-1:finance",
            "funding-granted:erik:vinnova-1:general",
        ]
        assert store.docs[TALLY]["total"] == 465865
        assert (
            "465\u00a0865\u00a0kr"
            in outbox(store, "funding-granted:")["funding-granted:erik:vinnova-1:general"]["text"]
        )
        (goal,) = store.docs["employees/erik"]["goals"]["items"]
        assert goal["progress"] == 465865  # the grant moved the goal bound to funding_sek


def test_an_older_state_after_the_grant_changes_nothing():
    store = workspace()
    assert handle(store, update("granted", "06-10"), update("submitted", "05-02")) == ["granted", "stale"]
    assert application(store)["status"] == "granted"


def test_after_the_grants_the_lead_is_asked_once_and_only_the_lead_answers():
    store = workspace()
    handle(store, update("granted", "06-10"), update("granted", "06-11", grantedSek=400000))
    (asked,) = outbox(store, "funding-larger:erik:").values()
    assert asked["users"] == ["U_BO"]
    value = next(e["value"] for b in asked["blocks"] if b["type"] == "actions" for e in b["elements"])
    table = routes(store, FakeSlack(), lambda: store.now)

    def click(user: str, action: str) -> dict[str, Any]:
        stamp = f"{datetime.combine(date(2025, 6, 12), time(9), STOCKHOLM).timestamp():.6f}"
        payload = {
            "type": "block_actions",
            "user": {"id": user},
            "actions": [{"action_id": action, "value": value, "action_ts": stamp}],
        }
        return route(SlackRequest("block_actions", action, user, payload), table)

    assert click("U_ERIK", FUNDING_LARGER_APPROVE)["outcome"] == "own_request"
    assert click("U_ANNA", FUNDING_LARGER_APPROVE)["outcome"] == "not_yours"
    assert LARGER_PROGRAMMES not in store.docs["employees/erik"].get("responsibilities", [])
    assert click("U_BO", FUNDING_LARGER_APPROVE)["outcome"] == "approved"
    assert click("U_BO", FUNDING_LARGER_NOT_YET)["outcome"] == "already_approved"
    assert store.docs["employees/erik"]["responsibilities"] == [LARGER_PROGRAMMES]
    assert store.collection("audit")["funding-larger:erik"]["actorId"] == "bo"
    assert outbox(store, "funding-larger-approved:erik")


def test_inte_an_waits_for_the_next_grant():
    store = workspace()
    handle(store, update("granted", "06-10"))
    (asked,) = outbox(store, "funding-larger:erik:").values()
    value = asked["blocks"][1]["elements"][1]["value"]
    table = routes(store, FakeSlack(), lambda: store.now)
    payload = {
        "type": "block_actions",
        "user": {"id": "U_BO"},
        "actions": [{"action_id": FUNDING_LARGER_NOT_YET, "value": value, "action_ts": "1749546000.000000"}],
    }
    assert route(SlackRequest("block_actions", FUNDING_LARGER_NOT_YET, "U_BO", payload), table)["outcome"] == "not_yet"
    handle(store, update("granted", "06-20", app="eu-1"))
    assert sorted(outbox(store, "funding-larger:erik:")) == ["funding-larger:erik:1", "funding-larger:erik:2"]


@pytest.mark.parametrize(
    "more",
    [
        {"amountSek": -1},
        {"amountSek": 0},
        {"amountSek": 1.5},
        {"currency": "EUR"},
        {"status": "won"},
        {"deadline": "30/5"},
    ],
)
def test_bad_applications_are_refused_and_nothing_is_written(more):
    store = workspace()
    before = dict(store.docs)
    with pytest.raises(InvalidEvent) as refused:
        handle(store, update("draft", "04-20", **more))
    assert refused.value.status == 400 and dict(store.docs) == before
