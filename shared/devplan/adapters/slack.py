"""Slack Web API behind the few operations the product needs; Slack errors become our error types.

The HTTP client and its retries of server and connection errors are in slack_client.py. What
is still failing afterwards becomes a TransientError for the function's retry policy:
SlackRefused when Slack answered with an error code (nothing was done).

Every call is paced (slack_pace.py: Slack's tiers, a post's channel and the workspace), and a
429 pauses what it limited for its Retry-After (capped, malformed values read as a second),
then the call goes again, here, not in slack-sdk (whose handler sleeps whatever Retry-After
says and fails on a malformed one). All the waits of one call stay within MAX_WAIT, and no wait
and no call starts that could end past the invocation's budget (services/deadline.py; every
function sets one): the call is given back as SlackRefused instead, for the retry. A DM is
posted to the person's user id (Slack opens the DM itself), so conversations.open (Tier 3) is
called only for group DMs, whose ids the sender keeps (services/delivery.py).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.web import SlackResponse

from devplan.adapters.slack_client import (  # web_client, retry_after, the reserves: imported from here too
    CALL_RESERVE,
    MAX_WAIT,
    RATE_LIMITED_ATTEMPTS,
    RateLimited,
    guarded,
    left_for_calls,
    retry_after,
    web_client,
)
from devplan.adapters.slack_directory import PAGE_SIZE, Directory
from devplan.adapters.slack_pace import POST, Pace, TooLong
from devplan.adapters.slack_upload import upload_external
from devplan.errors import PermanentError, TransientError
from devplan.services.ports import ConversationGone, SlackRefused

__all__ = ["CALL_RESERVE", "MAX_WAIT", "OUTBOX_EVENT_TYPE", "SlackGateway", "retry_after", "web_client"]
log = logging.getLogger(__name__)
OUTBOX_EVENT_TYPE = "devplan_outbox"  # message metadata that marks a post as one outbox message


class SlackGateway:
    def __init__(self, client: WebClient, pace: Pace | None = None):
        self._client = client
        self._pace = pace or Pace.from_env()
        self._conversations: dict[tuple[str, ...], str] = {}
        self._channels: dict[str, str] = {}
        self._team_id: str | None = None
        self._lock = threading.Lock()
        self._directory = Directory()

    def _call(self, method: str, **args: Any) -> dict[str, Any]:
        call = (lambda: self._client.api_call(method, json=args)) if args else (lambda: self._client.api_call(method))
        try:
            return self._paced(method, args.get("channel") if method == POST else None, call)
        except ConversationGone:
            self._forget(args.get("channel"))
            raise

    def _forget(self, channel: str | None) -> None:
        """A conversation Slack no longer knows is opened again when next asked for."""
        with self._lock:
            for key in [key for key, known in self._conversations.items() if known == channel]:
                del self._conversations[key]

    def _paced(self, method: str, channel: str | None, call: Callable[[], SlackResponse]) -> dict[str, Any]:
        """One call in its turn of the pace (a post: also its channel's); a 429 pauses the method
        (or the channel) for its Retry-After and the call waits its next turn. All its waits
        together stay within MAX_WAIT and the budget."""
        waited = 0.0
        for _ in range(RATE_LIMITED_ATTEMPTS):
            waited += self._wait_turn(method, channel, MAX_WAIT - waited)
            try:
                return guarded(method, call)
            except RateLimited as limited:
                self._pace.pause(method, channel, limited.seconds)
        raise SlackRefused(f"slack {method}: ratelimited {RATE_LIMITED_ATTEMPTS} times in a row")

    def _wait_turn(self, method: str, channel: str | None, max_wait: float) -> float:
        """Seconds waited for the call's turn; SlackRefused (nothing was done, the caller gives the
        work back and it comes again later) when the budget has no room left for the call, or its
        turn is further away than the budget or `max_wait` allow."""
        left = left_for_calls(method)
        if left is not None:
            max_wait = min(max_wait, left)
        try:
            return self._pace.turn(method, channel, max_wait=max(0.0, max_wait))
        except TooLong as exc:
            raise SlackRefused(f"slack {method}: paced, next turn in {exc.seconds:.0f} s") from exc

    def lookup_user_id(self, email: str) -> str | None:
        """None while the person has no Slack account (Slack answers users_not_found). When more
        look-ups come at once than Slack's burst lets through (a bulk import), the workspace is
        listed once and answers them (slack_directory.py); whoever is not in the listing is
        looked up by itself."""
        if self._directory.fresh() or self._pace.waits("users.lookupByEmail"):
            left = left_for_calls("users.list")
            found = self._directory.find(email, self._users_page, MAX_WAIT if left is None else min(MAX_WAIT, left))
            if found is not None:
                return found
        try:
            return str(self._call("users.lookupByEmail", email=email)["user"]["id"])
        except PermanentError as exc:
            if "users_not_found" in str(exc):
                return None
            raise

    def _users_page(self, cursor: str | None) -> dict[str, Any]:
        return self._call("users.list", limit=PAGE_SIZE, include_locale=True, **({"cursor": cursor} if cursor else {}))

    def user_locale(self, user_id: str) -> str | None:
        """users.info is Tier 4 (about 100 a minute); asked once per person (services/onboarding.py),
        unless a fresh listing of the workspace has it."""
        listed = self._directory.locale(user_id)
        if listed is not None:
            return listed
        try:
            locale = self._call("users.info", user=user_id, include_locale=True)["user"].get("locale")
        except PermanentError as exc:
            if "user_not_found" in str(exc):
                return None
            raise
        return locale if isinstance(locale, str) else None

    def conversation_for(self, users: tuple[str, ...]) -> str:
        """Where to post to `users`: one person's user id (chat.postMessage opens the DM by
        itself, no Tier 3 call), or the group DM (several), opened once per process; its id is
        stable, and the sender keeps it in the store across instances and quarters."""
        if len(users) == 1:
            return users[0]
        key = tuple(sorted(users))
        return self._open(key)

    def _open(self, key: tuple[str, ...]) -> str:
        if key not in self._conversations:
            channel = self._call("conversations.open", users=",".join(key))["channel"]["id"]
            with self._lock:
                self._conversations[key] = channel
        return self._conversations[key]

    def channel_id(self, name: str) -> str:
        name = name.lstrip("#")
        if name not in self._channels:
            found = {
                c["name"]: c["id"]
                for c in self._call("conversations.list", types="public_channel", exclude_archived=True, limit=1000)[
                    "channels"
                ]
            }
            with self._lock:
                self._channels.update(found)
        if name not in self._channels:
            raise PermanentError(f"slack: channel #{name} does not exist")
        return self._channels[name]

    def team_id(self) -> str:
        if self._team_id is None:
            self._team_id = self._call("auth.test")["team_id"]
        return self._team_id

    def post(self, channel: str, text: str, blocks: list[dict[str, Any]], outbox_id: str) -> str:
        response = self._call(
            "chat.postMessage",
            channel=channel,
            text=text,
            blocks=blocks or None,
            unfurl_links=False,
            metadata={"event_type": OUTBOX_EVENT_TYPE, "event_payload": {"outbox_id": outbox_id}},
        )
        return str(response["ts"])

    def find_posted(self, channel: str, outbox_id: str, oldest: float) -> str | None:
        """The ts of an earlier post of this outbox message, if one got through before a crash."""

        def posted(message: dict[str, Any]) -> str | None:
            meta = message.get("metadata") or {}
            if (
                meta.get("event_type") == OUTBOX_EVENT_TYPE
                and (meta.get("event_payload") or {}).get("outbox_id") == outbox_id
            ):
                return str(message["ts"])
            return None

        return self._search_history(channel, oldest, posted, outbox_id)

    def upload_file(self, channel: str, filename: str, content: bytes, title: str, comment: str) -> str:
        if _is_user(channel):  # a file is shared in a conversation: the DM's id, not the user's
            channel = self._open((channel,))
        return upload_external(self._client, self._paced, channel, filename, content, title, comment)

    def find_uploaded(self, channel: str, filename: str, oldest: float) -> str | None:
        def shared(message: dict[str, Any]) -> str | None:
            return next((str(f["id"]) for f in message.get("files") or () if f.get("name") == filename), None)

        return self._search_history(channel, oldest, shared, filename)

    def _search_history(
        self, channel: str, oldest: float, found: Callable[[dict[str, Any]], str | None], what: str
    ) -> str | None:
        if _is_user(channel):  # a DM posted to the user id: the history is the DM's
            channel = self._open((channel,))
        cursor = None
        for _ in range(20):  # pages of 200: a bounded look at everything since `oldest`
            page = self._call(
                "conversations.history",
                channel=channel,
                oldest=f"{oldest:.6f}",
                include_all_metadata=True,
                limit=200,
                **({"cursor": cursor} if cursor else {}),
            )
            for message in page.get("messages", []):
                if (hit := found(message)) is not None:
                    return hit
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not page.get("has_more") or not cursor:
                return None
        raise TransientError(f"slack history of {channel} too long to search for {what}")

    def invite(self, channel: str, user: str) -> None:
        """Idempotent, as Slack's already_in_channel counts as done."""
        try:
            self._call("conversations.invite", channel=channel, users=user)
        except TransientError as exc:
            if "already_in_channel" not in str(exc):
                raise

    def open_view(self, trigger_id: str, view: dict[str, Any]) -> None:
        self._call("views.open", trigger_id=trigger_id, view=view)

    def publish_home(self, user_id: str, view: dict[str, Any]) -> None:
        """Republishing replaces the Home tab: repeating it after a failure is harmless."""
        self._call("views.publish", user_id=user_id, view=view)

    def update(self, channel: str, ts: str, text: str, blocks: list[dict[str, Any]]) -> None:
        self._call("chat.update", channel=channel, ts=ts, text=text, blocks=blocks)


def _is_user(channel: str) -> bool:
    """Slack's user ids start with U (or W on Enterprise Grid); conversation ids with C, D, G."""
    return channel[:1] in ("U", "W")
