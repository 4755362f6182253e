"""A sender whose own send failed shortens its claim: at once when nothing can have been posted
(a failure before the post, or Slack answered the post with an error code), after a short
settle time when the post failed without an answer (it may have reached Slack); either way the
retry finds a post that reached Slack instead of posting it twice."""

import pytest

from devplan.adapters.firestore.mapping import outbox_document
from devplan.domain.outbox import Claim, OutboxMessage
from devplan.errors import TransientError
from devplan.services import delivery
from devplan.services.ports import SlackRefused
from tests.fakes import NOW, FakeSlack, InMemoryStore

SETTLED = NOW + delivery.SETTLE


@pytest.fixture
def store():
    s = InMemoryStore()
    message = OutboxMessage("welcome:anna", users=("U1",), text="Hej")
    s.set("outbox/welcome:anna", outbox_document(message, NOW), merge=False)
    return s


class SlackDown(FakeSlack):
    """Slack answers 503 to the post: it may or may not have posted."""

    def post(self, channel, text, blocks, outbox_id):
        raise TransientError("slack chat.postMessage: 503")


class SlackLimits(FakeSlack):
    """Slack answers the post `ratelimited` (after the client's own waits): not posted."""

    def post(self, channel, text, blocks, outbox_id):
        raise SlackRefused("slack chat.postMessage: ratelimited")


class SlackTimesOut(FakeSlack):
    """The post reaches Slack, but the answer never comes back."""

    def post(self, channel, text, blocks, outbox_id):
        super().post(channel, text, blocks, outbox_id)
        raise TimeoutError("read timed out")


def test_a_post_slack_refused_releases_the_claim_and_the_retry_posts_at_once_and_once(store):
    with pytest.raises(SlackRefused):
        delivery.deliver("welcome:anna", "ev1", store, SlackLimits(), NOW)
    doc = store.get("outbox/welcome:anna")
    assert doc["state"] == "sending" and doc["claim"]["until"] == NOW  # lease ended, not waited out
    slack = FakeSlack()
    assert delivery.deliver("welcome:anna", "ev1", store, slack, NOW) == "sent"  # no "holds the lease"
    assert [p["outbox_id"] for p in slack.posted] == ["welcome:anna"]
    assert delivery.deliver("welcome:anna", "ev1", store, slack, NOW) == "nothing_to_do"
    assert len(slack.posted) == 1 and store.get("outbox/welcome:anna")["attempts"] == 2


def test_a_post_without_an_answer_waits_the_settle_time_before_its_retry(store):
    with pytest.raises(TransientError):
        delivery.deliver("welcome:anna", "ev1", store, SlackDown(), NOW)
    assert store.get("outbox/welcome:anna")["claim"]["until"] == SETTLED
    slack = FakeSlack()
    with pytest.raises(TransientError, match="holds the lease"):  # too soon: the post may not show yet
        delivery.deliver("welcome:anna", "ev1", store, slack, NOW)
    assert delivery.deliver("welcome:anna", "ev2", store, slack, NOW) == "claimed_elsewhere"  # the sweep too
    assert delivery.deliver("welcome:anna", "ev1", store, slack, SETTLED) == "sent"
    assert len(slack.posted) == 1


def test_a_post_that_reached_slack_before_the_failure_is_found_not_posted_twice(store):
    slack = SlackTimesOut()
    with pytest.raises(TimeoutError):
        delivery.deliver("welcome:anna", "ev1", store, slack, NOW)
    assert len(slack.posted) == 1 and store.get("outbox/welcome:anna")["state"] == "sending"
    slack.__class__ = FakeSlack  # Slack answers again: the retry searches the history first
    assert delivery.deliver("welcome:anna", "ev1", store, slack, SETTLED) == "sent"
    assert len(slack.posted) == 1
    assert store.get("outbox/welcome:anna")["slack"]["ts"] == slack.posted[0]["ts"]


def test_a_failure_before_the_post_releases_too(store):
    class NoConversation(FakeSlack):
        def conversation_for(self, users):
            raise TransientError("slack conversations.open: 429 still limited")

    with pytest.raises(TransientError):
        delivery.deliver("welcome:anna", "ev1", store, NoConversation(), NOW)
    assert store.get("outbox/welcome:anna")["claim"]["until"] == NOW  # nothing was posted: no wait
    slack = FakeSlack()
    assert delivery.deliver("welcome:anna", "ev2", store, slack, NOW) == "sent"
    assert len(slack.posted) == 1


def test_only_the_claims_own_attempt_ends_it(store):
    from devplan.adapters.firestore.mapping import claim_update

    # The earlier attempt's lease ran out and a later attempt took the message over ...
    later = Claim("ev2", "attempt-2", NOW, NOW + delivery.LEASE)
    store.set("outbox/welcome:anna", claim_update("sending", later, attempts=2))
    earlier = Claim("ev1", "attempt-1", NOW, NOW)
    # ... so the earlier one's release leaves the later one's lease alone.
    assert store.release_outbox("welcome:anna", earlier, at=NOW) is False
    assert store.get("outbox/welcome:anna")["claim"]["until"] == later.until
    assert store.release_outbox("welcome:anna", later, at=NOW) is True
    assert store.get("outbox/welcome:anna")["claim"]["until"] == NOW


def test_the_settle_time_counts_from_the_failure_not_from_the_start_of_the_attempt(store, monkeypatch):
    clock = iter([100.0, 112.0])  # the claim at 100 s; the post failed 12 s later (a client's time-out)
    monkeypatch.setattr(delivery.time, "monotonic", lambda: next(clock))
    with pytest.raises(TransientError):
        delivery.deliver("welcome:anna", "ev1", store, SlackDown(), NOW)
    until = store.get("outbox/welcome:anna")["claim"]["until"]
    assert (until - NOW).total_seconds() == 12 + delivery.SETTLE.total_seconds()
