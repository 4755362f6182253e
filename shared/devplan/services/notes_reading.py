"""`/utveckling anteckningar [@person]`: the 1:1's notes read back, for the pair only (the
lead who held it, not a later one); anyone else is refused and sees nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

from devplan.domain.calendar import Quarter
from devplan.domain.cycle_record import CycleRecord
from devplan.domain.employees import Employee
from devplan.domain.lifecycle import is_offboarded
from devplan.domain.responsibility import parse_mention
from devplan.messages.catalog import text
from devplan.messages.dates import quarter_label
from devplan.services import meeting_notes
from devplan.services.ports import Store
from devplan.services.slack_replies import ephemeral


def show(store: Store, slack_user_id: str, words: str, today: date) -> dict[str, Any]:
    """`/utveckling anteckningar` (your own) or `… @person` (someone you lead): the latest notes
    of this or last quarter, and the open actions. Anyone else is refused and sees nothing."""
    asker = store.employee_with_slack_user(slack_user_id)
    lang = asker.language if asker else "sv"
    if asker is None:
        return {"outcome": "unknown", **ephemeral(text(lang, "status.unknown"))}
    mention = parse_mention(words)
    subject = store.employee_with_slack_user(mention.slack_user_id) if mention else asker
    refused = {"outcome": "refused", **ephemeral(text(lang, "notes.show_refused"))}
    if subject is None:
        return refused
    quarters = (Quarter.of(today), Quarter.of(today).previous())
    loaded = store.load(cycles=[(subject.employee_id, q) for q in quarters])
    records = [c for c in (loaded.cycle(subject.employee_id, q) for q in quarters) if c is not None]

    def theirs(cycle: CycleRecord | None) -> bool:  # the asker is one of the pair of this record
        return meeting_notes.lead_id_of(subject, cycle) == asker.employee_id and not is_offboarded(asker)

    newest = records[0] if records else None  # its open actions are the ones shown
    if asker.employee_id != subject.employee_id:  # a lead reads only the 1:1 records of their pair
        held = [c for c in records if theirs(c)]
        if not held and (records or not theirs(None)):  # another pair's, or not their lead
            return refused
        records = held
    latest = next((c for c in records if c.notes is not None), None)
    open_now = tuple(a for a in newest.actions if a.open) if newest in records and newest else ()
    if latest is None and not open_now:
        return {"outcome": "none", **ephemeral(text(lang, "notes.show_none"))}
    parts = []
    if latest is not None and latest.notes is not None:
        label = quarter_label(lang, latest.quarter)
        lead = _held_with(store, subject, latest)
        parts.append(text(lang, "notes.show_title", quarter=label, employee=subject.name, lead=lead))
        if latest.notes.text:
            parts.append(text(lang, "notes.saved_notes") + "\n" + latest.notes.text)
    if open_now:
        parts.append(text(lang, "notes.show_open") + "\n" + "\n".join(f"☐ {a.text}" for a in open_now))
    return {"outcome": "shown", **ephemeral("\n\n".join(parts))}


def _held_with(store: Store, employee: Employee, cycle: CycleRecord) -> str:
    """The name of the lead of the pair who wrote the notes (one who has left, too: history)."""
    lead_id = meeting_notes.lead_id_of(employee, cycle)
    lead = store.employee(lead_id) if lead_id else None
    return lead.name if lead else lead_id or ""
