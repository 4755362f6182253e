"""Fakes with observable state for unit tests of services (no mocks): in-memory documents
under the real store, a Slack that records what it was asked, a publisher that keeps what
it was given. Each answers to the same port as its real twin (services/ports.py), and
tests/contract runs the same cases against both."""

from __future__ import annotations

import copy
import itertools
import re
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from google.api_core.exceptions import InvalidArgument

from devplan.adapters.firestore.documents import BATCH_LIMIT, Contention
from devplan.adapters.firestore.store import Store
from devplan.errors import PermanentError
from devplan.services.ports import SlackRefused
from devplan_tools.stand_in import block_kit

T = TypeVar("T")

NOW = datetime(2025, 1, 7, 8, 0, tzinfo=UTC)


def _merge(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(old)
    for key, value in new.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _field(doc: dict[str, Any], path: str) -> Any:
    value: Any = doc
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "==": lambda a, b: a == b,
    "in": lambda a, b: a in b,
    "array_contains": lambda a, b: isinstance(a, list) and b in a,
    "<": lambda a, b: a is not None and a < b,
    ">=": lambda a, b: a is not None and a >= b,
    ">": lambda a, b: a is not None and a > b,
}


FIRESTORE_MAX_ID_BYTES = 1500
_RESERVED_ID = re.compile(r"__.*__")


def check_document_path(path: str) -> None:
    """What Firestore answers INVALID_ARGUMENT to, for a path of collection/id pairs: an odd
    number of segments (a "/" inside an id), an empty id, ".", "..", the reserved "__…__" form,
    an id over 1,500 bytes or one UTF-8 cannot carry. The in-memory documents refuse the same,
    so a unit test sees an id the mapping failed to make safe."""
    segments = path.split("/")
    if len(segments) % 2:
        raise InvalidArgument(f"{path!r:.80} is not a document path (collection/id pairs)")
    for segment in segments[1::2]:
        try:
            size = len(segment.encode("utf-8"))
        except UnicodeEncodeError:
            raise InvalidArgument(f"document id {segment!r:.60} is not valid UTF-8") from None
        if not segment or segment in (".", "..") or _RESERVED_ID.fullmatch(segment) or size > FIRESTORE_MAX_ID_BYTES:
            raise InvalidArgument(f"document id {segment!r:.60} is not one Firestore takes")


class MemoryTransaction:
    """Reads from the documents as they are; writes applied when the work returns. Unlike
    Firestore it never runs the work twice: contention is the emulator's to show (tests/contract)."""

    def __init__(self, documents: MemoryDocuments):
        self._documents = documents
        self.writes: list[tuple[str, dict[str, Any], bool]] = []

    def get(self, path: str) -> dict[str, Any] | None:
        return self._documents.get(path)

    def get_all(self, paths: Sequence[str]) -> dict[str, dict[str, Any] | None]:
        return self._documents.get_all(paths)

    def query(self, collection: str, filters: Sequence[tuple[str, str, Any]]) -> list[tuple[str, dict[str, Any]]]:
        return self._documents.query(collection, filters)

    def set(self, path: str, data: dict[str, Any], *, merge: bool) -> None:
        self._documents.check_path(path)
        self.writes.append((path, data, merge))


class MemoryDocuments:
    """The in-memory twin of adapters/firestore/documents.FirestoreDocuments (same protocol,
    same contract suite): documents by path, a version per document, optional crash and
    contention injection (`contended`: so many transactions give up as Firestore's client does)."""

    def __init__(self) -> None:
        self.docs: dict[str, dict[str, Any]] = {}
        self.versions: dict[str, int] = {}
        self.fail_next_set: Callable[[str, dict[str, Any]], bool] | None = None
        self.contended = 0

    def check_path(self, path: str) -> None:
        check_document_path(path)

    def run_in_transaction(self, work: Callable[[MemoryTransaction], T]) -> T:
        tx = MemoryTransaction(self)
        result = work(tx)
        if self.contended:  # the work ran, its writes are thrown away: as a lost commit
            self.contended -= 1
            raise Contention("simulated: too much contention on these documents")
        for path, data, merge in tx.writes:  # committed only when work returns
            self.set(path, data, merge=merge)
        return result

    def get(self, path: str) -> dict[str, Any] | None:
        self.check_path(path)
        return copy.deepcopy(self.docs.get(path))

    def get_all(self, paths: Sequence[str]) -> dict[str, dict[str, Any] | None]:
        return {p: self.get(p) for p in paths}

    def query(
        self,
        collection: str,
        filters: Sequence[tuple[str, str, Any]],
        *,
        limit: int | None = None,
        ids_only: bool = False,
        order_by: tuple[str, str] | None = None,
    ) -> list[tuple[str, dict[str, Any]]]:
        matching = [
            (i, d)
            for i, d in sorted(self.collection(collection).items())
            if all(_OPS[op](_field(d, f), v) for f, op, v in filters)
        ]
        if order_by is not None:  # as Firestore: by the field, then the id; without the field, left out
            field, direction = order_by
            matching = sorted(
                ((i, d) for i, d in matching if _field(d, field) is not None),
                key=lambda found: (_field(found[1], field), found[0]),
                reverse=direction == "desc",
            )
        found = [(i, {} if ids_only else copy.deepcopy(d)) for i, d in matching]
        return found[:limit] if limit is not None else found

    def snapshot(self, path: str) -> tuple[dict[str, Any] | None, int]:
        return self.get(path), self.versions.get(path, 0)

    def update_if_unchanged(self, path: str, data: dict[str, Any], version: int) -> bool:
        """Like Firestore's update(): each named field is replaced whole (not merged into)."""
        self.check_path(path)
        if path not in self.docs or self.versions.get(path, 0) != version:
            return False
        self.docs[path] = {**self.docs[path], **copy.deepcopy(data)}
        self.versions[path] = self.versions.get(path, 0) + 1
        return True

    def set(self, path: str, data: dict[str, Any], *, merge: bool = True) -> None:
        self.check_path(path)
        if self.fail_next_set and self.fail_next_set(path, data):
            self.fail_next_set = None
            raise ConnectionError("simulated crash while writing " + path)
        self.docs[path] = _merge(self.docs.get(path, {}), data) if merge else copy.deepcopy(data)
        self.versions[path] = self.versions.get(path, 0) + 1

    def set_all(self, writes: Sequence[tuple[str, dict[str, Any]]], *, merge: bool = True) -> None:
        """One commit, all or none, as Firestore's batch: checked (and a crash injected) before
        any write; then each through `set`, so a subclass counting or checking writes sees them."""
        if len(writes) > BATCH_LIMIT:
            raise ValueError(f"{len(writes)} writes in one commit; Firestore takes at most {BATCH_LIMIT}")
        for path, data in writes:
            self.check_path(path)
            if self.fail_next_set and self.fail_next_set(path, data):
                self.fail_next_set = None
                raise ConnectionError("simulated crash while committing " + path)
        for path, data in writes:
            self.set(path, data, merge=merge)

    def delete(self, path: str) -> None:
        self.check_path(path)
        if self.docs.pop(path, None) is not None:
            self.versions[path] = self.versions.get(path, 0) + 1

    def collection(self, name: str) -> dict[str, dict[str, Any]]:
        """The documents directly in a collection (not in its subcollections), by id."""
        prefix = name + "/"
        return {
            p[len(prefix) :]: d for p, d in self.docs.items() if p.startswith(prefix) and "/" not in p[len(prefix) :]
        }


class InMemoryStore(Store):
    """The real store (adapters/firestore/store.py) over in-memory documents: services run
    exactly the mapping, ledger and outbox code they run in production; tests seed and read
    documents in the Firestore layout through `docs`, `get` and `set`."""

    def __init__(self, now: datetime = NOW):
        self.memory = MemoryDocuments()
        self.now = now
        self.pauses: list[float] = []  # the store's pauses between contended transactions, not slept
        super().__init__(self.memory, clock=lambda: self.now, pause=self.pauses.append)

    @property
    def docs(self) -> dict[str, dict[str, Any]]:
        return self.memory.docs

    @property
    def versions(self) -> dict[str, int]:
        return self.memory.versions

    @property
    def fail_next_set(self) -> Callable[[str, dict[str, Any]], bool] | None:
        return self.memory.fail_next_set

    @fail_next_set.setter
    def fail_next_set(self, check: Callable[[str, dict[str, Any]], bool] | None) -> None:
        self.memory.fail_next_set = check

    def get(self, path: str) -> dict[str, Any] | None:
        return self.memory.get(path)

    def set(self, path: str, data: dict[str, Any], *, merge: bool = True) -> None:
        self.memory.set(path, data, merge=merge)

    def collection(self, name: str) -> dict[str, dict[str, Any]]:
        return self.memory.collection(name)


class FakeSlack:
    """Records posts per channel; users by e-mail; can refuse a channel for good."""

    def __init__(self, users: dict[str, str] | None = None):
        self.users = dict(users or {})  # email → user id
        self.posted: list[dict[str, Any]] = []
        self.invited: list[tuple[str, str]] = []
        self.lookups = 0
        self.broken_channels: set[str] = set()
        self.channels = {"general", "dev", "coaching", "finance"}  # the workspace's public channels
        self._ts = itertools.count(1)
        self.views: list[dict[str, Any]] = []  # modals opened, each with its trigger_id
        self.files: list[dict[str, Any]] = []  # files shared: channel, filename, content, title, comment, id
        self._triggers: dict[str, bool] = {}  # trigger_id → still unused
        self.homes: dict[str, list[dict[str, Any]]] = {}  # user id → Home views published, oldest first
        self.locales: dict[str, str] = {}  # user id → Slack locale ("en-US"); none: Slack's default
        self.locale_asks = 0

    def issue_trigger(self) -> str:
        """What a command or click carries; usable once, as Slack's."""
        trigger_id = f"trigger-{len(self._triggers) + 1}"
        self._triggers[trigger_id] = True
        return trigger_id

    def open_view(self, trigger_id: str, view: dict[str, Any]) -> None:
        if not self._triggers.get(trigger_id):
            # Slack: invalid_trigger_id, or exchanged_trigger_id for one used before
            raise SlackRefused("slack views.open: " + ("exchanged" if trigger_id in self._triggers else "invalid"))
        self._triggers[trigger_id] = False
        self.views.append({"trigger_id": trigger_id, **view})

    def publish_home(self, user_id: str, view: dict[str, Any]) -> None:
        """Checked against Slack's Block Kit limits, as Slack refuses a view that breaks one."""
        broken = block_kit.problems("home", view.get("blocks"), view) if view.get("type") == "home" else ["not home"]
        if broken:
            raise PermanentError("slack views.publish: invalid_arguments " + "; ".join(broken[:3]))
        self.homes.setdefault(user_id, []).append(view)

    def lookup_user_id(self, email: str) -> str | None:
        self.lookups += 1
        return self.users.get(email)

    def user_locale(self, user_id: str) -> str | None:
        self.locale_asks += 1
        return self.locales.get(user_id)

    def team_id(self) -> str:
        return "T_TEST"

    def conversation_for(self, users: tuple[str, ...]) -> str:
        """As the gateway: one person's user id as is (Slack opens the DM on the post)."""
        return users[0] if len(users) == 1 else "G-" + "-".join(sorted(users))

    @staticmethod
    def _in_slack(channel: str) -> str:
        """Where Slack puts what is sent to a user id: the person's DM ("D-<id>"), also where the
        gateway looks for it again (adapters/slack.py opens the DM for history and files)."""
        return "D-" + channel if channel[:1] in ("U", "W") else channel

    def channel_id(self, name: str) -> str:
        name = name.lstrip("#")
        if name in self.broken_channels or name not in self.channels:
            raise PermanentError(f"slack: channel #{name} does not exist")
        return "C-" + name

    def post(self, channel: str, text: str, blocks: list[dict[str, Any]], outbox_id: str) -> str:
        # Slack's ts is the post's time (seconds.micros), unique per channel: history searches by it.
        ts = f"{int(time.time())}.{next(self._ts):06d}"
        channel = self._in_slack(channel)
        self.posted.append({"channel": channel, "text": text, "blocks": blocks, "outbox_id": outbox_id, "ts": ts})
        return ts

    def find_posted(self, channel: str, outbox_id: str, oldest: float) -> str | None:
        channel = self._in_slack(channel)
        return next(
            (
                p["ts"]
                for p in self.posted
                if p["channel"] == channel and p["outbox_id"] == outbox_id and float(p["ts"]) >= oldest
            ),
            None,
        )

    def invite(self, channel: str, user: str) -> None:
        if (channel, user) not in self.invited:
            self.invited.append((channel, user))

    def upload_file(self, channel: str, filename: str, content: bytes, title: str, comment: str) -> str:
        file_id = f"F{next(self._ts):08d}"
        ts = f"{int(time.time())}.{next(self._ts):06d}"
        channel = self._in_slack(channel)
        self.files.append(
            {"channel": channel, "filename": filename, "content": content, "title": title, "comment": comment}
            | {"id": file_id, "ts": ts}
        )
        return file_id

    def find_uploaded(self, channel: str, filename: str, oldest: float) -> str | None:
        channel = self._in_slack(channel)
        return next(
            (
                f["id"]
                for f in self.files
                if f["channel"] == channel and f["filename"] == filename and float(f["ts"]) >= oldest
            ),
            None,
        )

    def texts_to(self, channel: str) -> list[str]:
        return [p["text"] for p in self.posted if p["channel"] == self._in_slack(channel)]


class FakePublisher:
    def __init__(self):
        self.published: list[tuple[str, dict[str, Any]]] = []

    def publish_many(self, topic: str, messages: list[dict[str, Any]], **attributes: str) -> list[str]:
        self.published += [(topic, m) for m in messages]
        return [str(len(self.published) - len(messages) + i) for i in range(len(messages))]


if TYPE_CHECKING:  # mypy checks that each fake answers to its port, as runtime.py checks the real adapters
    from devplan.adapters.firestore.documents import Documents
    from devplan.services import ports

    _documents: Documents = MemoryDocuments()
    _store: ports.Store = InMemoryStore()
    _slack: ports.Slack = FakeSlack()
    _publisher: ports.Publisher = FakePublisher()
