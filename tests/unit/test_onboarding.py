from datetime import date

import pytest

from devplan.adapters.decoding.firestore import DocumentChange, employee_change
from devplan.errors import InvalidEvent
from devplan.services import delivery, onboarding, platform_events
from devplan.services.inputs import PlatformEvent
from devplan_tools.local.timeline import blocks_text
from tests import people
from tests.fakes import NOW, FakeSlack, InMemoryStore

ANNA = {**people.ANNA, "email": "Anna@InnerJourney.se"}  # e-mail addresses arrive in any case
BO = people.BO


def platform_event(data, event_id="evt-1", kind="employee.onboarded"):
    return PlatformEvent(event_id, kind, NOW, data, "delivery-1")


def change_of(store, path, event_id):
    return employee_change(
        DocumentChange(event_id, "google.cloud.firestore.document.v1.written", NOW, path, None, store.get(path))
    )


def onboard(store, slack, data, event_id):
    platform_events.handle(platform_event(data, event_id), store)
    return onboarding.welcome_new_employee(
        change_of(store, f"employees/{data['employeeId']}", "fs-" + event_id), store, slack
    )


def deliver_all(store, slack):
    for message_id in list(store.collection("outbox")):
        delivery.deliver(message_id, "ev-" + message_id, store, slack, NOW)


@pytest.fixture
def store():
    return InMemoryStore()


@pytest.fixture
def slack():
    return FakeSlack({"anna@innerjourney.se": "U_ANNA", "bo@innerjourney.se": "U_BO"})


def test_the_same_platform_event_twice_creates_one_employee(store):
    assert platform_events.handle(platform_event(ANNA), store) == "accepted"
    assert platform_events.handle(platform_event(ANNA), store) == "duplicate"
    assert store.get("employees/anna")["email"] == "anna@innerjourney.se"


def test_a_second_onboarding_event_for_the_same_person_keeps_the_first(store):
    platform_events.handle(platform_event(ANNA, "evt-1"), store)
    assert platform_events.handle(platform_event({**ANNA, "role": "coach"}, "evt-2"), store) == "already_onboarded"
    assert store.get("employees/anna")["role"] == "developer"


def test_unknown_type_and_bad_data_are_refused_without_writes(store):
    with pytest.raises(InvalidEvent, match="unknown event type") as unknown:
        platform_events.handle(platform_event(ANNA, kind="employee.fired"), store)
    assert unknown.value.status == 422
    with pytest.raises(InvalidEvent, match="role must be one of.*startDate must be a date"):
        platform_events.handle(platform_event({**ANNA, "role": "ceo", "startDate": "7/1/2025"}), store)
    assert store.docs == {}


def test_onboarding_sets_deadline_welcomes_invites_and_tells_the_lead(store, slack):
    onboard(store, slack, BO, "e-bo")
    onboard(store, slack, ANNA, "e-anna")
    anna = store.get("employees/anna")
    # 2025-01-07 is a Tuesday; ten Swedish business days later (no holidays in between) is 2025-01-21.
    assert anna["goals"] == {"deadline": "2025-01-21", "quarter": "2025-Q1"}
    assert anna["onboarding"]["status"] == "welcomed" and anna["slack"] == {"userId": "U_ANNA"}
    deliver_all(store, slack)
    welcome = slack.posted[[p["outbox_id"] for p in slack.posted].index("welcome:anna")]
    assert welcome["channel"] == "D-U_ANNA"
    body = blocks_text(welcome["blocks"], "")
    assert "21 januari 2025" in body and "Bo Joel Kvarnsmyr" in body and "Firebase" in body
    assert "5\u00a0000\u00a0kr" in body and "#dev" in body
    assert ("C-dev", "U_ANNA") in slack.invited
    assert any("Anna Lindqvist" in t for t in slack.texts_to("D-U_BO"))


def test_a_lead_is_welcomed_into_every_mentoring_channel_with_the_team_listed(store, slack):
    platform_events.handle(platform_event(ANNA, "e-anna"), store)  # the report arrives first
    onboard(store, slack, BO, "e-bo")
    deliver_all(store, slack)
    assert {c for c, u in slack.invited if u == "U_BO"} == {"C-dev", "C-coaching", "C-finance"}
    assert "Anna Lindqvist" in str(next(p for p in slack.posted if p["outbox_id"] == "welcome:bo")["blocks"])


def test_each_trigger_event_and_each_later_write_changes_nothing_more(store, slack):
    onboard(store, slack, BO, "e-bo")
    onboard(store, slack, ANNA, "e-anna")
    outbox_before = dict(store.collection("outbox"))
    change = change_of(store, "employees/anna", "fs-e-anna")  # the same event again
    assert onboarding.welcome_new_employee(change, store, slack) == "nothing_to_do"
    stale = employee_change(
        DocumentChange(
            "fs-other",
            "written",
            NOW,
            "employees/anna",
            None,
            {**store.get("employees/anna"), "onboarding": {"status": "pending"}},
        )
    )
    assert onboarding.welcome_new_employee(stale, store, slack) == "nothing_to_do"  # out of order
    assert store.collection("outbox") == outbox_before


def test_without_a_slack_account_the_lead_is_told_and_the_welcome_waits(store, slack):
    onboard(store, slack, BO, "e-bo")
    erik = people.ERIK
    assert onboard(store, slack, erik, "e-erik") == "waiting_for_slack"
    assert store.get("employees/erik")["goals"]["deadline"] == "2025-02-17"
    assert "outbox/welcome:erik" not in store.docs
    assert "outbox/lead-notice:no-slack:erik" in store.docs
    # Slack reports the new account (team_join): the stored id lets the next trigger welcome.
    from devplan.services.slack_accounts import link_account

    assert link_account("erik@innerjourney.se", "U_ERIK", store) == 1
    assert onboarding.welcome_new_employee(change_of(store, "employees/erik", "fs-2"), store, slack) == "welcomed"
    assert "outbox/welcome:erik" in store.docs and store.get("employees/erik")["goals"]["deadline"] == "2025-02-17"


def test_first_goal_deadline_counts_swedish_business_days():
    from devplan.domain.goals import first_goal_deadline

    # Start on Friday 2025-12-19: julafton, juldagen, annandag jul, nyårsafton, nyårsdagen and
    # trettondedag jul are skipped → ten business days later is Monday 2026-01-12.
    assert first_goal_deadline(date(2025, 12, 19)) == date(2026, 1, 12)
    # Starting on a Saturday counts from the Monday after.
    assert first_goal_deadline(date(2025, 3, 1)) == date(2025, 3, 17)


def test_waiting_for_slack_writes_nothing_more(store, slack):
    """Our own write re-triggers the function: a run that changes nothing must write nothing."""
    onboard(store, slack, BO, "e-bo")
    erik = {**ANNA, "employeeId": "erik", "email": "erik@innerjourney.se"}
    onboard(store, slack, erik, "e-erik")
    versions = dict(store.versions)
    assert (
        onboarding.welcome_new_employee(change_of(store, "employees/erik", "fs-again"), store, slack)
        == "waiting_for_slack"
    )
    assert {p: v for p, v in store.versions.items() if not p.startswith("processedEvents/")} == {
        p: v for p, v in versions.items() if not p.startswith("processedEvents/")
    }


def test_a_missed_team_join_and_a_trigger_that_gave_up_are_caught_up_daily(store, slack):
    onboard(store, slack, BO, "e-bo")
    erik = {**ANNA, "employeeId": "erik", "name": "Erik Holm", "email": "erik@innerjourney.se"}
    onboard(store, slack, erik, "e-erik")
    platform_events.handle(platform_event(ANNA, "e-anna"), store)  # its trigger never succeeded
    assert onboarding.catch_up(store, slack, NOW, run_id="d1") == {"still_waiting": 1, "welcomed": 1}
    assert store.get("employees/anna")["onboarding"]["status"] == "welcomed"
    slack.users["erik@innerjourney.se"] = "U_ERIK"  # the account exists, team_join was lost
    assert onboarding.catch_up(store, slack, NOW, run_id="d2") == {"linked": 1}
    assert store.get("employees/erik")["slack"] == {"userId": "U_ERIK"}
    assert onboarding.welcome_new_employee(change_of(store, "employees/erik", "fs-3"), store, slack) == "welcomed"


def test_the_catch_up_leaves_people_who_left_before_their_welcome_out_of_its_sample(store, slack, monkeypatch):
    """Offboarded (or erased) before their welcome, they keep their onboarding status for the
    record; the daily sample of CATCH_UP_LIMIT must not spend its places on them nor ask Slack."""
    onboard(store, slack, BO, "e-bo")
    for i in range(5):
        store.set(
            f"employees/gone{i}",
            {**store.get("employees/bo"), "name": f"Gone {i}", "email": f"gone{i}@innerjourney.se",
             "status": "offboarded", "onboarding": {"status": "waiting_for_slack"}, "slack": None},
        )  # fmt: skip
    erik = {**ANNA, "employeeId": "erik", "name": "Erik Holm", "email": "erik@innerjourney.se"}
    onboard(store, slack, erik, "e-erik")
    monkeypatch.setattr(onboarding, "CATCH_UP_LIMIT", 5)  # before the fix: 5 of the 6, 4 leavers at least
    asked = slack.lookups
    assert onboarding.catch_up(store, slack, NOW, run_id="d1") == {"still_waiting": 1}
    assert slack.lookups == asked + 1  # Erik's, never a leaver's


@pytest.mark.parametrize(
    "bad",
    [
        {**ANNA, "employeeId": ".."},
        {**ANNA, "employeeId": "__x__"},
        {**ANNA, "employeeId": "a/b"},
        {**ANNA, "leadId": 7},
    ],
)
def test_ids_firestore_cannot_take_are_refused_up_front(store, bad):
    with pytest.raises(InvalidEvent):
        platform_events.handle(platform_event(bad), store)
    assert store.docs == {}


def test_goals_with_a_non_text_title_are_refused_as_400_not_a_crash(store):
    platform_events.handle(platform_event(ANNA), store)
    event = PlatformEvent("g1", "goals.set", NOW, {"employeeId": "anna", "goals": [{"goalId": "g", "title": 123}]}, "d")
    with pytest.raises(InvalidEvent, match="title") as error:
        platform_events.handle(event, store)
    assert error.value.status == 400
