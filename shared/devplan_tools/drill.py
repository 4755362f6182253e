"""`devplan drill`: the restore drill on a local stack of its own.

The demo's year (or the days asked for) runs as `devplan demo` runs it. Then the restore that the
code supports today (the functions always use the `(default)` database: README, runbook):
  1. export the live database (a backup);
  2. wipe it, with the functions running (the deletes fire the employees trigger);
  3. import the export into a NEW database (another project on the same emulator): what
     `gcloud firestore databases restore` or a PITR clone gives; no function watches it;
  4. copy every document back into the live database through the client, functions still
     running: every write fires its trigger, as it would in production.
The drill passes when every document is back exactly as it was (every field of every document of
every collection, subcollections and bookkeeping included), the triggers fired and none failed,
and Slack received nothing new: no outbox message posted twice, no other call that posts or invites.
(The emulator's own import fires no triggers at all; step 4 is where the functions meet the
restored documents.)
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TextIO

import requests

from devplan_tools import backup
from devplan_tools.local.control import StackClient
from devplan_tools.local.emulators import clear_firestore

SLACK_WRITES = ("chat.postMessage", "chat.update", "conversations.invite")


@dataclass
class DrillResult:
    documents: dict[str, int]  # per collection, before the wipe
    differences: list[str]
    slack_writes_after_restore: list[str]  # method and outbox id of every Slack write the restore caused
    duplicated_posts: list[str]  # outbox ids posted more than once, over the whole run
    export: str
    triggers: dict[str, int] = field(default_factory=dict)  # event deliveries the wipe and the import caused
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return bool(self.documents) and not (
            self.differences or self.slack_writes_after_restore or self.duplicated_posts or self.triggers.get("failed")
        )


def drill(stack: StackClient, first: date, last: date, backups: Path, out: TextIO = sys.stdout) -> DrillResult:
    """Run the days, then backup → wipe → restore on `stack`, and compare."""
    from devplan_tools.demo.run import Year

    started = time.monotonic()
    with open(os.devnull, "w") as quiet:
        year, day = Year(stack, out=quiet), first
        while day <= last:
            year.run_day(day)
            day += timedelta(days=1)
    stack.wait_settled(timeout=600)
    seconds = {"days": time.monotonic() - started}
    db, host, project = stack.firestore(), stack.firestore_host, stack.project
    before, calls_before = backup.documents(db), stack.slack_calls()
    print(f"▶ {first} … {last}: {backup.counts(before)}; {len(calls_before)} Slack calls", file=out, flush=True)

    t0, host_before = time.monotonic(), _host(stack)
    metadata = backup.export(host, project, backups, "drill")
    clear_firestore(host, project)
    stack.wait_quiet(timeout=120)  # the deletes' triggers have run
    left, host_wiped = backup.documents(db), _host(stack)
    backup.restore(host, f"{project}-restored", metadata)  # the new database
    restored = backup.documents(_client(host, f"{project}-restored"))
    host_imported = _host(stack)
    backup.write_back(restored, db)
    stack.wait_quiet(timeout=120)
    stack.wait_settled(timeout=120)  # the written documents' triggers have run, and what they sent
    seconds["backup_wipe_restore"] = time.monotonic() - t0
    host_after = _host(stack)
    triggers = {
        "by_wipe": host_wiped["attempts"] - host_before["attempts"],
        "by_import": host_imported["attempts"] - host_wiped["attempts"],
        "by_write_back": host_after["attempts"] - host_imported["attempts"],
        "failed": host_after["failures"] - host_before["failures"],
    }
    after = backup.documents(db)
    fresh = [c for c in stack.slack_calls(since=max([0] + [c["seq"] for c in calls_before])) if _writes(c)]
    posts = Counter(_outbox_id(c) for c in stack.slack_calls() if c["method"] == "chat.postMessage" and c["ok"])
    differences = [f"{path}: left after the wipe" for path in sorted(left)]
    differences += [f"new database: {line}" for line in compare(before, restored)] + compare(before, after)
    return DrillResult(
        documents=backup.counts(before),
        differences=differences,
        slack_writes_after_restore=[f"{c['method']} {_outbox_id(c)}" for c in fresh],
        duplicated_posts=sorted(k for k, n in posts.items() if n > 1),
        export=str(metadata.parent),
        triggers=triggers,
        seconds={k: round(v, 1) for k, v in seconds.items()},
    )


def compare(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """One line per document missing, added or changed (with the fields that changed)."""
    lines = [f"{p}: missing after the restore" for p in sorted(set(before) - set(after))]
    lines += [f"{p}: only after the restore" for p in sorted(set(after) - set(before))]
    for path in sorted(set(before) & set(after)):
        old, new = before[path], after[path]
        changed = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
        if changed:
            lines.append(f"{path}: {', '.join(changed)} changed")
    return lines


def _client(host: str, project: str) -> Any:
    from google.cloud import firestore

    os.environ["FIRESTORE_EMULATOR_HOST"] = host
    return firestore.Client(project=project)


def _host(stack: StackClient) -> dict[str, Any]:
    return requests.get(f"{stack.functions_url}/_host/status", timeout=10).json()


def _writes(call: dict[str, Any]) -> bool:
    return call["method"] in SLACK_WRITES and bool(call.get("ok"))


def _outbox_id(call: dict[str, Any]) -> str:
    return str(((call.get("args") or {}).get("metadata") or {}).get("event_payload", {}).get("outbox_id"))


def run_drill(
    *, year: int = 2025, first: date | None = None, last: date | None = None, out: TextIO = sys.stdout
) -> int:
    """`devplan drill`: a stack of its own (the functions in a child process), the drill, a report."""
    from devplan_tools.local.stack import LocalStack

    first, last = first or date(year, 1, 1), last or date(year, 12, 31)
    state_dir = Path(tempfile.mkdtemp(prefix="devplan-drill-"))
    print(f"▶ restore drill: {first} … {last} on a local stack ({state_dir})", file=out, flush=True)
    local = LocalStack.start(state_dir, project="devplan-drill", separate_host=True)
    try:
        result = drill(StackClient(local.info()), first, last, state_dir / "backups", out)
    finally:
        local.stop()
    print(json.dumps({k: v for k, v in vars(result).items() if k != "differences"}, indent=2), file=out)
    for line in result.differences[:60]:
        print(f"  ≠ {line}", file=out)
    print(
        f"▶ {'passed' if result.passed else 'FAILED'}: {len(result.differences)} differences, "
        f"{len(result.slack_writes_after_restore)} Slack writes after the restore, "
        f"{len(result.duplicated_posts)} duplicated posts",
        file=out,
        flush=True,
    )
    return 0 if result.passed else 1


def add_commands(commands: Any) -> None:
    drill_ = commands.add_parser("drill", help="restore drill: the demo's year, backup, wipe, restore, compare")
    drill_.add_argument("--year", type=int, default=2025)
    drill_.add_argument("--first", metavar="YYYY-MM-DD", help="first day (default: 1 January)")
    drill_.add_argument("--last", metavar="YYYY-MM-DD", help="last day (default: 31 December)")
    drill_.set_defaults(run=_cli)


def _cli(args: Any) -> int:
    first = date.fromisoformat(args.first) if args.first else None
    last = date.fromisoformat(args.last) if args.last else None
    return run_drill(year=args.year, first=first, last=last)
