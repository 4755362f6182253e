"""What Firestore and Slack refuse, enforced by the in-memory twins the generated input runs over:
a value that passed the edge but that a later step cannot hold fails the run here, as it would in
production (InvalidArgument from Firestore, msg_too_long or invalid_blocks from Slack)."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime
from typing import Any

from google.api_core.exceptions import InvalidArgument

from tests.fakes import FakeSlack, InMemoryStore, MemoryDocuments, check_document_path

FIRESTORE_MAX_DOCUMENT_BYTES = 1_048_576
FIRESTORE_MAX_DEPTH = 20
_RESERVED = re.compile(r"__.*__")


class Refused(AssertionError):
    """Firestore or Slack would refuse this: an input got past the edge that a later step cannot hold."""


def _size(value: Any, depth: int, where: str) -> int:
    """Firestore's storage size of a value (strings: UTF-8 bytes + 1), checking what it refuses."""
    if depth > FIRESTORE_MAX_DEPTH:
        raise Refused(f"{where}: maps nested deeper than {FIRESTORE_MAX_DEPTH}")
    if isinstance(value, str):
        try:
            return len(value.encode("utf-8")) + 1
        except UnicodeEncodeError:
            raise Refused(f"{where}: a string UTF-8 cannot carry") from None
    if isinstance(value, bool) or value is None:
        return 1
    if isinstance(value, int):
        if not -(2**63) <= value < 2**63:
            raise Refused(f"{where}: an integer beyond 64 bits")
        return 8
    if isinstance(value, float | datetime):
        return 8
    if isinstance(value, list | tuple):
        return sum(_size(v, depth + 1, where) for v in value)
    if isinstance(value, dict):
        total = 0
        for key, item in value.items():
            if not isinstance(key, str) or _RESERVED.fullmatch(key):
                raise Refused(f"{where}: field name {key!r:.40}")
            total += _size(key, depth, where) + _size(item, depth + 1, where)
        return total
    return 16


def check_document(path: str, doc: dict[str, Any]) -> None:
    """Refused if Firestore could not hold `doc` at `path` (its id or its size)."""
    try:
        check_document_path(path)
    except InvalidArgument as exc:
        raise Refused(str(exc)) from None
    if _size(doc, 0, path) + len(path.encode()) + 16 > FIRESTORE_MAX_DOCUMENT_BYTES:
        raise Refused(f"{path} is larger than a Firestore document can be")


class StrictDocuments(MemoryDocuments):
    def check_path(self, path: str) -> None:
        """A path Firestore refuses fails the run (it is the mapping's to make every id safe)."""
        try:
            check_document_path(path)
        except InvalidArgument as exc:
            raise Refused(str(exc)) from None

    def set(self, path: str, data: dict[str, Any], *, merge: bool = True) -> None:
        super().set(path, data, merge=merge)
        check_document(path, self.docs[path])

    def update_if_unchanged(self, path: str, data: dict[str, Any], version: int) -> bool:
        done = super().update_if_unchanged(path, data, version)
        if done:
            check_document(path, self.docs[path])
        return done


class StrictStore(InMemoryStore):
    def __init__(self, now: datetime):
        super().__init__(now)
        self.memory = self.documents = StrictDocuments()


SLACK_TEXT_LIMIT, SLACK_SECTION_LIMIT, SLACK_HEADER_LIMIT, SLACK_BLOCK_LIMIT = 40_000, 3_000, 150, 50


def _texts(block: Any) -> list[tuple[str, str]]:
    """(block type, text) for every text object in a block."""
    found = []
    kind = block.get("type", "") if isinstance(block, dict) else ""
    for value in (block.get("text"), *(block.get("elements") or []), *(block.get("fields") or [])):
        if isinstance(value, dict) and isinstance(value.get("text"), str):
            found.append((kind, value["text"]))
        elif isinstance(value, dict) and isinstance(value.get("text"), dict):
            found.append((kind, value["text"].get("text", "")))
    return found


class StrictSlack(FakeSlack):
    """Refuses what Slack refuses; knows an account for every @innerjourney.se address, so that
    generated people are welcomed (and their generated names shown) rather than left waiting."""

    def lookup_user_id(self, email: str) -> str | None:
        known = super().lookup_user_id(email)
        if known is None and email.endswith("@innerjourney.se"):
            return "U" + hashlib.sha256(email.encode()).hexdigest()[:10].upper()
        return known

    def post(self, channel: str, text: str, blocks: list[dict[str, Any]], outbox_id: str) -> str:
        if len(text) > SLACK_TEXT_LIMIT or len(blocks) > SLACK_BLOCK_LIMIT:
            raise Refused(f"{outbox_id}: Slack refuses msg_too_long / too many blocks")
        for block in blocks:
            for kind, shown in _texts(block):
                limit = SLACK_HEADER_LIMIT if kind == "header" else SLACK_SECTION_LIMIT
                if len(shown) > limit:
                    raise Refused(f"{outbox_id}: a {kind} text of {len(shown)} characters (Slack: {limit})")
        try:
            json.dumps({"text": text, "blocks": blocks}).encode("utf-8")
            (text + json.dumps(blocks, ensure_ascii=False)).encode("utf-8")
        except UnicodeEncodeError:
            raise Refused(f"{outbox_id}: text UTF-8 cannot carry") from None
        return super().post(channel, text, blocks, outbox_id)
