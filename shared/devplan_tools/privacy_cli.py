"""`devplan export --employee ID` and `devplan erase --employee ID`: everything stored about a
person as JSON on stdout, or their personal data removed (services/privacy.py, shared with the
platform's employee.export_requested / employee.erasure_requested).

Both act on the running local stack (.devplan/local.json) or a real project (`--project P`, with
the caller's Google credentials), as `devplan tick` does. Someone not onboarded yet: the events
held for them are exported or erased, and the erasure is kept until their onboarding. Exit codes:
0 done (erase: also when the person was erased already, said so), 1 nothing stored for that id
(no employee, no held event), 2 no local stack and no --project.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from typing import Any

PROJECT_HELP = "a Google Cloud project (default: the running local stack)"


def _now() -> datetime:
    return datetime.now(UTC)


def _records(project_arg: str | None) -> Any:
    from google.cloud import firestore

    from devplan.adapters.firestore.documents import FirestoreDocuments
    from devplan.adapters.firestore.store import Store
    from devplan_tools import targets

    where = targets.project_or_local(project_arg)
    if where is None:
        return None
    project, _ = where
    store = Store(FirestoreDocuments(firestore.Client(project=project)), clock=_now)
    return project, store.personal_records(), store


def export_command(args: argparse.Namespace) -> int:
    from devplan.services import privacy

    found = _records(args.project)
    if found is None:
        return 2
    project, records, _ = found
    exported = privacy.export(args.employee, records, datetime.now(UTC))
    if exported is None:
        print(f"No employee {args.employee!r} in {project}: nothing to export.", file=sys.stderr)
        return 1
    json.dump(exported, sys.stdout, ensure_ascii=False, indent=2, sort_keys=True)
    print()
    return 0


def erase_command(args: argparse.Namespace) -> int:
    from devplan.errors import InvalidEvent
    from devplan.services import privacy
    from devplan.services.inputs import PlatformEvent

    found = _records(args.project)
    if found is None:
        return 2
    project, records, store = found
    # As the platform's request would be, so that someone not onboarded yet is erased when they are.
    request = PlatformEvent(
        f"devplan-erase:{args.employee}", privacy.ERASURE_EVENT, _now(), {"employeeId": args.employee}, ""
    )
    try:
        outcome, changed = privacy.erase_or_hold(request, records, store, hold_if_nothing=False)
    except InvalidEvent as exc:
        print(f"{exc}: nothing to erase.", file=sys.stderr)
        return 1
    if changed is None:
        print(f"No employee {args.employee!r} in {project}: nothing to erase.", file=sys.stderr)
        return 1
    shown = ", ".join(f"{section} {n}" for section, n in changed.items() if n)
    if outcome == privacy.HELD:
        print(
            f"{args.employee}: not onboarded yet; events held for them erased ({shown or 'none'}), and the"
            " erasure is kept until they are onboarded (then their record is erased at once)."
        )
    elif not any(changed.values()):
        print(f"{args.employee}: erased already; nothing changed.")
    else:
        print(f"{args.employee}: personal data erased, counts kept (documents changed: {shown}).")
    return 0


def add_commands(commands: Any) -> None:
    export = commands.add_parser("export", help="everything stored about one person, as JSON")
    export.add_argument("--employee", required=True, metavar="ID", help="the platform's employee id")
    export.add_argument("--project", help=PROJECT_HELP)
    export.set_defaults(run=export_command)
    erase = commands.add_parser("erase", help="remove one person's personal data, keep anonymous counts")
    erase.add_argument("--employee", required=True, metavar="ID", help="the platform's employee id")
    erase.add_argument("--project", help=PROJECT_HELP)
    erase.set_defaults(run=erase_command)
