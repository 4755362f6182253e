"""What the services need from Slack, as a typing.Protocol (adapters/slack.py is the real one,
tests/fakes.FakeSlack the fake), and the two ways a Slack call fails that services tell apart.
Apart from ports.py for size; ports.py re-exports all three, so services import them from there."""

from __future__ import annotations

from typing import Any, Protocol

from devplan.errors import PermanentError, TransientError


class Slack(Protocol):
    """The Slack Web API operations the product uses; errors arrive as our error types."""

    def lookup_user_id(self, email: str) -> str | None:
        """None while the person has no Slack account."""

    def user_locale(self, user_id: str) -> str | None:
        """The account's locale ("en-US", "sv-SE"), from users.info with include_locale; None if
        Slack says none or the account is gone. Asked once, when the account is linked."""

    def conversation_for(self, users: tuple[str, ...]) -> str:
        """Where to post to `users`: one person's user id as is (no call), a group DM opened."""

    def channel_id(self, name: str) -> str: ...
    def team_id(self) -> str: ...
    def post(self, channel: str, text: str, blocks: list[dict[str, Any]], outbox_id: str) -> str: ...
    def find_posted(self, channel: str, outbox_id: str, oldest: float) -> str | None: ...
    def invite(self, channel: str, user: str) -> None: ...
    def upload_file(self, channel: str, filename: str, content: bytes, title: str, comment: str) -> str:
        """Upload `content` and share it in `channel` with `comment` (Slack's external upload:
        files.getUploadURLExternal, the bytes, files.completeUploadExternal); the file's id."""

    def find_uploaded(self, channel: str, filename: str, oldest: float) -> str | None:
        """The id of a file named `filename` shared in `channel` since `oldest`, if one got through
        before a crash (a file's message carries no metadata: the outbox gives each its own name)."""

    def open_view(self, trigger_id: str, view: dict[str, Any]) -> None:
        """Open a modal for the person whose command or click carried `trigger_id` (usable once,
        within 3 s: the one Slack call made while answering a request, never in a transaction)."""

    def publish_home(self, user_id: str, view: dict[str, Any]) -> None:
        """views.publish: `view` becomes the Home tab `user_id` sees (the outbox sender's, kind "home")."""


class SlackRefused(TransientError):
    """Slack answered a call with an error code (rate limited, a scope missing, …): it did
    nothing, so a post that fails this way was not posted. A time-out, a connection reset or
    a 5xx are plain TransientErrors: whether a post got through is then unknown."""


class ConversationGone(PermanentError):
    """Slack does not (or no longer) know the conversation: channel_not_found, is_archived.
    Permanent for the message, unless its id was one the sender kept: opened again, it works."""
