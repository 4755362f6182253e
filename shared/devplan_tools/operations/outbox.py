"""`devplan outbox retry|dismiss ID`: a message Slack refused for good (a channel gone, a user
removed) sent again once mended, or left failed and no longer stuck."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from typing import Any

from devplan.adapters.firestore.dead_letters import DeadLetterStore
from devplan.adapters.firestore.documents import DocumentTransaction
from devplan.adapters.firestore.mapping import outbox_path
from devplan.adapters.firestore.mapping.outbox import dismiss_update, retry_update
from devplan.domain.outbox import FAILED
from devplan_tools.operations import PROJECT_HELP, common


def command(args: argparse.Namespace) -> int:
    target = common.target(args)
    if target is None:
        return 2
    state = answer_failed(target.letters, args.id, args.action)
    if state is None:
        print(f"No outbox message {args.id!r} in {target.project}.", file=sys.stderr)
        return 1
    if state != FAILED:
        print(f"{args.id}: {state}, not failed; nothing to {args.action}.", file=sys.stderr)
        return 1
    print(
        f"{args.id}: pending again; the daily sweep sends it on the next business day."
        if args.action == "retry"
        else f"{args.id}: dismissed; it stays failed and is no longer stuck."
    )
    return 0


def answer_failed(store: DeadLetterStore, message_id: str, action: str) -> str | None:
    """`retry` or `dismiss` a failed outbox message, in one transaction (the sender may be at it):
    its state as found, None if there is no such message; it changed only if that is `failed`."""
    path, now = outbox_path(message_id), datetime.now(UTC)

    def work(tx: DocumentTransaction) -> str | None:
        doc = tx.get(path)
        if doc is None:
            return None
        state = str(doc.get("state"))
        if state == FAILED:
            tx.set(path, retry_update(now) if action == "retry" else dismiss_update(now), merge=True)
        return state

    return store.documents.run_in_transaction(work)


def add_command(commands: Any) -> None:
    messages = commands.add_parser("outbox", help="a failed outbox message: retry it or dismiss it")
    actions = messages.add_subparsers(dest="action", required=True)
    for name, what in (
        ("retry", "pending again, its error cleared: the daily sweep sends it"),
        ("dismiss", "leave it failed: no longer stuck"),
    ):
        action = actions.add_parser(name, help=what)
        action.add_argument("id", help="the message's id, e.g. welcome:anna")
        action.add_argument("--project", help=PROJECT_HELP)
    messages.set_defaults(run=command)
