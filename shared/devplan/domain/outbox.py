"""A message (or channel invite) to Slack, decided by a service and delivered later by the sender.

The id is deterministic (e.g. "welcome:e2", "review-invite:e2:2025-Q2"): the same decision
reached by two events lands on the same document, so it is delivered at most once.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"


@dataclass(frozen=True)
class OutboxMessage:
    id: str
    kind: str = "message"                       # "message" | "invite"
    users: tuple[str, ...] = ()                 # Slack user ids: one → DM, several → group DM
    channel: str | None = None                  # a public channel by name ("general", "dev")
    text: str = ""                              # notification / fallback text
    blocks: tuple[dict[str, Any], ...] = ()
    topic: str = ""                             # what it is about, for logs and the demo timeline

    def __post_init__(self) -> None:
        if "/" in self.id or not self.id:
            raise ValueError(f"outbox id must be non-empty without '/': {self.id!r}")
        if bool(self.users) == bool(self.channel) and self.kind == "message":
            raise ValueError("a message goes either to users or to a channel")
        if self.kind == "invite" and not (self.channel and len(self.users) == 1):
            raise ValueError("an invite names one channel and one user")

    def document(self, created_at: datetime) -> dict[str, Any]:
        return {
            "kind": self.kind, "users": list(self.users), "channel": self.channel,
            "text": self.text, "blocks": [dict(b) for b in self.blocks], "topic": self.topic,
            "state": PENDING, "attempts": 0, "createdAt": created_at,
        }

    @classmethod
    def from_document(cls, message_id: str, doc: dict[str, Any]) -> "OutboxMessage":
        return cls(id=message_id, kind=doc.get("kind", "message"), users=tuple(doc.get("users") or ()),
                   channel=doc.get("channel"), text=doc.get("text", ""),
                   blocks=tuple(doc.get("blocks") or ()), topic=doc.get("topic", ""))
