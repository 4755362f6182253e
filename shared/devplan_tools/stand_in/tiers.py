"""Slack's published Web API rate limits, per method, as the stand-in enforces them.

Slack limits every method "per API method per workspace per app" in tiers
(https://docs.slack.dev/apis/web-api/rate-limits): Tier 1 1+/min, Tier 2 20+/min, Tier 3 50+/min,
Tier 4 100+/min, each "allowing for occasional bursts"; chat.postMessage is Special: "one message
per second per channel" with "short bursts >1 allowed", plus a workspace-wide limit Slack does not
publish (a large vendor reports about 525 messages a minute sustained, see issue 9). Each method's
tier is the one on its page of Slack's method reference, https://docs.slack.dev/reference/methods/<method>.

Bursts are not published either: a token bucket of BURST calls that refills at the tier's rate
models "occasional bursts" (the floor in bench/pacing/floor.py uses the same numbers).
"""

from __future__ import annotations

from dataclasses import dataclass

PER_MINUTE = {1: 1.0, 2: 20.0, 3: 50.0, 4: 100.0}
BURST = {1: 1, 2: 3, 3: 5, 4: 10}

# method -> tier, each from https://docs.slack.dev/reference/methods/<method> ("Rate limits").
TIERS: dict[str, int] = {
    "auth.test": 4,  # "Special": documented as generous; enforced here as Tier 4
    "users.lookupByEmail": 3,  # Tier 3: 50+ per minute
    "users.info": 4,  # Tier 4: 100+ per minute
    "users.list": 2,  # Tier 2: 20+ per minute
    "conversations.open": 3,  # Tier 3: 50+ per minute
    "conversations.invite": 3,  # Tier 3: 50+ per minute
    "conversations.history": 3,  # Tier 3 (internal and Marketplace apps; see the 2025-05-29 changelog)
    "conversations.members": 4,  # Tier 4: 100+ per minute
    "conversations.list": 2,  # Tier 2: 20+ per minute
    "chat.update": 3,  # Tier 3: 50+ per minute
    "chat.postEphemeral": 4,  # Tier 4: 100+ per minute
    "views.open": 4,  # Tier 4: 100+ per minute
    "views.publish": 4,  # Tier 4: 100+ per minute
    "views.update": 4,  # Tier 4: 100+ per minute
    "views.push": 4,  # Tier 4: 100+ per minute
    "files.getUploadURLExternal": 4,  # Tier 4: 100+ per minute
    "files.completeUploadExternal": 4,  # Tier 4: 100+ per minute
}
DEFAULT_TIER = 3  # a method not listed yet: Tier 3 is what most of the conversations family has

# chat.postMessage ("Special"): per channel and per workspace.
POSTS_PER_CHANNEL_PER_MINUTE, POST_BURST_PER_CHANNEL = 60.0, 3  # 1 a second, short bursts
POSTS_PER_WORKSPACE_PER_MINUTE, POST_BURST_PER_WORKSPACE = 525.0, 20
POST = "chat.postMessage"


@dataclass(frozen=True)
class Limit:
    per_minute: float
    burst: int

    def scaled(self, k: float) -> Limit:
        return Limit(self.per_minute * k, self.burst)


def method_limit(method: str) -> Limit:
    tier = TIERS.get(method, DEFAULT_TIER)
    return Limit(PER_MINUTE[tier], BURST[tier])


CHANNEL_POSTS = Limit(POSTS_PER_CHANNEL_PER_MINUTE, POST_BURST_PER_CHANNEL)
WORKSPACE_POSTS = Limit(POSTS_PER_WORKSPACE_PER_MINUTE, POST_BURST_PER_WORKSPACE)
