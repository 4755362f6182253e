"""Keeping a Home view inside Slack's limits, gracefully (pure).

Slack rejects a whole `views.publish` whose view breaks one limit (100 blocks, 3,000 characters
in a section's text, 2,000 in a field, 75 in a button's label): nothing of it is shown. So the
Home is built from groups of blocks that belong together (one team member with their buttons),
added in order while they fit; the rest are listed one line each (no buttons) in packed
sections, and what still does not fit is counted under a "Visa mer" button that opens them all
in a modal (services/home.open_more)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from devplan.messages.blocks import SECTION_LIMIT, section

MAX_VIEW_BLOCKS = 100  # Slack: a Home tab or a modal holds at most 100 blocks
FIELD_LIMIT = 2000  # one field of a section
MAX_FIELDS = 10  # fields per section
BUTTON_LABEL_LIMIT = 75
MORE_BLOCKS = 2  # the "… och N till" line and its Visa mer button
ELLIPSIS = "…"


def clip(value: str, limit: int) -> str:
    """At most `limit` characters, an ellipsis saying something was cut."""
    return value if len(value) <= limit else value[: limit - 1] + ELLIPSIS


@dataclass(frozen=True)
class Group:
    """Blocks shown together, and the one line that stands for them when they do not fit."""

    blocks: tuple[dict[str, Any], ...]
    line: str


def pack(lines: Sequence[str], limit: int = SECTION_LIMIT) -> list[tuple[str, int]]:
    """Lines joined into texts of at most `limit` characters: (text, how many lines it holds).
    A line longer than `limit` on its own is clipped."""
    packed: list[tuple[str, int]] = []
    current: list[str] = []
    for line in (clip(line, limit) for line in lines):
        if current and len("\n".join([*current, line])) > limit:
            packed.append(("\n".join(current), len(current)))
            current = []
        current.append(line)
    if current:
        packed.append(("\n".join(current), len(current)))
    return packed


def sections(lines: Sequence[str]) -> list[dict[str, Any]]:
    return [section(text) for text, _ in pack(lines)]


@dataclass(frozen=True)
class Fitted:
    blocks: list[dict[str, Any]]
    hidden: int  # groups neither shown nor listed: behind "Visa mer"


def fit(head: Sequence[dict[str, Any]], groups: Sequence[Group], budget: int = MAX_VIEW_BLOCKS) -> Fitted:
    """`head` (always shown, small) and as many whole groups as fit; the rest as packed lines
    while they fit, leaving room for the "Visa mer" line and button the caller adds if hidden > 0."""
    blocks = list(head)
    shown = 0
    for group in groups:
        if len(blocks) + len(group.blocks) + MORE_BLOCKS > budget:
            break
        blocks.extend(group.blocks)
        shown += 1
    rest = [g.line for g in groups[shown:]]
    hidden = len(rest)
    for text, count in pack(rest):
        if len(blocks) + 1 + MORE_BLOCKS > budget:
            break
        blocks.append(section(text))
        hidden -= count
    return Fitted(blocks, hidden)
