"""Where a command acts: a real Google Cloud project, or the running local stack."""

from __future__ import annotations

import os
import sys
from typing import Any

EMULATOR_HOSTS = {"FIRESTORE_EMULATOR_HOST": "firestore_host", "PUBSUB_EMULATOR_HOST": "pubsub_host"}


def project_or_local(project: str | None) -> tuple[str, dict[str, Any] | None] | None:
    """`--project P`: P, with the emulator variables removed so the clients talk to Google. Else
    the running local stack's project and its `.devplan/local.json`, with the clients pointed at
    its emulators. None, said on stderr, when there is neither."""
    from devplan_tools.local import control

    if project:
        for variable in EMULATOR_HOSTS:
            os.environ.pop(variable, None)
        return project, None
    local = control.running()
    if local is None:
        print(
            "No local stack is up: start one with `devplan local up --detach`, "
            "or name a Google Cloud project with --project.",
            file=sys.stderr,
        )
        return None
    os.environ.update({variable: local[key] for variable, key in EMULATOR_HOSTS.items()})
    return local["project"], local
