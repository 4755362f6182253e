"""`devplan stuck`: outbox messages not sent, open dead letters, onboarding not finished, and
events held for someone not onboarded; exit 1 if anything is stuck."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, timedelta
from typing import Any

from devplan.adapters.firestore.mapping.dead_letters import OPEN
from devplan.adapters.firestore.store import Store
from devplan.domain.outbox import FAILED
from devplan.services import delivery
from devplan.services.held_events import OVERDUE_AFTER, RELEASE_LIMIT
from devplan_tools.operations import PROJECT_HELP, common

PENDING_FOR = timedelta(minutes=30)  # an outbox message this old and still pending is stuck (the sweep's view)
ONBOARDING_FOR = timedelta(days=1)


def stuck(args: argparse.Namespace) -> int:
    target = common.target(args)
    if target is None:
        return 2
    store = target.letters
    outbox = store.unsent_outbox(pending_for=max(PENDING_FOR, delivery.LEASE))
    letters = store.letters(OPEN)
    onboarding = store.unfinished_onboarding(pending_for=ONBOARDING_FOR)
    held = Store(store.documents, clock=lambda: datetime.now(UTC)).held_events(limit=RELEASE_LIMIT)
    now = datetime.now(UTC)
    # A held event waits for its employee's onboarding; stuck when it could not be applied or waited too long.
    held_stuck = [h for h in held if h.problem or now - h.received > OVERDUE_AFTER]
    print(f"What is stuck in {target.project}:")
    print(f"\nOutbox messages not sent ({len(outbox)}):")
    for m in outbox:
        print(
            f"  {m['id']}  [{m['state']}{', ' + m['topic'] if m.get('topic') else ''}"
            f"{', attempts ' + str(m['attempts']) if 'attempts' in m else ''}]  {m['why']}"
        )
    if any(m["state"] == FAILED for m in outbox):
        print("  (failed: `devplan outbox retry ID` once mended, or `devplan outbox dismiss ID`)")
    print(f"\nDead letters open ({len(letters)}):")
    for letter in letters:
        print(common.letter_line(letter))
    print(f"\nOnboarding not finished ({len(onboarding)}):")
    for e in onboarding:
        print(f"  {e['id']}  [{e['status']}]  {e.get('name') or ''}  since {common.when(e['since'])}")
    print(f"\nEvents held for someone not onboarded ({len(held)}, stuck {len(held_stuck)}):")
    for h in held:
        why = h.problem or ("waiting longer than 30 days" if h in held_stuck else "waiting")
        print(f"  {h.event.id}  [{h.event.type} for {h.employee_id}, since {common.when(h.received)}]  {why}")
    anything = bool(outbox or letters or onboarding or held_stuck)
    print("\n" + ("See README, 'Operations: when something is stuck'." if anything else "Nothing is stuck."))
    return 1 if anything else 0


def add_command(commands: Any) -> None:
    parser = commands.add_parser("stuck", help="what is stuck: outbox not sent, dead letters, onboarding")
    parser.add_argument("--project", help=PROJECT_HELP)
    parser.set_defaults(run=stuck)
