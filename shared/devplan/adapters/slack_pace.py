"""Pacing towards Slack: never more calls than Slack's published limits allow, so the product
collects (almost) no 429s instead of hammering and backing off.

Slack limits each Web API method per app and workspace in tiers (Tier 2 20/min, Tier 3 50/min,
Tier 4 100/min, https://docs.slack.dev/apis/web-api/rate-limits; each method's tier is on its
page of the method reference) and chat.postMessage per channel (1 a second, short bursts) and
per workspace (not published; about 525 a minute sustained is reported). The limits hold per
workspace, so a pace in one process is only the whole truth when one process sends: the sender
runs on one instance (infra/functions.yaml: max_instances 1), and what other functions call
(look-ups, views) is small. Whatever still comes back 429 (another instance, a tighter tier than
published) pauses that method or channel for the Retry-After Slack gave (`pause`).

A call reserves its turn (GCRA, the token bucket's virtual-time twin): the reservation is
booked at once, so concurrent callers queue in order instead of racing; a turn further away
than the caller can wait (`max_wait`) is not booked and raises `TooLong`. A post queues in its
channel, then goes at the first moment both the workspace and the channel's sends allow
(`_post`), so one busy or paused channel delays only its own posts.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

# Calls a minute and burst per tier, 2 % under Slack's figures: clocks, network jitter and
# the few calls of other instances must not push a paced call over the line.
MARGIN = 0.98
TIER_PER_MINUTE = {2: 20.0, 3: 50.0, 4: 100.0}
TIER_BURST = {2: 3, 3: 5, 4: 10}
METHOD_TIER = {  # from https://docs.slack.dev/reference/methods/<method>
    "auth.test": 4,  # Special, generous
    "users.lookupByEmail": 3,
    "users.info": 4,
    "users.list": 2,  # the workspace listed for a batch (adapters/slack_directory.py)
    "conversations.open": 3,
    "conversations.invite": 3,
    "conversations.history": 3,
    "conversations.list": 2,
    "chat.update": 3,
    "views.open": 4,
    "views.publish": 4,
    "files.getUploadURLExternal": 4,  # the digest's upload (files_upload_v2 is paced as its last call)
    "files.completeUploadExternal": 4,
}
POST = "chat.postMessage"
POSTS_PER_CHANNEL = (60.0, 3)  # per minute, burst: "1 per second, short bursts >1 allowed"
POSTS_PER_WORKSPACE = (525.0, 20)
# Limits × k: 1 in production (unset); the local stack sets 0 = no pace (its stand-in limits
# nothing unless told to), the pacing benchmark the stand-in's k. A 429's pause holds either way.
SCALE_ENV = "DEVPLAN_SLACK_RATE_SCALE"


_PROCESS: dict[float, Pace] = {}
_PROCESS_LOCK = threading.Lock()


class TooLong(Exception):
    """The call's turn is further away than the caller can wait."""

    def __init__(self, seconds: float):
        super().__init__(f"next turn in {seconds:.1f} s")
        self.seconds = seconds


@dataclass
class _Lane:
    interval: float  # seconds per call
    tolerance: float  # (burst - 1) × interval
    tat: float = 0.0  # theoretical arrival time of the next call
    paused_until: float = 0.0  # Slack said Retry-After

    def earliest(self, now: float) -> float:
        return max(now, self.tat - self.tolerance, self.paused_until)


class Pace:
    def __init__(
        self,
        k: float = 1.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.k, self._clock, self._sleep = k, clock, sleep
        self._lanes: dict[str, _Lane] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_env(cls) -> Pace:
        """The process's one pace (per k): Slack counts per workspace, so two clients built
        in one process (concurrent first requests racing to build one) must share it."""
        k = float(os.environ.get(SCALE_ENV) or 1.0)  # "0": no pace
        with _PROCESS_LOCK:
            if k not in _PROCESS:
                _PROCESS[k] = cls(k)
            return _PROCESS[k]

    def _lane(self, key: str, per_minute: float, burst: int) -> _Lane:
        lane = self._lanes.get(key)
        if lane is None:
            interval = 60.0 / (per_minute * MARGIN * self.k) if self.k > 0 else 0.0
            lane = self._lanes[key] = _Lane(interval, (burst - 1) * interval)
        return lane

    def _lanes_of(self, method: str, channel: str | None) -> list[_Lane]:
        """The lane a call queues in: a post its channel's (the workspace's without a channel)."""
        if method == POST:
            return [self._lane(f"post#{channel}", *POSTS_PER_CHANNEL) if channel else self._workspace()]
        tier = METHOD_TIER.get(method, 3)
        return [self._lane(method, TIER_PER_MINUTE[tier], TIER_BURST[tier])]

    def _workspace(self) -> _Lane:
        return self._lane("post#workspace", *POSTS_PER_WORKSPACE)

    def waits(self, method: str) -> bool:
        """Whether a call of `method` (not a post) would wait for its turn now: its burst is used
        up, more calls come at once than Slack lets through together. Books nothing."""
        with self._lock:
            now = self._clock()
            return self._lanes_of(method, None)[0].earliest(now) > now

    def turn(self, method: str, channel: str | None = None, *, max_wait: float | None = None) -> float:
        """Wait for this call's turn (seconds waited); TooLong when it is more than `max_wait` away."""
        if method != POST or not channel:
            return self._one_lane(self._lanes_of(method, channel)[0], max_wait)
        return self._post(channel, max_wait)

    def _one_lane(self, lane: _Lane, max_wait: float | None) -> float:
        with self._lock:
            now = self._clock()
            at = lane.earliest(now)
            if max_wait is not None and at - now > max_wait:
                raise TooLong(at - now)
            lane.tat = max(lane.tat, at) + lane.interval
        if at > now:
            self._sleep(at - now)
        return max(0.0, at - now)

    def _post(self, channel: str, max_wait: float | None) -> float:
        """A post to a channel: its queue in the channel, then the moment both buckets allow.

        Three lanes: the channel's queue (`post#C`, so the channel's posts go in order and a
        post knows its wait), what went out to the channel (`sent#C`, the bucket Slack counts)
        and the workspace's. Step 1 takes the channel's turn and sleeps until then. Step 2 goes
        when the workspace has a token AND the channel's sends allow that same moment, booking
        both at it: a busy workspace delays a channel's queued posts, and without the second
        check they would all go out together once it frees (10 posts within 50 ms, a 429).
        The workspace is only ever booked at its own next turn: when the channel's sends are
        what holds the post, it sleeps without booking, because a workspace turn booked at
        the end of one busy or paused channel's backlog would hold every other channel's posts."""
        queue = self._lane(f"post#{channel}", *POSTS_PER_CHANNEL)
        sent = self._lane(f"sent#{channel}", *POSTS_PER_CHANNEL)
        workspace = self._workspace()
        with self._lock:
            start = self._clock()
            queue.tat = max(queue.tat, sent.tat)  # sends the workspace delayed push the queue too
            at = queue.earliest(start)
            expected = max(at, sent.earliest(at), workspace.earliest(at))
            if max_wait is not None and expected - start > max_wait:
                raise TooLong(expected - start)
            before = queue.tat
            queue.tat = booked = max(queue.tat, at) + queue.interval
        if at > start:
            self._sleep(at - start)
        reached = at  # what this call slept until (a fake clock in tests may not show it)
        while True:
            with self._lock:
                now = self._clock()
                local = max(now, reached)
                send, free = sent.earliest(local), workspace.earliest(now)
                go = max(send, free)
                if max_wait is not None and go - start > max_wait:
                    if queue.tat == booked:  # nobody queued behind: give the turn back
                        queue.tat = before
                    raise TooLong(go - start)
                if send <= max(free, local):
                    # both at `go`: the workspace's own turn, which the channel's sends allow
                    workspace.tat = max(workspace.tat, free) + workspace.interval
                    sent.tat = max(sent.tat, go) + sent.interval
                    break
            reached = send  # the channel's sends hold the post: wait for them, book nothing
            self._sleep(send - local)
        if go > local:
            self._sleep(go - local)
        return max(0.0, go - start)

    def pause(self, method: str, channel: str | None, seconds: float) -> None:
        """Slack answered 429 with Retry-After `seconds`: nothing of that kind before then
        (a post's channel when known: another channel's posts may well go on)."""
        with self._lock:
            lane = self._lanes_of(method, channel)[0]  # the channel's lane for a post, else the method's
            lane.paused_until = max(lane.paused_until, self._clock() + seconds)
