"""The Slack stand-in, driven by an unmodified slack_sdk.WebClient over real HTTP."""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
import time

import pytest
import requests
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import FixedValueRetryIntervalCalculator, RateLimitErrorRetryHandler
from slack_sdk.http_retry.builtin_handlers import ServerErrorRetryHandler
from slack_sdk.signature import SignatureVerifier
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from devplan_tools.stand_in import SlackStandIn

pytestmark = pytest.mark.integration

SIGNING_SECRET = "local-signing-secret"
# Some tests post without `text` on purpose; slack-sdk warns about that before sending.
without_text = pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing")


@pytest.fixture(scope="module")
def events():
    """A tiny Events API receiver: queues (verified?, payload) for every POST it gets."""
    received: queue.Queue = queue.Queue()
    verifier = SignatureVerifier(SIGNING_SECRET)

    @Request.application
    def app(request: Request) -> Response:
        body = request.get_data(as_text=True)
        received.put((verifier.is_valid_request(body, dict(request.headers)), dict(request.headers), body))
        return Response("", 200)

    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/slack/events", received
    server.shutdown()


@pytest.fixture(scope="module")
def stand_in(events):
    with SlackStandIn(port=0, events_url=events[0], signing_secret=SIGNING_SECRET) as s:
        yield s


@pytest.fixture(autouse=True)
def _fresh(stand_in):
    stand_in.reset()


@pytest.fixture()
def slack(stand_in) -> WebClient:
    return WebClient(base_url=f"{stand_in.url}/api/", token=stand_in.bot_token)


@pytest.fixture(scope="module")
def anna(stand_in) -> dict:
    return stand_in.add_user("anna.svensson@innerjourney.se", "Anna Svensson")["user"]


@pytest.fixture(scope="module")
def bo(stand_in) -> dict:
    return stand_in.add_user("bo.kvarnsmyr@innerjourney.se", "Bo Kvarnsmyr")["user"]


def error_of(call) -> SlackApiError:
    with pytest.raises(SlackApiError) as caught:
        call()
    return caught.value


def test_auth_test_and_auth_errors(stand_in, slack):
    me = slack.auth_test()
    assert me["ok"] and me["team"] == "Inner Journey" and me["team_id"] == "T0INNERJ"
    assert me["user"] == "devplan" and me["user_id"].startswith("U") and me["bot_id"].startswith("B")
    assert me["url"].startswith("https://")

    wrong = WebClient(base_url=f"{stand_in.url}/api/", token="xoxb-wrong")
    assert error_of(wrong.auth_test).response["error"] == "invalid_auth"
    anonymous = WebClient(base_url=f"{stand_in.url}/api/")
    e = error_of(anonymous.auth_test)
    assert e.response.status_code == 200 and e.response["error"] == "not_authed"
    assert error_of(lambda: slack.api_call("chat.frobnicate")).response["error"] == "unknown_method"


def test_channels_are_listed_with_stable_ids(slack):
    channels = slack.conversations_list()["channels"]
    assert {c["name"] for c in channels} == {"general", "dev", "coaching", "finance"}
    assert all(c["id"].startswith("C") and c["is_channel"] and c["is_member"] for c in channels)
    assert slack.conversations_list()["channels"] == channels


def test_post_to_a_channel_by_name_and_by_id(slack):
    by_name = slack.chat_postMessage(channel="#dev", text="by name")
    dev = next(c["id"] for c in slack.conversations_list()["channels"] if c["name"] == "dev")
    by_id = slack.chat_postMessage(channel=dev, text="by id")
    assert by_name["channel"] == by_id["channel"] == dev
    assert float(by_id["ts"]) > float(by_name["ts"]) and len(by_id["ts"].split(".")[1]) == 6
    message = by_id["message"]
    assert message["type"] == "message" and message["text"] == "by id" and message["ts"] == by_id["ts"]
    assert message["user"] == slack.auth_test()["user_id"]
    texts = [m["text"] for m in slack.conversations_history(channel=dev, limit=2)["messages"]]
    assert texts == ["by id", "by name"]


def test_post_to_a_user_id_lands_in_their_dm(slack, anna, bo):
    posted = slack.chat_postMessage(channel=anna["id"], text="Hej Anna")
    opened = slack.conversations_open(users=anna["id"])
    assert posted["channel"].startswith("D") and opened["channel"]["id"] == posted["channel"]
    assert slack.conversations_open(users=[anna["id"]])["channel"]["id"] == posted["channel"]
    history = slack.conversations_history(channel=posted["channel"])["messages"]
    assert history[0]["text"] == "Hej Anna"

    group = slack.conversations_open(users=f"{anna['id']},{bo['id']}")["channel"]["id"]
    assert group.startswith("G") and slack.conversations_open(users=[bo["id"], anna["id"]])["channel"]["id"] == group
    assert set(slack.conversations_members(channel=group)["members"]) >= {anna["id"], bo["id"]}
    assert error_of(lambda: slack.conversations_open(users="U99999999")).response["error"] == "user_not_found"


def test_users_list_pages_through_every_member_with_their_locale(stand_in, slack, anna, bo):
    """users.list as Slack answers it: pages of `limit` joined by next_cursor, the bot too."""
    members, cursor, pages = [], None, 0
    while True:
        page = slack.users_list(limit=1, include_locale=True, **({"cursor": cursor} if cursor else {}))
        members += page["members"]
        pages += 1
        cursor = page["response_metadata"]["next_cursor"]
        if not cursor:
            break
    by_email = {m["profile"].get("email"): m for m in members}
    assert pages == len(members) >= 3 and len({m["id"] for m in members}) == len(members)
    assert by_email[anna["profile"]["email"]]["id"] == anna["id"] and by_email[bo["profile"]["email"]]["locale"]
    assert any(m["is_bot"] for m in members)
    assert "locale" not in slack.users_list()["members"][0]  # only with include_locale, as users.info
    assert error_of(lambda: slack.users_list(cursor="bm9wZQ==")).response["error"] == "invalid_cursor"


def test_users_lookup_and_registration(stand_in, slack, anna):
    found = slack.users_lookupByEmail(email="Anna.Svensson@innerjourney.se")["user"]
    assert found["id"] == anna["id"] and found["id"].startswith("U")
    assert found["profile"]["email"] == "anna.svensson@innerjourney.se" and found["tz"] == "Europe/Stockholm"
    assert found["real_name"] == found["profile"]["real_name"] == "Anna Svensson"
    assert slack.users_info(user=anna["id"])["user"] == found

    e = error_of(lambda: slack.users_lookupByEmail(email="nobody@innerjourney.se"))
    assert e.response["error"] == "users_not_found" and e.response["ok"] is False
    assert error_of(lambda: slack.users_info(user="U99999999")).response["error"] == "user_not_found"

    again = requests.post(
        f"{stand_in.url}/_stand-in/users", json={"email": "anna.svensson@innerjourney.se", "name": "Anna S"}
    ).json()
    assert again == {"ok": True, "user": found}
    listed = requests.get(f"{stand_in.url}/_stand-in/users").json()["users"]
    assert anna["id"] in [u["id"] for u in listed]


def test_invite_and_already_in_channel(slack, bo):
    invited = slack.conversations_invite(channel="C0COACHING", users=[bo["id"]])
    assert invited["channel"]["id"] == "C0COACHING" and invited["channel"]["name"] == "coaching"
    assert bo["id"] in slack.conversations_members(channel="C0COACHING")["members"]

    e = error_of(lambda: slack.conversations_invite(channel="C0COACHING", users=bo["id"]))
    assert e.response["error"] == "already_in_channel"
    assert e.response["errors"] == [{"user": bo["id"], "ok": False, "error": "already_in_channel"}]
    e = error_of(lambda: slack.conversations_invite(channel="C0NOPE", users=bo["id"]))
    assert e.response["error"] == "channel_not_found"
    e = error_of(lambda: slack.conversations_invite(channel="C0FINANCE", users="U99999999"))
    assert e.response["error"] == "user_not_found"


def test_history_shows_metadata_only_when_asked(slack):
    metadata = {"event_type": "devplan_checkin", "event_payload": {"plan_id": "p-1"}}
    posted = slack.chat_postMessage(channel="#finance", text="with metadata", metadata=metadata)
    assert posted["message"]["metadata"] == metadata

    plain = slack.conversations_history(channel="C0FINANCE", oldest=str(float(posted["ts"]) - 1))["messages"]
    assert plain[0]["ts"] == posted["ts"] and "metadata" not in plain[0]
    full = slack.conversations_history(channel="C0FINANCE", include_all_metadata=True)["messages"]
    assert full[0]["metadata"] == metadata


def test_history_window_limit_and_cursor(slack):
    stamps = [slack.chat_postMessage(channel="#general", text=f"m{i}")["ts"] for i in range(5)]
    page = slack.conversations_history(channel="C0GENERAL", oldest=stamps[0], limit=2)
    assert [m["text"] for m in page["messages"]] == ["m4", "m3"] and page["has_more"] is True
    rest = slack.conversations_history(
        channel="C0GENERAL", oldest=stamps[0], cursor=page["response_metadata"]["next_cursor"]
    )
    assert [m["text"] for m in rest["messages"]] == ["m2", "m1"] and rest["has_more"] is False
    window = slack.conversations_history(channel="C0GENERAL", oldest=stamps[1], latest=stamps[3], inclusive=True)
    assert [m["text"] for m in window["messages"]] == ["m3", "m2", "m1"]


def test_form_encoded_bodies_carry_json_strings(stand_in):
    """Callers that post form bodies send blocks/metadata as JSON strings, as Slack documents."""
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*hej*"}}]
    metadata = {"event_type": "e", "event_payload": {"n": 1}}
    answer = requests.post(
        f"{stand_in.url}/api/chat.postMessage",
        headers={"Authorization": f"Bearer {stand_in.bot_token}"},
        data={"channel": "#dev", "blocks": json.dumps(blocks), "metadata": json.dumps(metadata)},
    ).json()
    assert answer["ok"] and answer["message"]["blocks"] == blocks and answer["message"]["metadata"] == metadata
    assert stand_in.calls()[-1]["args"] == {"channel": "#dev", "blocks": blocks, "metadata": metadata}


def test_chat_update(slack):
    posted = slack.chat_postMessage(channel="#dev", text="draft")
    updated = slack.chat_update(
        channel=posted["channel"],
        ts=posted["ts"],
        text="final",
        blocks=[{"type": "section", "text": {"type": "plain_text", "text": "final"}}],
    )
    assert updated["ts"] == posted["ts"] and updated["message"]["text"] == "final"
    newest = slack.conversations_history(channel=posted["channel"], limit=1)["messages"][0]
    assert newest["ts"] == posted["ts"] and newest["text"] == "final" and newest["blocks"][0]["type"] == "section"
    assert "edited" in newest
    e = error_of(lambda: slack.chat_update(channel=posted["channel"], ts="1.000001", text="x"))
    assert e.response["error"] == "message_not_found"


@without_text
def test_post_message_errors(slack):
    assert error_of(lambda: slack.chat_postMessage(channel="#dev")).response["error"] == "no_text"
    assert error_of(lambda: slack.chat_postMessage(channel="#nope", text="x")).response["error"] == "channel_not_found"
    too_many = [{"type": "divider"}] * 51
    e = error_of(lambda: slack.chat_postMessage(channel="#dev", text="x", blocks=too_many))
    assert e.response["error"] == "invalid_blocks"
    assert slack.chat_postMessage(channel="#dev", text="x", blocks=too_many[:50])["ok"]


def test_post_ephemeral(slack, anna, bo):
    answer = slack.chat_postEphemeral(channel="#general", user=anna["id"], text="only you")
    assert answer["message_ts"] and "ts" not in answer.data
    assert (
        error_of(lambda: slack.chat_postEphemeral(channel="#finance", user=anna["id"], text="x")).response["error"]
        == "user_not_in_channel"
    )


def test_views_publish_and_open_with_trigger_ids(stand_in, slack, anna):
    home = {"type": "home", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Din plan"}}]}
    published = slack.views_publish(user_id=anna["id"], view=home)["view"]
    assert published["id"].startswith("V") and published["type"] == "home" and published["blocks"] == home["blocks"]
    assert slack.views_publish(user_id=anna["id"], view=json.dumps(home))["view"]["id"] == published["id"]

    modal = {"type": "modal", "title": {"type": "plain_text", "text": "Check-in"}, "blocks": []}
    trigger = requests.post(f"{stand_in.url}/_stand-in/trigger_ids").json()["trigger_id"]
    opened = slack.views_open(trigger_id=trigger, view=modal)["view"]
    assert opened["id"].startswith("V") and opened["type"] == "modal" and opened["title"] == modal["title"]
    assert (
        error_of(lambda: slack.views_open(trigger_id=trigger, view=modal)).response["error"] == "exchanged_trigger_id"
    )
    e = error_of(lambda: slack.views_open(trigger_id="123.456.made-up", view=modal))
    assert e.response["error"] == "invalid_trigger_id"

    stale = requests.post(f"{stand_in.url}/_stand-in/trigger_ids").json()["trigger_id"]
    time.sleep(3.2)
    assert error_of(lambda: slack.views_open(trigger_id=stale, view=modal)).response["error"] == "expired_trigger_id"


def test_rate_limit_answers_429_and_the_sdk_retries():
    with SlackStandIn(rate_limit_per_channel=1) as limited:
        plain = WebClient(base_url=f"{limited.url}/api/", token=limited.bot_token)
        plain.chat_postMessage(channel="#dev", text="first")
        e = error_of(lambda: plain.chat_postMessage(channel="#dev", text="too soon"))
        assert e.response.status_code == 429 and e.response["error"] == "ratelimited"
        assert int(e.response.headers["Retry-After"]) >= 1
        assert plain.chat_postMessage(channel="#general", text="other channel")["ok"]

        patient = WebClient(
            base_url=f"{limited.url}/api/",
            token=limited.bot_token,
            retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)],
        )
        started = time.monotonic()
        assert patient.chat_postMessage(channel="#dev", text="after waiting")["ok"]
        assert time.monotonic() - started >= 1
        assert [c["status"] for c in limited.calls() if c["channel"] == "C0DEV"] == [200, 429, 429, 200]


def test_injected_server_errors_are_retried(stand_in, slack):
    fault = {"method": "chat.postMessage", "status": 500, "count": 2}
    assert requests.post(f"{stand_in.url}/_stand-in/faults", json=fault).json() == {"ok": True}
    retrying = WebClient(
        base_url=f"{stand_in.url}/api/",
        token=stand_in.bot_token,
        retry_handlers=[
            ServerErrorRetryHandler(max_retry_count=2, interval_calculator=FixedValueRetryIntervalCalculator(0.05))
        ],
    )
    assert retrying.chat_postMessage(channel="#dev", text="eventually")["ok"]
    assert [c["status"] for c in stand_in.calls()] == [500, 500, 200]

    requests.post(f"{stand_in.url}/_stand-in/faults", json={**fault, "count": 1})
    e = error_of(lambda: slack.chat_postMessage(channel="#dev", text="outage"))
    assert e.response.status_code == 500 and e.response["ok"] is False
    requests.post(f"{stand_in.url}/_stand-in/faults", json={"method": "chat.postMessage", "status": 429, "count": 1})
    e = error_of(lambda: slack.chat_postMessage(channel="#dev", text="throttled"))
    assert e.response.status_code == 429 and e.response.headers["Retry-After"] == "1"
    assert slack.chat_postMessage(channel="#dev", text="fine again")["ok"]


@without_text
def test_recorded_calls(stand_in, slack, anna, bo):
    slack.users_lookupByEmail(email=anna["profile"]["email"])
    posted = slack.chat_postMessage(channel="#dev", text="recorded", blocks=[{"type": "divider"}])
    slack.chat_postMessage(channel=anna["id"], text="dm")
    slack.chat_postMessage(channel=slack.conversations_open(users=[bo["id"], anna["id"]])["channel"]["id"], text="g")
    with pytest.raises(SlackApiError):
        slack.chat_postMessage(channel="#dev")

    recorded = requests.get(f"{stand_in.url}/_stand-in/messages").json()
    assert recorded["ok"] and recorded["calls"] == stand_in.calls()
    first = recorded["calls"][0]
    at = first.pop("at")
    assert at.startswith("20") and first == {
        "seq": first["seq"],
        "method": "users.lookupByEmail",
        "args": {"email": anna["profile"]["email"]},
        "ok": True,
        "error": None,
        "status": 200,
        "channel": None,
        "channel_name": None,
        "ts": None,
        "text": None,
    }
    post = recorded["calls"][1]
    assert post["args"] == {"channel": "#dev", "text": "recorded", "blocks": [{"type": "divider"}]}
    assert (post["channel"], post["channel_name"], post["ts"], post["text"]) == (
        "C0DEV",
        "#dev",
        posted["ts"],
        "recorded",
    )
    names = [m["channel_name"] for m in recorded["messages"]]
    assert names == ["#dev", "DM Anna Svensson", "group DM Anna Svensson, Bo Kvarnsmyr"]
    failed = recorded["calls"][-1]
    assert (failed["ok"], failed["error"], failed["status"]) == (False, "no_text", 200)

    since = recorded["calls"][-2]["seq"]
    later = requests.get(f"{stand_in.url}/_stand-in/messages", params={"since": since}).json()
    assert [c["seq"] for c in later["calls"]] == [since + 1] and later["messages"] == []


def test_reset_keeps_the_workspace(stand_in, slack, anna):
    slack.chat_postMessage(channel="#dev", text="before reset")
    requests.post(f"{stand_in.url}/_stand-in/reset").raise_for_status()
    assert stand_in.calls() == []
    assert slack.users_info(user=anna["id"])["user"]["id"] == anna["id"]
    assert requests.get(f"{stand_in.url}/_stand-in/health").json() == {"ok": True}


def test_team_join_is_delivered_signed(stand_in, events):
    _, received = events
    while not received.empty():  # deliveries for users added by other tests
        received.get_nowait()
    user = requests.post(
        f"{stand_in.url}/_stand-in/users", json={"email": "cecilia.lund@innerjourney.se", "name": "Cecilia Lund"}
    ).json()["user"]
    verified, headers, body = received.get(timeout=5)
    assert verified, headers
    envelope = json.loads(body)
    assert envelope["type"] == "event_callback" and envelope["team_id"] == "T0INNERJ"
    assert envelope["event_id"].startswith("Ev") and isinstance(envelope["event_time"], int)
    assert envelope["api_app_id"] and envelope["token"]
    assert envelope["event"]["type"] == "team_join" and envelope["event"]["user"] == user
    # The check can fail: the same request does not verify under another secret.
    assert not SignatureVerifier("another-secret").is_valid_request(body, headers)

    stand_in.add_user("cecilia.lund@innerjourney.se", "Cecilia Lund")
    with pytest.raises(queue.Empty):  # a known e-mail is no new member: no second team_join
        received.get(timeout=0.5)


def test_runs_standalone():
    process = subprocess.Popen(
        [sys.executable, "-m", "devplan_tools.stand_in", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        assert requests.get(f"{url}/_stand-in/health", timeout=5).json() == {"ok": True}
    finally:
        process.terminate()
        process.wait(timeout=5)
