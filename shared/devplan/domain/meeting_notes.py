"""The 1:1's notes (the seed's "mötesprotokoll"): what the pair agreed to do, and a few notes.

Kept on the quarter's cycle record (`CycleRecord.notes`, `CycleRecord.actions`), for the pair
only. Each agreed action is an item with an id made from its quarter and its text, so the same
modal submitted twice, or the notes written again with the same line, is the same item (and a
ticked item stays ticked). At the next quarter's opening the open items are carried into the
new record (`carried_into`) and shown on its agenda with "Klar"; a ticked item is not carried
again, so it disappears from later agendas.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

from devplan.domain.calendar import Quarter
from devplan.domain.limits import is_text

if TYPE_CHECKING:
    from devplan.domain.cycle_record import CycleRecord

MAX_ACTIONS = 5  # agreed at one 1:1: "a few lines"
MAX_ACTION_LENGTH = 300
MAX_NOTES_LENGTH = 3000  # one Slack section
MAX_CARRIED = 25  # open items a record carries (never ticked for years: the oldest go first)
_BULLET = re.compile(r"^\s*(?:[-*•–]|\d+[.)])\s+")


@dataclass(frozen=True)
class ActionItem:
    item_id: str
    text: str
    agreed_in: Quarter
    done_on: date | None = None
    done_by: str | None = None  # employee id of who ticked it

    @property
    def open(self) -> bool:
        return self.done_on is None


@dataclass(frozen=True)
class MeetingNotes:
    text: str | None
    written_by: str  # employee id
    written_on: date
    # The lead of the pair who held the 1:1 (employee id): the notes stay theirs when the person
    # moves to a new lead. None on notes written before it was kept (read as today's lead).
    lead_id: str | None = None


def action_lines(raw: str | None) -> tuple[tuple[str, ...], str | None]:
    """The agreed actions as typed, one a line (a leading "-", "•" or "1." is dropped, a line
    typed twice counts once), and the problem with them if any: `too_many`, `too_long`."""
    lines: list[str] = []
    for line in (raw or "").splitlines():
        cleaned = _BULLET.sub("", line).strip()
        if cleaned and cleaned.casefold() not in (seen.casefold() for seen in lines):
            lines.append(cleaned)
    if len(lines) > MAX_ACTIONS:
        return tuple(lines), "too_many"
    if any(not is_text(line, MAX_ACTION_LENGTH) for line in lines):
        return tuple(lines), "too_long"
    return tuple(lines), None


def item_id(quarter: Quarter, text: str) -> str:
    digest = hashlib.sha256(" ".join(text.casefold().split()).encode()).hexdigest()[:10]
    return f"{quarter.key}-{digest}"


def written(cycle: CycleRecord, notes: MeetingNotes, lines: tuple[str, ...]) -> CycleRecord:
    """The quarter's notes and agreed actions as just submitted: the quarter's own items are
    these lines (one already ticked stays ticked); items carried from earlier stay as they are."""
    known = {a.item_id: a for a in cycle.actions}
    agreed = []
    for line in lines:
        key = item_id(cycle.quarter, line)
        agreed.append(known.get(key) or ActionItem(key, line, cycle.quarter))
    carried = tuple(a for a in cycle.actions if a.agreed_in != cycle.quarter)
    return replace(cycle, notes=notes, actions=(*carried, *agreed))


def held_with(cycle: CycleRecord, lead_id: str) -> CycleRecord:
    """The record with its notes marked as the pair's with `lead_id`, if they do not name their
    lead yet (written before it was kept): done as the person moves on to a new lead."""
    if cycle.notes is None or cycle.notes.lead_id is not None:
        return cycle
    return replace(cycle, notes=replace(cycle.notes, lead_id=lead_id))


def carried_into(cycle: CycleRecord, previous: CycleRecord) -> CycleRecord:
    """The previous quarter's open items, carried into this one's record (once: an item already
    here keeps its state, so a tick in this quarter is never undone by a second opening)."""
    known = {a.item_id for a in cycle.actions}
    carried = tuple(a for a in previous.actions if a.open and a.item_id not in known)[-MAX_CARRIED:]
    if not carried:
        return cycle
    return replace(cycle, actions=(*carried, *cycle.actions))


def on_agenda(cycle: CycleRecord) -> tuple[ActionItem, ...]:
    """What the quarter's agenda lists: items agreed in earlier quarters, still open."""
    return tuple(a for a in cycle.actions if a.open and a.agreed_in != cycle.quarter)


def ticked(cycle: CycleRecord, key: str, by: str, on: date) -> tuple[CycleRecord, str]:
    """(record, outcome): `done`, `already_done` or `unknown_action` (not on this record)."""
    item = next((a for a in cycle.actions if a.item_id == key), None)
    if item is None:
        return cycle, "unknown_action"
    if not item.open:
        return cycle, "already_done"
    done = replace(item, done_on=on, done_by=by)
    return replace(cycle, actions=tuple(done if a.item_id == key else a for a in cycle.actions)), "done"


def writable_on(quarter: Quarter, day: date) -> bool:
    """A quarter's notes are written in it, or in the next one until that opens (the opening
    carries the open actions and closes the notes); no other day can date them."""
    return quarter.start <= day <= quarter.next().end


def notes_problem(text: str | None) -> str | None:
    if text is not None and not is_text(text, MAX_NOTES_LENGTH, multiline=True):
        return "notes_too_long"
    return None
