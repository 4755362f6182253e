"""A 1:1's notes and agreed actions ↔ the cycle document's `notes` map and `actions` list.

`actions` is a list (Firestore replaces a list whole on a merge, so an item never lingers);
the notes' text is written as "" when cleared, because a merge would keep an omitted field.
`notes.leadId`: the lead of the pair who held the 1:1 (absent on notes written before it was kept)."""

from __future__ import annotations

from typing import Any

from devplan.adapters.firestore.mapping.common import Document, day, iso
from devplan.domain.calendar import Quarter
from devplan.domain.meeting_notes import ActionItem, MeetingNotes


def notes_from(doc: Document) -> MeetingNotes | None:
    notes = doc.get("notes")
    if not notes:
        return None
    written_on = day(notes["writtenOn"])
    if written_on is None:
        raise ValueError("notes.writtenOn is missing")
    lead_id = notes.get("leadId")  # absent on notes written before the pair's lead was kept
    return MeetingNotes(
        notes.get("text") or None, str(notes["writtenBy"]), written_on, str(lead_id) if lead_id else None
    )


def actions_from(doc: Document) -> tuple[ActionItem, ...]:
    return tuple(
        ActionItem(
            str(a["id"]),
            str(a["text"]),
            Quarter.parse(a["agreedIn"]),
            day(a.get("doneOn")),
            a.get("doneBy"),
        )
        for a in doc.get("actions") or ()
    )


def notes_fields(notes: MeetingNotes | None, actions: tuple[ActionItem, ...]) -> dict[str, Any]:
    return {
        "notes": {
            "text": notes.text or "",
            "writtenBy": notes.written_by,
            "writtenOn": iso(notes.written_on),
            "leadId": notes.lead_id,
        }
        if notes
        else None,
        "actions": [
            {
                "id": a.item_id,
                "text": a.text,
                "agreedIn": a.agreed_in.key,
                "doneOn": iso(a.done_on),
                "doneBy": a.done_by,
            }
            for a in actions
        ]
        or None,
    }
