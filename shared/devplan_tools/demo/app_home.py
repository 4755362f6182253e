"""The demo's App Home: at the year's end one person and one lead open the app's Home tab in
the stand-in (Slack's signed app_home_opened), and what it shows them is printed as text."""

from __future__ import annotations

import sys
import time
from datetime import date
from typing import Any

from devplan_tools.demo.plan import CLICK_HOUR, at
from devplan_tools.local.control import StackClient


def as_text(view: dict[str, Any]) -> list[str]:
    """A Home view roughly as Slack lays it out: headers, sections (and their fields), buttons."""
    lines = []
    for block in view.get("blocks", []):
        kind = block.get("type")
        if kind == "header":
            lines.append(f"┃ {block['text']['text']}")
        elif kind == "section":
            lines += (block.get("text") or {}).get("text", "").replace("*", "").splitlines()
            lines += [" | ".join(f["text"].replace("*", "").replace("\n", ": ") for f in block.get("fields", []))]
        elif kind == "context":
            lines += [e.get("text", "").replace("*", "") for e in block.get("elements", [])]
        elif kind == "actions":
            lines.append("  ".join(f"[{e['text']['text']}]" for e in block.get("elements", []) if "text" in e))
    return [line for line in lines if line]


def show_app_home(
    stack: StackClient, slack_ids: dict[str, str], day: date, who: tuple[str, ...], out=sys.stdout
) -> None:
    for employee_id in who:
        user = slack_ids[employee_id]
        answer = stack.open_home(user, f"{at(day, CLICK_HOUR).timestamp():.6f}")
        if not answer.get("ok"):
            raise RuntimeError(f"app_home_opened failed: {answer}")
        stack.wait_settled()
        deadline = time.monotonic() + 30
        while (view := stack.home(user)) is None and time.monotonic() < deadline:
            time.sleep(0.2)
        if view is None:
            raise RuntimeError(f"no App Home was published for {employee_id}")
        print(f"\n▶ App Home för {employee_id} ({len(view['blocks'])} block):", file=out)
        print("\n".join(f"    {line}" for line in as_text(view)), file=out, flush=True)
