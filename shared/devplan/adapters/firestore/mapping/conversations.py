"""The group DMs the sender keeps ↔ slackConversations/{user ids joined by '+'}.

A pair's group DM (employee, lead and the bot) is the same conversation every quarter:
conversations.open is Tier 3 (about 50 a minute), so its id is kept once known.
"""

from __future__ import annotations

from datetime import datetime

from devplan.adapters.firestore.mapping.common import Document, document_id

CONVERSATIONS = "slackConversations"


def conversation_path(users: tuple[str, ...]) -> str:
    return f"{CONVERSATIONS}/{document_id('+'.join(sorted(users)))}"


def conversation_document(users: tuple[str, ...], channel: str, at: datetime) -> Document:
    return {"users": sorted(users), "channel": channel, "openedAt": at}


def conversation_from(doc: Document | None) -> str | None:
    channel = (doc or {}).get("channel")
    return channel if isinstance(channel, str) and channel else None


def is_channel(doc: Document | None, channel: str) -> bool:
    """The kept group DM is still `channel` (not one opened again since)."""
    return conversation_from(doc) == channel
