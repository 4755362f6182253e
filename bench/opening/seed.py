"""Seeding: one project lead and N-1 developers, all welcomed, goals set (not measured)."""

from __future__ import annotations

import logging
import sys
import time
from datetime import UTC, datetime

from google.cloud import firestore

from devplan.adapters.firestore.mapping import due
from devplan.logs import JsonFormatter
from opening import BATCH_LIMIT, OPENING


def quiet_logs() -> None:
    """WARNING and up only. The functions call devplan.logs.configure() lazily (INFO, stdout) on
    their first event; it leaves the root logger alone when a JsonFormatter handler is already
    installed, so install one here, on stderr, before the stack starts."""
    root = logging.getLogger()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler.setLevel(logging.WARNING)  # also for a logger --profile turns to INFO (profile.py)
    root.addHandler(handler)
    root.setLevel(logging.WARNING)


def seed(stack, db: firestore.Client, n: int) -> dict:
    """One project lead and n-1 developers reporting to the lead, all welcomed, goals set, and due
    on the opening day as the product's due index (domain/next_check.py) leaves them: without it
    the tick would first stamp everyone (the index's one-off migration), N more employee writes
    and N more employee-written events that a running product never makes."""
    started = time.monotonic()
    # add_user() would POST a team_join per user to the app (1000 HTTP calls the function host
    # does not count as in flight, so wait_quiet could not wait for them); linking accounts is
    # not what is measured, so delivery is switched off while the users are created.
    events_url, stack.stand_in.events_url = stack.stand_in.events_url, None
    try:
        people = []
        for i in range(n):
            lead = i == 0
            eid = "lead" if lead else f"dev{i:05d}"
            name = "Lena Ledare" if lead else f"Dev Nummer{i:05d}"
            email = f"{eid}@bench.innerjourney.se"
            user_id = stack.stand_in.add_user(email, name)["user"]["id"]
            people.append(
                (
                    eid,
                    {
                        "name": name,
                        "email": email,
                        "role": "project_lead" if lead else "developer",
                        "leadId": None if lead else "lead",
                        "startDate": "2024-01-08",
                        "status": "active",
                        "onboarding": {"status": "welcomed"},
                        "goals": {
                            "deadline": "2024-01-22",
                            "setAt": datetime(2024, 1, 15, 9, 0, tzinfo=UTC),
                            "items": [{"goalId": "g1", "title": f"Bli bättre på något, del {i}"}],
                        },
                        "slack": {"userId": user_id},
                        **due.next_check_update(OPENING),
                    },
                )
            )
    finally:
        stack.stand_in.events_url = events_url
    t_users = time.monotonic() - started
    for start in range(0, n, BATCH_LIMIT):
        batch = db.batch()
        for eid, doc in people[start : start + BATCH_LIMIT]:
            batch.set(db.document(f"employees/{eid}"), doc)
        batch.commit()
    db.document(due.DUE_INDEX).set(due.due_index_document(OPENING, n))
    t_written = time.monotonic() - started
    # Every employee write fires on_employee_written (a no-op for welcomed employees).
    stack.wait_quiet(timeout=300, settle=1.0)
    return {
        "seed_users_s": t_users,
        "seed_write_s": t_written - t_users,
        "seed_total_s": time.monotonic() - started,
        "lead_user": people[0][1]["slack"]["userId"],
    }
