"""A bulk import looks its people up in one listing of the workspace (adapters/slack_directory.py):
users.list pages instead of one Tier 3 users.lookupByEmail (and one users.info) per person, once
more look-ups come at once than their burst lets through. A listing only says who is there: an
e-mail not in it is looked up by itself, a listing cut short keeps what it listed (and goes on
from its cursor, or after a refusal waits LISTING_KEPT), and a listing is kept LISTING_KEPT seconds."""

from __future__ import annotations

import threading
import time

import pytest

from devplan.adapters.slack import SlackGateway, web_client
from devplan.adapters.slack_directory import LISTING_KEPT, Directory
from devplan.adapters.slack_pace import Pace
from tests.unit.test_slack_pace import Clock
from tests.unit.test_slack_retries import FlakySlack


def member(uid: str, email: str | None, **more) -> dict:
    return {"id": uid, "profile": {"email": email} if email else {}, "locale": "en-US", **more}


PAGES = {
    None: {"members": [member("U1", "Anna@Example.se"), member("B1", "bot@example.se", is_bot=True)],
           "response_metadata": {"next_cursor": "p2"}},
    "p2": {"members": [member("U2", "bo@example.se"), member("U3", "gone@example.se", deleted=True),
                       member("U4", None)],
           "response_metadata": {"next_cursor": ""}},
}  # fmt: skip


def test_a_listing_answers_the_active_humans_by_email_with_their_locale():
    directory, asked = Directory(Clock()), []
    assert directory.list_members(lambda cursor: asked.append(cursor) or PAGES[cursor], wait=1)
    assert asked == [None, "p2"]
    assert directory.user_id(" anna@example.SE ") == "U1" and directory.user_id("bo@example.se") == "U2"
    assert directory.locale("U1") == "en-US"
    # a bot or a deactivated account is left to users.lookupByEmail, as before
    assert directory.user_id("bot@example.se") is None and directory.user_id("gone@example.se") is None


def test_a_listing_is_kept_for_a_while_then_forgotten():
    clock = Clock()
    directory, asked = Directory(clock), []
    directory.list_members(lambda cursor: asked.append(cursor) or PAGES[cursor], wait=1)
    clock.now += LISTING_KEPT - 1
    assert directory.list_members(lambda cursor: asked.append(cursor) or PAGES[cursor], wait=1)
    assert asked == [None, "p2"] and directory.user_id("bo@example.se") == "U2"  # not listed again
    clock.now += 2
    assert not directory.fresh() and directory.user_id("bo@example.se") is None and directory.locale("U1") is None


def test_a_listing_that_fails_half_way_keeps_what_it_listed_and_is_not_tried_again_for_a_while():
    clock, asked = Clock(), []
    directory = Directory(clock)

    def page(cursor):
        asked.append(cursor)
        if cursor == "p2":
            raise RuntimeError("slack users.list: missing_argument")
        return PAGES[cursor]

    with pytest.raises(RuntimeError):
        directory.list_members(page, wait=1)
    # What it listed is true (a listing only says who is there); the rest are looked up.
    assert directory.user_id("anna@example.se") == "U1" and directory.user_id("bo@example.se") is None
    assert directory.find("bo@example.se", page, wait=1) is None and asked == [None, "p2"]  # not again
    clock.now += LISTING_KEPT + 1
    assert directory.find("bo@example.se", page, wait=1) is None and asked == [None, "p2", None, "p2"]


def test_a_listing_cut_short_by_the_budget_goes_on_from_its_cursor_at_the_next_caller():
    from devplan.services.ports import SlackRefused

    directory, asked, budget = Directory(Clock()), [], [1]

    def page(cursor):
        asked.append(cursor)
        if not budget[0]:
            raise SlackRefused("slack users.list: paced, next turn in 3 s")
        budget[0] -= 1
        return PAGES[cursor]

    with pytest.raises(SlackRefused):
        directory.list_members(page, wait=1)  # one page fits this invocation's budget
    assert directory.user_id("anna@example.se") == "U1"
    budget[0] = 5  # the next invocation
    assert directory.list_members(page, wait=1)
    assert asked == [None, "p2", "p2"] and directory.user_id("bo@example.se") == "U2"  # not begun again


def test_an_invited_member_who_has_not_joined_is_not_an_account():
    directory = Directory(Clock())
    invited = {"members": [member("U5", "new@example.se", is_invited_user=True)], "response_metadata": {}}
    assert directory.list_members(lambda cursor: invited, wait=1)
    assert directory.user_id("new@example.se") is None


def test_callers_at_once_list_the_workspace_once():
    directory, asked, entered = Directory(), [], threading.Event()

    def page(cursor):
        asked.append(cursor)
        entered.set()
        time.sleep(0.2)
        return PAGES[cursor]

    callers = [threading.Thread(target=directory.list_members, args=(page, 5)) for _ in range(5)]
    for caller in callers:
        caller.start()
    for caller in callers:
        caller.join(5)
    assert asked == [None, "p2"] and directory.user_id("anna@example.se") == "U1"


LISTED = {"ok": True, "members": [member("U1", "anna@example.se", locale="en-GB")], "response_metadata": {}}


def gateway(answers: dict[str, list]) -> tuple[SlackGateway, FlakySlack, Pace]:
    server = FlakySlack(answers)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    clock = Clock()  # the pace's waits pass at once
    pace = Pace(1.0, clock=clock, sleep=clock.sleep)
    return SlackGateway(web_client(f"http://127.0.0.1:{server.server_address[1]}/", "xoxb-test"), pace), server, pace


def test_one_person_is_looked_up_by_email_as_ever():
    slack, server, _ = gateway({"users.lookupByEmail": [(200, {"ok": True, "user": {"id": "U9"}})]})
    try:
        assert slack.lookup_user_id("anna@example.se") == "U9"
        assert server.calls == {"users.lookupByEmail": 1}
    finally:
        server.shutdown()


def test_when_look_ups_queue_up_the_workspace_is_listed_and_answers_them_and_their_locale():
    user = (200, {"ok": True, "user": {"id": "U9"}})
    slack, server, pace = gateway({"users.list": [(200, LISTED)], "users.lookupByEmail": [user]})
    try:
        for _ in range(5):  # the look-up's burst used up by a batch's first people
            pace.turn("users.lookupByEmail")
        assert pace.waits("users.lookupByEmail")
        assert slack.lookup_user_id("Anna@example.se") == "U1"
        assert slack.user_locale("U1") == "en-GB"
        assert server.calls == {"users.list": 1}  # no look-up, no users.info
        # someone the listing does not have (an account made since) is looked up by themselves
        assert slack.lookup_user_id("new@example.se") == "U9"
        assert server.calls == {"users.list": 1, "users.lookupByEmail": 1}
    finally:
        server.shutdown()


def test_a_listing_refused_by_slack_falls_back_to_the_look_up():
    refused = (200, {"ok": False, "error": "missing_scope"})
    user = (200, {"ok": True, "user": {"id": "U9"}})
    slack, server, pace = gateway({"users.list": [refused], "users.lookupByEmail": [user]})
    try:
        for _ in range(5):
            pace.turn("users.lookupByEmail")
        assert slack.lookup_user_id("anna@example.se") == "U9"
        assert server.calls == {"users.list": 1, "users.lookupByEmail": 1}
    finally:
        server.shutdown()
