import pytest

from devplan.adapters.decoding.firestore import DocumentChange, outbox_change
from devplan.adapters.firestore.mapping import outbox_document
from devplan.domain.outbox import OutboxMessage
from devplan.errors import TransientError
from devplan.services import delivery
from devplan.services.inputs import OutboxWritten
from devplan.services.ports import ConversationGone, SlackRefused
from tests.fakes import NOW, FakeSlack, InMemoryStore


@pytest.fixture
def store():
    s = InMemoryStore()
    s.set(
        "outbox/welcome:anna",
        outbox_document(OutboxMessage("welcome:anna", users=("U1",), text="Hej"), NOW),
        merge=False,
    )
    return s


def crash_after_posting(store, slack):
    """Slack accepts the post, then the instance dies before `sent` is recorded."""
    store.fail_next_set = lambda path, data: data.get("state") == "sent"
    with pytest.raises(ConnectionError):
        delivery.deliver("welcome:anna", "ev1", store, slack, NOW)


def test_sends_once_and_records_ts(store):
    slack = FakeSlack()
    assert delivery.deliver("welcome:anna", "ev1", store, slack, NOW) == "sent"
    assert delivery.deliver("welcome:anna", "ev1", store, slack, NOW) == "nothing_to_do"
    assert delivery.deliver("welcome:anna", "ev2", store, slack, NOW) == "nothing_to_do"
    doc = store.get("outbox/welcome:anna")
    assert doc["state"] == "sent" and doc["slack"] == {"channel": "U1", "ts": slack.posted[0]["ts"]}
    assert len(slack.posted) == 1


def test_a_crash_after_posting_is_repaired_by_the_retry_without_a_second_post(store):
    slack = FakeSlack()
    crash_after_posting(store, slack)
    assert store.get("outbox/welcome:anna")["state"] == "sending" and len(slack.posted) == 1
    # While the crashed attempt's lease runs, other events leave it alone and a retry of the
    # same event comes back later (the first attempt might still be alive) ...
    assert delivery.deliver("welcome:anna", "ev-other", store, slack, NOW) == "claimed_elsewhere"
    with pytest.raises(TransientError):
        delivery.deliver("welcome:anna", "ev1", store, slack, NOW)
    # ... and once the lease ran out the retry finds the post in the channel's history.
    assert delivery.deliver("welcome:anna", "ev1", store, slack, NOW + delivery.LEASE) == "sent"
    assert len(slack.posted) == 1
    assert store.get("outbox/welcome:anna")["slack"]["ts"] == slack.posted[0]["ts"]


def test_a_crash_before_posting_posts_on_retry(store):
    class CrashingSlack(FakeSlack):
        def post(self, *a, **kw):
            raise ConnectionError("network down")

    with pytest.raises(ConnectionError):
        delivery.deliver("welcome:anna", "ev1", store, CrashingSlack(), NOW)
    slack = FakeSlack()
    assert delivery.deliver("welcome:anna", "ev1", store, slack, NOW + delivery.LEASE) == "sent"
    assert len(slack.posted) == 1


def test_an_expired_lease_is_taken_over_by_any_event(store):
    from datetime import timedelta

    slack = FakeSlack()
    crash_after_posting(store, slack)
    later = NOW + delivery.LEASE + timedelta(seconds=1)
    assert delivery.deliver("welcome:anna", "ev-sweeper", store, slack, later) == "sent"
    assert len(slack.posted) == 1


def test_a_permanent_slack_error_marks_the_message_failed(store):
    invite = OutboxMessage("invite:dev:anna", kind="invite", channel="dev", users=("U1",))
    store.set("outbox/invite:dev:anna", outbox_document(invite, NOW), merge=False)
    slack = FakeSlack()
    slack.broken_channels.add("dev")
    assert delivery.deliver("invite:dev:anna", "ev1", store, slack, NOW) == "failed"
    assert "does not exist" in store.get("outbox/invite:dev:anna")["error"]


def test_the_trigger_ignores_our_own_state_writes(store):
    slack = FakeSlack()
    sent = outbox_change(
        DocumentChange(
            "ev9", "written", NOW, "outbox/welcome:anna", None, {**store.get("outbox/welcome:anna"), "state": "sent"}
        )
    )
    assert delivery.deliver_change(sent, store, slack, NOW) == "nothing_to_do"
    assert slack.posted == []


def test_the_daily_sweep_finishes_a_message_left_sending_by_a_crash_without_posting_twice(store):
    from datetime import timedelta

    from devplan.services import outbox_sweep

    slack = FakeSlack()
    store.set("outbox/fresh", outbox_document(OutboxMessage("fresh", users=("U2",), text="Ny"), NOW), merge=False)
    crash_after_posting(store, slack)  # posted, then the instance died
    later = NOW + timedelta(hours=2)
    store.set("outbox/fresh", {"createdAt": later})  # not stale yet: left alone
    from datetime import date

    assert outbox_sweep.sweep(store, slack, lambda: later, sweep_id="t0", as_of=date(2025, 1, 11)) == {}  # Saturday
    assert outbox_sweep.sweep(store, slack, lambda: later, sweep_id="tick-1", as_of=date(2025, 1, 13)) == {"sent": 1}
    assert [p["outbox_id"] for p in slack.posted] == ["welcome:anna"]
    assert store.get("outbox/welcome:anna")["state"] == "sent" and store.get("outbox/fresh")["state"] == "pending"


def test_a_stale_copy_in_the_event_falls_back_to_a_fresh_read(store):
    slack = FakeSlack()
    pending, version = store.outbox_entry("welcome:anna")
    assert delivery.deliver("welcome:anna", "ev1", store, slack, NOW) == "sent"
    stale = OutboxWritten("ev2", "welcome:anna", pending, version)
    assert delivery.deliver_change(stale, store, slack, NOW) == "nothing_to_do"
    assert len(slack.posted) == 1


def test_one_failing_message_does_not_hold_up_the_sweep(store):
    from datetime import date, timedelta

    from devplan.errors import TransientError as Transient
    from devplan.services import outbox_sweep

    class FlakySlack(FakeSlack):
        def conversation_for(self, users):
            if users == ("U_DOWN",):
                raise Transient("slack conversations.open: 503")
            return super().conversation_for(users)

    store.set(
        "outbox/a-broken", outbox_document(OutboxMessage("a-broken", users=("U_DOWN",), text="x"), NOW), merge=False
    )
    slack, later = FlakySlack(), NOW + timedelta(hours=2)
    outcome = outbox_sweep.sweep(store, slack, lambda: later, sweep_id="t", as_of=date(2025, 1, 13))
    assert outcome == {"still_failing": 1, "sent": 1}
    assert [p["outbox_id"] for p in slack.posted] == ["welcome:anna"]


class SlackWithAGoneGroupDm(FakeSlack):
    """The pair's group DM kept from an earlier quarter is gone (archived, or the workspace
    moved); conversations.open answers a new one."""

    def conversation_for(self, users):
        return "G-new"

    def post(self, channel, text, blocks, outbox_id):
        if channel == "G-old":
            raise ConversationGone("slack chat.postMessage: channel_not_found")
        return super().post(channel, text, blocks, outbox_id)


def a_pair_invite(store) -> str:
    mid = "review-invite:anna:2025-Q3"
    message = OutboxMessage(mid, users=("U_ANNA", "U_BO"), text="1:1")
    store.set(f"outbox/{mid}", outbox_document(message, NOW), merge=False)
    return mid


def test_a_kept_group_dm_slack_no_longer_knows_is_dropped_and_the_retry_opens_a_new_one():
    store, slack = InMemoryStore(), SlackWithAGoneGroupDm()
    store.keep_group_conversation(("U_ANNA", "U_BO"), "G-old")
    mid = a_pair_invite(store)
    with pytest.raises(SlackRefused):  # nothing was posted: given back for the retry, not failed
        delivery.deliver(mid, "ev-1", store, slack, NOW)
    assert store.group_conversation(("U_ANNA", "U_BO")) is None
    assert delivery.deliver(mid, "ev-1", store, slack, NOW) == "sent"
    assert store.group_conversation(("U_ANNA", "U_BO")) == "G-new" and slack.texts_to("G-new") == ["1:1"]


def test_a_conversation_slack_no_longer_knows_fails_the_message_when_it_was_not_kept():
    store, slack = InMemoryStore(), SlackWithAGoneGroupDm()
    slack.conversation_for = lambda users: "G-old"  # type: ignore[method-assign]  # Slack's own answer
    mid = a_pair_invite(store)
    assert delivery.deliver(mid, "ev-1", store, slack, NOW) == "failed"
