"""The Slack conversation as a readable timeline (demo output), from the stand-in's record."""

from __future__ import annotations

import re
import textwrap
from typing import Any

WIDTH = 100
_MENTION = re.compile(r"<@([A-Z0-9_-]+)>")  # Slack shows a mention as the person's name


def blocks_text(blocks: list[dict[str, Any]] | None, fallback: str) -> str:
    parts = []
    for block in blocks or []:
        if block.get("type") in ("header", "section") and block.get("text"):
            parts.append(block["text"]["text"])
        elif block.get("type") == "context":
            parts.extend(e.get("text", "") for e in block.get("elements", []))
        elif block.get("type") == "actions":
            parts.append("  ".join(f"[{e['text']['text']}]" for e in block.get("elements", []) if e.get("text")))
    return "\n".join(parts) or fallback or ""


def describe(call: dict[str, Any], names: dict[str, str] | None = None) -> str | None:
    method, args = call["method"], call.get("args") or {}
    where = call.get("channel_name") or call.get("channel") or "?"
    if not call.get("ok"):
        return f"  ✗ {method} → {call.get('error')} ({where})"
    if method == "conversations.invite":
        who = ", ".join((names or {}).get(u, u) for u in str(args.get("users", "")).split(","))
        return f"  ➕ {who} → {where}"
    if method in ("chat.postMessage", "chat.update", "chat.postEphemeral"):
        body = _MENTION.sub(
            lambda m: "@" + (names or {}).get(m[1], m[1]), blocks_text(args.get("blocks"), args.get("text", ""))
        )
        verb = {"chat.update": "✎ updated in", "chat.postEphemeral": "👁 only to"}.get(method, "💬")
        lines = [
            textwrap.fill(line, WIDTH, initial_indent="     ", subsequent_indent="     ")
            for line in body.splitlines()
            if line.strip()
        ]
        return f"  {verb} {where}\n" + "\n".join(lines)
    return None


def render(calls: list[dict[str, Any]], names: dict[str, str] | None = None) -> list[str]:
    return [line for line in (describe(c, names) for c in calls) if line]
