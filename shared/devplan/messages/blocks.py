"""Block Kit building blocks and the rendered message: text for notifications, blocks to show."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Blocks = tuple[dict[str, Any], ...]
SECTION_LIMIT = 3000  # Slack's limit on one section's text


@dataclass(frozen=True)
class Rendered:
    text: str
    blocks: Blocks


def section(markdown: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": markdown[:SECTION_LIMIT]}}


def header(plain: str) -> dict[str, Any]:
    return {"type": "header", "text": {"type": "plain_text", "text": plain[:150], "emoji": True}}


def context(markdown: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": markdown[:SECTION_LIMIT]}]}


def one_section(body: str) -> Rendered:
    """A message of one section; the notification text without Slack's *bold* marks."""
    return Rendered(body.replace("*", ""), (section(body),))


def buttons(block_id: str, *choices: tuple[str, str, str, str | None]) -> dict[str, Any]:
    """An actions block of buttons: (action id, label, value, style: "primary" | "danger" | None)."""
    elements = []
    for action_id, label, value, style in choices:
        button: dict[str, Any] = {
            "type": "button",
            "action_id": action_id,
            "value": value,
            "text": {"type": "plain_text", "text": label},
        }
        if style:
            button["style"] = style
        elements.append(button)
    return {"type": "actions", "block_id": block_id, "elements": elements}
