"""The stand-in enforces Slack's published per-method tiers (stand_in/tiers.py) when asked to:
bursts, then HTTP 429 with an integer Retry-After and {"ok": false, "error": "ratelimited"}, as
Slack answers; chat.postMessage per channel and per workspace; time-scaled; a method can be
made tighter (POST /_stand-in/limits) for fault tests. Off by default (the other tests rely on
an unlimited stand-in but for its per-channel limit)."""

from __future__ import annotations

import math
import time

import pytest
import requests

from devplan_tools.stand_in import tiers
from devplan_tools.stand_in.server import SlackStandIn

# Slack's method reference (https://docs.slack.dev/reference/methods/<method>) and rate-limit page.
PUBLISHED = {
    "users.lookupByEmail": 50,
    "conversations.open": 50,
    "conversations.invite": 50,
    "conversations.history": 50,
    "chat.update": 50,
    "conversations.list": 20,
    "users.info": 100,
    "views.publish": 100,
    "views.open": 100,
}


def test_the_limits_are_slacks_published_tiers():
    for method, per_minute in PUBLISHED.items():
        assert tiers.method_limit(method).per_minute == per_minute, method
    assert tiers.PER_MINUTE == {1: 1, 2: 20, 3: 50, 4: 100}
    assert tiers.CHANNEL_POSTS.per_minute == 60  # 1 message a second per channel
    assert tiers.WORKSPACE_POSTS.per_minute == 525
    assert tiers.method_limit("conversations.open").scaled(10).per_minute == 500


@pytest.fixture()
def stand_in():
    with SlackStandIn(tiers=1.0) as s:
        yield s


def call(stand_in, method: str, **args) -> requests.Response:
    headers = {"Authorization": f"Bearer {stand_in.bot_token}"}
    return requests.post(f"{stand_in.url}/api/{method}", json=args, headers=headers, timeout=10)


def users(stand_in, n: int) -> list[str]:
    return [stand_in.add_user(f"p{i}@example.se", f"Person {i}")["user"]["id"] for i in range(n)]


def test_a_tier_3_method_allows_its_burst_then_answers_429_with_retry_after(stand_in):
    people = users(stand_in, 8)
    burst = tiers.BURST[3]
    answers = [call(stand_in, "conversations.open", users=f"{people[0]},{p}") for p in people[1 : burst + 2]]
    assert [a.status_code for a in answers] == [200] * burst + [429]
    limited = answers[-1]
    assert limited.json() == {"ok": False, "error": "ratelimited"}
    # the next token comes in 60/50 = 1.2 s: whole seconds, rounded up, as Slack sends them
    assert limited.headers["Retry-After"] == str(math.ceil(60 / 50))
    assert call(stand_in, "users.info", user=people[0]).status_code == 200  # other methods have their own bucket
    limits = requests.get(f"{stand_in.url}/_stand-in/limits", timeout=5).json()["tiers"]
    assert limits["limited"] == {"conversations.open": 1} and limits["allowed"]["conversations.open"] == burst


def test_the_time_scale_multiplies_the_rate(stand_in):
    (anna,) = users(stand_in, 1)
    stand_in.set_tiers(True, k=60.0)  # Tier 3: 50 a second
    started = time.monotonic()
    codes = [call(stand_in, "users.lookupByEmail", email="p0@example.se").status_code for _ in range(10)]
    while 429 in codes[-1:] and time.monotonic() - started < 5:
        time.sleep(0.05)
        codes.append(call(stand_in, "users.lookupByEmail", email="p0@example.se").status_code)
    assert codes[:5] == [200] * 5 and codes[-1] == 200
    assert time.monotonic() - started < 2  # at k = 1 the 6th call would wait 1.2 s, the 10th 6 s


def test_posts_are_limited_per_channel_and_per_workspace(stand_in):
    anna, bo = users(stand_in, 2)
    codes = [call(stand_in, "chat.postMessage", channel=anna, text=f"hej {i}").status_code for i in range(4)]
    assert codes == [200, 200, 200, 429]  # 1 a second per channel, bursts of 3
    assert call(stand_in, "chat.postMessage", channel=bo, text="hej").status_code == 200  # another channel
    # The workspace's bucket refills at 525/min × k: at k = 1 a token comes back every 0.11 s, so
    # on a busy machine the 25 posts below would meet a refilled one; at k = 0.01 it takes 11 s.
    stand_in.set_tiers(True, k=0.01)
    people = users(stand_in, 30)
    codes = [call(stand_in, "chat.postMessage", channel=p, text="hej").status_code for p in people[:25]]
    assert codes.count(200) == tiers.POST_BURST_PER_WORKSPACE and codes[-1] == 429  # the workspace ceiling


def test_a_method_can_be_made_tighter_and_the_limits_turned_off(stand_in):
    anna, bo = users(stand_in, 2)
    url = f"{stand_in.url}/_stand-in/limits"
    tight = {"tiers": True, "time_scale": 1, "methods": {"conversations.open": {"per_minute": 1, "burst": 1}}}
    assert requests.post(url, json=tight, timeout=5).json()["tiers"]["overrides"] == {
        "conversations.open": {"per_minute": 1.0, "burst": 1}
    }
    assert call(stand_in, "conversations.open", users=f"{anna},{bo}").status_code == 200
    limited = call(stand_in, "conversations.open", users=f"{anna},{bo}")
    assert limited.status_code == 429 and 59 <= int(limited.headers["Retry-After"]) <= 60
    for bad in ({"tiers": "yes"}, {"tiers": True, "time_scale": 0}, {"tiers": True, "methods": {"x": {}}}):
        assert requests.post(url, json=bad, timeout=5).status_code == 400
    assert requests.post(url, json={"tiers": False}, timeout=5).json()["tiers"] is None
    assert all(call(stand_in, "conversations.open", users=f"{anna},{bo}").ok for _ in range(20))


def test_without_tiers_nothing_but_the_per_channel_limit_applies():
    with SlackStandIn(rate_limit_per_channel=1) as stand_in:
        people = users(stand_in, 60)
        assert all(call(stand_in, "conversations.open", users=p).ok for p in people)
        assert call(stand_in, "chat.postMessage", channel=people[0], text="a").ok
        assert call(stand_in, "chat.postMessage", channel=people[0], text="b").status_code == 429
