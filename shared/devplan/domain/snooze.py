""" "Inte nu": a person snoozes a reminder, and the next reminder of the same kind is skipped once.

Only a reminder that comes again to the person alone can be snoozed: the weekly reflection nudge
(domain/cycle.py), the gentle one, "utan pekpinnar". The one-off reminders (goals due, the 1:1 not
held, a funding deadline, the lead's escalations) say once what is due and carry no button:
skipping one would skip the deadline itself. The monthly supervision nudge goes to a pair and
counts toward Senior Coach, so one of them cannot put it off for both.

The rules, pure and order-free:
- Snoozing a reminder records one snooze for its kind on the quarter's cycle record. The same
  reminder snoozed again (a double click, a retry, a click after it was used) changes nothing.
- At most one snooze of a kind waits at a time: "Inte nu" on a second reminder before the first
  snooze was used changes nothing either (the person skips one reminder, not a run of them).
- A waiting snooze skips the next reminder of its kind that falls due, whichever reminder was
  clicked: a late click on an older reminder skips the next one still to come, never one already
  sent. The skipped reminder is recorded as done (so it is not sent later) and the snooze as used.
- A snooze belongs to its quarter: a new quarter starts with none waiting.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from devplan.domain.calendar import Quarter
from devplan.domain.limits import parse_day

# The kinds a person can snooze, and the prefix of their once-only keys (domain/cycle.py).
SNOOZABLE = {"reflection_nudge": "reflection-nudge:"}
SKIPPED = "snoozed"  # the action kind of a reminder skipped by a snooze
SNOOZED, ALREADY_SNOOZED = "snoozed", "already_snoozed"


@dataclass(frozen=True)
class Snooze:
    kind: str  # a key of SNOOZABLE
    reminder_key: str  # the reminder the person said "inte nu" to
    on: date  # the day of the click
    skipped: str | None = None  # the key of the reminder it skipped, once used

    @property
    def waiting(self) -> bool:
        return self.skipped is None


def kind_of(key: str) -> str | None:
    """The snoozable kind of a reminder's key, None for any other key."""
    return next((kind for kind, prefix in SNOOZABLE.items() if key.startswith(prefix)), None)


def sent_in(key: str, quarter: Quarter) -> bool:
    """True for a snoozable reminder's key as the tick writes it: the kind's prefix and the day it
    was sent, a day of `quarter` (domain/cycle.py sends a quarter's reminders in it only)."""
    kind = kind_of(key)
    day = parse_day(key.removeprefix(SNOOZABLE[kind])) if kind is not None else None
    return day is not None and Quarter.of(day) == quarter


def snoozed(snoozes: tuple[Snooze, ...], reminder_key: str, on: date) -> tuple[tuple[Snooze, ...], str]:
    """(the snoozes after "Inte nu" on `reminder_key`, SNOOZED | ALREADY_SNOOZED)."""
    kind = kind_of(reminder_key)
    if kind is None:
        raise ValueError(f"{reminder_key!r} is not a reminder that can be snoozed")
    if any(s.reminder_key == reminder_key or (s.kind == kind and s.waiting) for s in snoozes):
        return snoozes, ALREADY_SNOOZED
    return (*snoozes, Snooze(kind, reminder_key, on)), SNOOZED


def waiting_for(snoozes: Iterable[Snooze], key: str) -> Snooze | None:
    """The snooze that skips the reminder `key`, if one waits (never the reminder it was made on)."""
    kind = kind_of(key)
    return next((s for s in snoozes if s.kind == kind and s.waiting and s.reminder_key != key), None)


def used(snoozes: tuple[Snooze, ...], key: str) -> tuple[Snooze, ...]:
    """The snoozes after the waiting one skipped the reminder `key` (unchanged if none waits)."""
    found = waiting_for(snoozes, key)
    return tuple(replace(s, skipped=key) if s is found else s for s in snoozes)
