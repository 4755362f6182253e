"""The product's pace towards Slack (adapters/slack_pace.py), on a fake clock: a tier's burst at
once, then one call per interval, queued in order; posts per channel and per workspace; a
429's pause; a turn too far away is not booked; one pace per process; 0 = unpaced."""

from __future__ import annotations

import pytest

from devplan.adapters import slack_pace
from devplan.adapters.slack_pace import MARGIN, Pace, TooLong


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock():
    return Clock()


def pace(clock, k=1.0) -> Pace:
    return Pace(k, clock=clock, sleep=clock.sleep)


def test_a_tier_3_method_bursts_then_goes_at_its_rate(clock):
    p = pace(clock)
    waits = [p.turn("conversations.open") for _ in range(8)]
    interval = 60 / (50 * MARGIN)
    assert waits[:5] == [0] * 5 and waits[5:] == pytest.approx([interval] * 3)
    assert clock.now - 1000 == pytest.approx(3 * interval)


def test_the_time_scale_multiplies_the_rate(clock):
    p = pace(clock, k=10)
    for _ in range(15):
        p.turn("users.lookupByEmail")
    assert clock.now - 1000 == pytest.approx(10 * 60 / (500 * MARGIN))


def test_posts_are_paced_per_channel_and_per_workspace(clock):
    p = pace(clock)
    assert [p.turn("chat.postMessage", "U1") for _ in range(4)][3] == pytest.approx(60 / (60 * MARGIN))
    clock.now += 100
    waits = [p.turn("chat.postMessage", f"U{i}") for i in range(100, 125)]
    assert max(waits[:20]) < 1e-6 and min(waits[20:]) > 0.1  # the workspace's burst, then its rate


def test_a_turn_too_far_away_is_not_booked(clock):
    p = pace(clock)
    for _ in range(5):
        p.turn("conversations.open")
    with pytest.raises(TooLong):
        p.turn("conversations.open", max_wait=0.5)
    assert p.turn("conversations.open") == pytest.approx(60 / (50 * MARGIN))  # nobody took the refused turn


def test_a_429_pauses_the_method_or_the_posts_channel(clock):
    p = pace(clock)
    p.pause("users.lookupByEmail", None, 30)
    assert p.turn("users.lookupByEmail") == pytest.approx(30)
    p.pause("chat.postMessage", "U1", 10)
    assert p.turn("chat.postMessage", "U2") == 0  # another channel goes on
    assert p.turn("chat.postMessage", "U1") == pytest.approx(10)


def test_zero_is_unpaced_but_a_429_still_pauses(clock):
    p = pace(clock, k=0)
    assert all(p.turn("conversations.open") == 0 for _ in range(100))
    p.pause("conversations.open", None, 5)
    assert p.turn("conversations.open") == pytest.approx(5)


def test_one_pace_per_process_and_scale(monkeypatch):
    monkeypatch.setenv(slack_pace.SCALE_ENV, "7")
    assert Pace.from_env() is Pace.from_env() and Pace.from_env().k == 7
    monkeypatch.delenv(slack_pace.SCALE_ENV)
    assert Pace.from_env().k == 1.0  # production


class Others(Clock):
    """Callers in their own threads: one caller's sleep does not move the others' clock."""

    def sleep(self, seconds: float) -> None:
        pass


def test_a_channel_paused_by_a_429_holds_up_no_other_channel():
    clock = Others()
    p = pace(clock)
    p.pause("chat.postMessage", "C_GENERAL", 30)  # Slack: 429 with Retry-After 30 on #general
    assert p.turn("chat.postMessage", "C_GENERAL", max_wait=60) == pytest.approx(30)
    clock.now += 0.001  # meanwhile a DM to someone else
    assert p.turn("chat.postMessage", "U_ANNA", max_wait=20) < 0.5


def test_a_busy_channel_does_not_slow_posts_to_other_channels():
    clock = Others()
    p = pace(clock)
    for _ in range(10):  # ten notices queued for the lead's DM: 1 a second there
        p.turn("chat.postMessage", "U_LEAD")
    assert p.turn("chat.postMessage", "U_NEW") < 0.5  # a welcome DM to someone else: at once


def test_a_post_waits_for_its_channel_then_takes_the_workspaces_turn_at_that_moment(clock):
    p = pace(clock)
    p.pause("chat.postMessage", "U1", 10)
    for i in range(20):  # the workspace's burst, used up now
        p.turn("chat.postMessage", f"U{100 + i}")
    waited = p.turn("chat.postMessage", "U1")  # by its turn, the workspace's lane is free again
    assert waited == pytest.approx(10)
    p.pause("chat.postMessage", "U1", 5)
    with pytest.raises(TooLong):  # a turn too far away is still given back
        p.turn("chat.postMessage", "U1", max_wait=0.5)
