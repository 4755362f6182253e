"""Fakes with observable state for unit tests of services (no mocks): an in-memory store that
keeps the Firestore unit-of-work contract, and a Slack that records what it was asked."""
from __future__ import annotations

import copy
import itertools
from datetime import datetime, timezone
from typing import Any, Callable

from devplan.domain.outbox import OutboxMessage
from devplan.errors import PermanentError

NOW = datetime(2025, 1, 7, 8, 0, tzinfo=timezone.utc)


def _merge(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(old)
    for key, value in new.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


class FakeUnitOfWork:
    def __init__(self, store: "InMemoryStore"):
        self.store, self.now = store, store.now
        self.writes: list[tuple[str, dict[str, Any], bool]] = []
        self.emitted: list[OutboxMessage] = []

    def get(self, path: str) -> dict[str, Any] | None:
        return copy.deepcopy(self.store.docs.get(path))

    def get_all(self, paths: list[str]) -> dict[str, Any]:
        return {p: self.get(p) for p in paths}

    def claim(self, key: str) -> bool:
        path = f"processedEvents/{key.replace('/', '_')}"
        if self.get(path) is not None:
            return False
        self.put(path, {"processedAt": self.now}, merge=False)
        return True

    def put(self, path: str, data: dict[str, Any], *, merge: bool = True) -> None:
        self.writes.append((path, data, merge))

    def emit(self, message: OutboxMessage) -> bool:
        path = f"outbox/{message.id}"
        if self.get(path) is not None or any(m.id == message.id for m in self.emitted):
            return False
        self.emitted.append(message)
        self.put(path, message.document(self.now), merge=False)
        return True


class InMemoryStore:
    def __init__(self, now: datetime = NOW):
        self.docs: dict[str, dict[str, Any]] = {}
        self.versions: dict[str, int] = {}
        self.now = now
        self.fail_next_set: Callable[[str, dict[str, Any]], bool] | None = None

    def atomically(self, work: Callable[[FakeUnitOfWork], Any]) -> Any:
        uow = FakeUnitOfWork(self)
        result = work(uow)
        for path, data, merge in uow.writes:   # committed only when work returns
            self.set(path, data, merge=merge)
        return result

    def get(self, path: str) -> dict[str, Any] | None:
        return copy.deepcopy(self.docs.get(path))

    def snapshot(self, path: str) -> tuple[dict[str, Any] | None, int]:
        return self.get(path), self.versions.get(path, 0)

    def update_if_unchanged(self, path: str, data: dict[str, Any], version: int) -> bool:
        if self.versions.get(path, 0) != version:
            return False
        self.set(path, data)
        return True

    def set(self, path: str, data: dict[str, Any], *, merge: bool = True) -> None:
        if self.fail_next_set and self.fail_next_set(path, data):
            self.fail_next_set = None
            raise ConnectionError("simulated crash while writing " + path)
        self.docs[path] = _merge(self.docs.get(path, {}), data) if merge else copy.deepcopy(data)
        self.versions[path] = self.versions.get(path, 0) + 1

    def get_many(self, paths: list[str]) -> dict[str, Any]:
        return {p: self.get(p) for p in paths}

    def ids_where(self, collection: str, field: str, value: Any) -> list[str]:
        return [i for i, _ in self.find(collection, field, value)]

    def unfinished_outbox(self, *, created_before: datetime, limit: int) -> list[str]:
        return [i for i, d in sorted(self.collection("outbox").items())
                if d.get("state") in ("pending", "sending") and d["createdAt"] < created_before][:limit]

    def find(self, collection: str, field: str, value: Any) -> list[tuple[str, dict[str, Any]]]:
        def lookup(doc: dict[str, Any]) -> Any:
            for part in field.split("."):
                doc = doc.get(part) if isinstance(doc, dict) else None
            return doc
        prefix = collection + "/"
        return [(p[len(prefix):], copy.deepcopy(d)) for p, d in sorted(self.docs.items())
                if p.startswith(prefix) and "/" not in p[len(prefix):] and lookup(d) == value]

    def collection(self, name: str) -> dict[str, dict[str, Any]]:
        prefix = name + "/"
        return {p[len(prefix):]: d for p, d in self.docs.items() if p.startswith(prefix)}


class FakeSlack:
    """Records posts per channel; users by e-mail; can refuse a channel for good."""

    def __init__(self, users: dict[str, str] | None = None):
        self.users = dict(users or {})               # email → user id
        self.posted: list[dict[str, Any]] = []
        self.invited: list[tuple[str, str]] = []
        self.lookups = 0
        self.broken_channels: set[str] = set()
        self._ts = itertools.count(1)

    def lookup_user_id(self, email: str) -> str | None:
        self.lookups += 1
        return self.users.get(email)

    def team_id(self) -> str:
        return "T_TEST"

    def conversation_for(self, users: tuple[str, ...]) -> str:
        return "D-" + "-".join(sorted(users))

    def channel_id(self, name: str) -> str:
        if name in self.broken_channels:
            raise PermanentError(f"slack: channel #{name} does not exist")
        return "C-" + name

    def post(self, channel: str, text: str, blocks: list[dict[str, Any]], outbox_id: str) -> str:
        ts = f"1700000000.{next(self._ts):06d}"
        self.posted.append({"channel": channel, "text": text, "blocks": blocks, "outbox_id": outbox_id, "ts": ts})
        return ts

    def find_posted(self, channel: str, outbox_id: str, oldest: float) -> str | None:
        return next((p["ts"] for p in self.posted if p["channel"] == channel and p["outbox_id"] == outbox_id), None)

    def invite(self, channel: str, user: str) -> None:
        if (channel, user) not in self.invited:
            self.invited.append((channel, user))

    def texts_to(self, channel: str) -> list[str]:
        return [p["text"] for p in self.posted if p["channel"] == channel]


class FakePublisher:
    def __init__(self):
        self.published: list[tuple[str, dict[str, Any]]] = []

    def publish_many(self, topic: str, messages: list[dict[str, Any]], **attributes: str) -> list[str]:
        self.published += [(topic, m) for m in messages]
        return [str(len(self.published) - len(messages) + i) for i in range(len(messages))]
