"""One contract for Slack as the sender sees it (services/ports.Slack), run against FakeSlack
and against SlackGateway talking to the Slack stand-in over HTTP."""

from __future__ import annotations

import time
import uuid

import pytest

from devplan.errors import PermanentError


def email() -> str:
    return f"{uuid.uuid4().hex[:8]}@innerjourney.se"


def test_users_are_found_by_email_and_people_without_an_account_are_none(slack):
    gateway, add_user = slack
    address = email()
    user_id = add_user(address, "Anna Lindqvist")
    assert gateway.lookup_user_id(address) == user_id
    assert gateway.lookup_user_id(email()) is None


def test_an_accounts_locale_reads_as_swedish_unless_set_and_no_one_has_none(slack):
    from devplan.domain.language import language_of_locale

    gateway, add_user = slack
    user_id = add_user(email(), "Stina Ek")
    assert language_of_locale(gateway.user_locale(user_id)) == "sv"  # the workspace's default: Swedish
    assert gateway.user_locale("U0NOBODY00") is None


def test_a_group_of_people_always_gets_the_same_conversation(slack):
    gateway, add_user = slack
    anna, bo = add_user(email(), "Anna Lindqvist"), add_user(email(), "Bo Kvarnsmyr")
    pair = gateway.conversation_for((anna, bo))
    assert pair == gateway.conversation_for((bo, anna))
    assert gateway.conversation_for((anna,)) not in (pair, gateway.conversation_for((bo,)))


def test_a_dm_goes_to_the_persons_user_id_without_a_call(slack):
    """services/ports.Slack.conversation_for: the fake must take the DM path the gateway takes
    (a post to the user id; history and files resolved to the DM by the adapter)."""
    gateway, add_user = slack
    anna = add_user(email(), "Anna Lindqvist")
    assert gateway.conversation_for((anna,)) == anna


def test_mentoring_channels_exist_and_an_unknown_channel_is_a_permanent_error(slack):
    gateway, _ = slack
    ids = {name: gateway.channel_id(name) for name in ("general", "dev", "coaching", "finance")}
    assert len(set(ids.values())) == 4 and gateway.channel_id("#dev") == ids["dev"]
    with pytest.raises(PermanentError):
        gateway.channel_id("no-such-channel")


def test_a_post_is_found_again_by_its_outbox_id(slack):
    gateway, add_user = slack
    channel = gateway.conversation_for((add_user(email(), "Maja Berg"),))
    since = time.time() - 60
    ts = gateway.post(
        channel, "Välkommen!", [{"type": "section", "text": {"type": "mrkdwn", "text": "Hej"}}], "welcome:maja"
    )
    assert ts and gateway.find_posted(channel, "welcome:maja", oldest=since) == ts
    assert gateway.find_posted(channel, "welcome:someone-else", oldest=since) is None
    assert gateway.find_posted(channel, "welcome:maja", oldest=time.time() + 60) is None  # only since `oldest`


def test_inviting_twice_is_fine(slack):
    gateway, add_user = slack
    user = add_user(email(), "Erik Holm")
    dev = gateway.channel_id("dev")
    gateway.invite(dev, user)
    gateway.invite(dev, user)


def test_the_team_has_an_id_for_huddle_links(slack):
    gateway, _ = slack
    assert gateway.team_id()


MODAL = {
    "type": "modal",
    "callback_id": "goal_form",
    "title": {"type": "plain_text", "text": "Nytt mål"},
    "submit": {"type": "plain_text", "text": "Skicka"},
    "private_metadata": '{"employee": "anna"}',
    "blocks": [
        {
            "type": "input",
            "block_id": "outcome",
            "label": {"type": "plain_text", "text": "Resultat"},
            "element": {"type": "plain_text_input", "action_id": "value"},
        }
    ],
}


def test_a_modal_opens_once_per_trigger_and_a_used_or_unknown_trigger_is_refused(slack, request):
    from devplan.services.ports import SlackRefused
    from tests.fakes import FakeSlack

    gateway, _ = slack
    # A trigger_id comes with a command or a click: the fake issues one, the stand-in as Slack does.
    issue = (
        gateway.issue_trigger
        if isinstance(gateway, FakeSlack)
        else request.getfixturevalue("stack").stand_in.workspace.issue_trigger
    )
    trigger_id = issue()
    gateway.open_view(trigger_id, MODAL)
    with pytest.raises(SlackRefused, match="exchanged"):
        gateway.open_view(trigger_id, MODAL)
    with pytest.raises(SlackRefused, match="invalid"):
        gateway.open_view("1.2.not-issued", MODAL)


def test_a_home_view_is_published_and_one_over_slacks_limits_is_refused_for_good(slack):
    gateway, add_user = slack
    user = add_user(email(), "Sixten Ros")
    section = {"type": "section", "text": {"type": "mrkdwn", "text": "Din plan"}}
    gateway.publish_home(user, {"type": "home", "blocks": [section] * 100})
    gateway.publish_home(user, {"type": "home", "blocks": [section]})  # republishing replaces it: fine
    with pytest.raises(PermanentError):
        gateway.publish_home(user, {"type": "home", "blocks": [section] * 101})
