"""The shared state the stand-in's parts work on, declared for the type checker.

Workspace (workspace.py) is put together from one mixin per Web API family, and
SlackStandIn (server.py) from one mixin per concern at Slack's edge; each mixin uses
state that the composed class creates in its ``__init__`` and methods another mixin
provides.  The bases here only *declare* those (annotations, and method signatures
under ``TYPE_CHECKING``), so they add nothing at run time: every attribute is still
set by the composed class and every method still comes from its own mixin.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from devplan_tools.stand_in.workspace import Workspace


class WorkspaceState:
    """What Workspace's parts (users.py, conversations.py, chat.py, views.py, team.py) share."""

    METHODS: tuple[str, ...]  # the Web API methods a part serves

    users: dict[str, dict]  # user id -> Slack user object
    _by_email: dict[str, str]  # lower-cased e-mail -> user id
    conversations: dict[str, dict]  # conversation id -> {"id", "kind", "name", "members", ...}
    history: dict[str, list[dict]]  # conversation id -> messages, oldest first
    _last_ts: int  # the last ts handed out, in microseconds
    _views: dict[str, dict]  # view id -> view object
    _home_view_ids: dict[str, str]  # user id -> their Home tab's view id
    _triggers: dict[str, float | None]  # trigger_id -> issued (monotonic), None once exchanged
    _trigger_users: dict[str, str | None]  # trigger_id -> whose command or click carried it
    _view_users: dict[str, str | None]  # open modal's view id -> its user
    files: dict[str, dict]  # file id -> {"id", "name", "length", "content", "shared", ...} (files.py)
    upload_url_base: str  # where the stand-in serves upload URLs (set by the server once started)

    if TYPE_CHECKING:
        # Provided by Users (users.py).
        def user(self, uid: Any) -> dict: ...

        # Provided by Conversations (conversations.py).
        def find(self, ref: Any) -> dict | None: ...
        def conversation(self, ref: Any, *, lenient: bool = False) -> dict: ...

        # Provided by Chat (chat.py).
        @staticmethod
        def _shown(message: dict, *, with_metadata: bool = True) -> dict: ...
        def _post(self, conv: dict, fields: dict) -> dict: ...


class StandInState:
    """What SlackStandIn's parts (web_api.py, limits.py, delivery.py) share with server.py."""

    host: str
    port: int
    bot_token: str
    rate_limit_per_channel: float | None  # accepted chat.postMessage per second and channel
    events_url: str | None  # the app's request URL for events and interactivity
    signing_secret: str | None
    workspace: Workspace
    _lock: threading.RLock  # serialises every call (see server.py)
    _calls: list[dict]  # the recording, see SlackStandIn.calls()
    _seq: int
    _faults: dict[str, list[dict]]  # method -> queued {"status"/"error", "count"}
    _last_post: dict[str, float]  # channel id -> monotonic time of the last accepted post
    _holds: list[dict]  # {"method", "match", "count"}: answers to hold back (limits.py)
    _held: dict[int, threading.Event]  # seq of a held call -> set when it may be answered
    _chaos: dict | None  # {"rate", "rng", "counts"}: random failures (limits.py)
    _tiers: Any  # limits.TierLimits while Slack's tiers are enforced, else None

    if TYPE_CHECKING:
        # Provided by SlackStandIn (server.py).
        @property
        def url(self) -> str: ...

        # Provided by FaultsAndLimits (limits.py).
        def _take_fault(self, method: str) -> dict | None: ...
        def _rate_limited(self, channel_id: str) -> int: ...
        def _take_hold(self, method: str, args: dict, seq: int) -> threading.Event | None: ...
        def _chaos_fault(self, method: str) -> str | None: ...
