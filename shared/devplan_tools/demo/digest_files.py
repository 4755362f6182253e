"""The quarterly digests the demo's Slack received, written where a reader can open them.

The business day after each quarter's opening the lead's digest of the quarter that closed is
uploaded to the Slack stand-in (files.completeUploadExternal); the demo reads the bytes back from
the stand-in and writes them to `.devplan/demo/digest-2025-Q2.png` (and so on), and shows the
upload in the timeline with its comment: the same figures as text.
"""

from __future__ import annotations

import json
import textwrap
from datetime import date
from pathlib import Path
from typing import Any

import requests

from devplan.domain.calendar import Quarter
from devplan_tools.local import control

DEMO_DIR = control.STATE_FILE.parent / "demo"


def digest_path(quarter: Quarter) -> Path:
    return DEMO_DIR / f"digest-{quarter.key}.png"


def uploads(calls: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [c for c in calls if c["ok"] and c["method"] == "files.completeUploadExternal"]


def save(stand_in_url: str, call: dict[str, Any], day: date) -> str:
    """Write the uploaded chart of the quarter before `day`'s; the timeline's lines about it."""
    args = call.get("args") or {}
    files = args.get("files")
    files = json.loads(files) if isinstance(files, str) else files or []
    path = digest_path(Quarter.of(day).previous())
    path.parent.mkdir(parents=True, exist_ok=True)
    for file in files[:1]:  # one chart per digest
        response = requests.get(f"{stand_in_url}/_stand-in/files/{file['id']}", timeout=10)
        response.raise_for_status()
        path.write_bytes(response.content)
    title = files[0].get("title", "") if files else ""
    where = call.get("channel_name") or "?"
    comment = [
        textwrap.shorten(line, 110, placeholder="…")
        for line in str(args.get("initial_comment") or "").splitlines()
        if line.strip()
    ]
    return "\n".join([f"  📊 {where}: {title} → {path}", *(f"     {line}" for line in comment)])
