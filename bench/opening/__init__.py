"""The quarter-opening benchmark's parts (bench/quarter_opening.py is the command): seed.py
seeds the employees, system.py times the system path, floor.py the floor, profile.py the
--profile instrumentation, report.py prints the table."""

from __future__ import annotations

import sys
from datetime import date

OPENING = date(2025, 4, 1)
QUARTER = "2025-Q2"
INVITE_PREFIX = "review-invite:"
TARGET_RATIO = 3.0
BATCH_LIMIT = 500
FLOOR_PROJECT = "devplan-bench-floor"  # no trigger is registered for this project


def err(*args) -> None:
    print(*args, file=sys.stderr, flush=True)
