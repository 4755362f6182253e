"""tests/fakes.FakeSlack answers as the real gateway does, so the sender's unit tests run the
path the product takes (ports.Slack.conversation_for: one person's user id as is, no call)."""

from devplan.adapters.slack import SlackGateway
from devplan.adapters.slack_pace import Pace
from tests.fakes import FakeSlack


def test_the_fake_and_the_gateway_agree_on_a_dm():
    gateway = SlackGateway(client=None, pace=Pace(0))  # type: ignore[arg-type]  # no call is made
    assert FakeSlack().conversation_for(("U1",)) == gateway.conversation_for(("U1",)) == "U1"


def test_a_post_or_a_file_to_a_user_id_lands_in_the_dm_and_is_found_by_the_user_id():
    slack = FakeSlack()
    ts = slack.post("U1", "Hej", [], "welcome:anna")
    file_id = slack.upload_file("U1", "digest.png", b"png", "Q1", "Q1")
    assert slack.find_posted("U1", "welcome:anna", oldest=0) == ts
    assert slack.find_uploaded("U1", "digest.png", oldest=0) == file_id
    assert slack.texts_to("U1") == slack.texts_to(slack.posted[0]["channel"]) == ["Hej"]
