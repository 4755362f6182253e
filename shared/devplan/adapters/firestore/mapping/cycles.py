"""A quarter's cycle record ↔ cycles/{employee}:{YYYY-QN}."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from devplan.adapters.firestore.mapping.common import Document, compact, cycle_path, day, iso
from devplan.adapters.firestore.mapping.meeting_notes import actions_from, notes_fields, notes_from
from devplan.domain.calendar import Quarter
from devplan.domain.cycle_record import CycleRecord, LastReflection, Review, Revision
from devplan.domain.snooze import Snooze
from devplan.errors import UnusableRecord

LEAD = "leadId"  # cycles are queried by it with the quarter (Store.cycles_led_by)


def cycle_from(employee_id: str, quarter: Quarter, doc: Document | None) -> CycleRecord:
    if doc is None:
        return CycleRecord(employee_id, quarter)
    try:
        revision, review = doc.get("revision") or {}, doc.get("review") or {}
        confirmed = review.get("confirmedBy") or {}
        last = doc.get("lastReflection")
        return CycleRecord(
            employee_id,
            quarter,
            opened_on=day(doc.get("openedOn")),
            revision=Revision(day(revision.get("deadline")), bool(revision.get("done")), day(revision.get("doneOn"))),
            review=Review(
                review.get("status"),
                day(review.get("invitedOn")),
                review.get("heldAt"),
                day(review.get("heldOn")),
                confirmed.get("employeeId"),
                confirmed.get("slackUserId"),
            ),
            done={k: date.fromisoformat(v) for k, v in (doc.get("done") or {}).items()},
            last_tick=day(doc.get("lastTick")),
            reflections=int(doc.get("reflections") or 0),
            last_reflection=LastReflection(date.fromisoformat(last["on"]), last["entryId"]) if last else None,
            last_reflection_nudge=day(doc.get("lastReflectionNudge")),
            notes=notes_from(doc),
            actions=actions_from(doc),
            snoozes=tuple(
                Snooze(s["kind"], s["reminderKey"], date.fromisoformat(s["on"]), s.get("skipped"))
                for s in doc.get("snoozes") or ()
            ),
            lead_id=doc.get(LEAD),
            lead_recorded=LEAD in doc,
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise UnusableRecord(f"{cycle_path(employee_id, quarter)} is not a usable cycle: {exc!r}") from None


def cycle_document(cycle: CycleRecord) -> Document:
    review = cycle.review
    # The lead at the opening: a null too (nobody), so a query by lead and "not recorded" both work.
    lead = {LEAD: cycle.lead_id} if cycle.lead_recorded else {}
    return lead | compact(
        {
            "employeeId": cycle.employee_id,
            "quarter": cycle.quarter.key,
            "openedOn": iso(cycle.opened_on),
            "revision": _revision(cycle),
            "review": compact(
                {
                    "status": review.status,
                    "invitedOn": iso(review.invited_on),
                    "heldAt": review.held_at,
                    "heldOn": iso(review.held_on),
                    "confirmedBy": {"employeeId": review.confirmed_by, "slackUserId": review.confirmed_by_slack}
                    if review.confirmed_by
                    else None,
                }
            )
            or None,
            "done": {k: v.isoformat() for k, v in cycle.done.items()} or None,
            "lastTick": iso(cycle.last_tick),
            "reflections": cycle.reflections or None,
            "lastReflection": {"entryId": cycle.last_reflection.entry_id, "on": cycle.last_reflection.on.isoformat()}
            if cycle.last_reflection
            else None,
            "lastReflectionNudge": iso(cycle.last_reflection_nudge),
            **notes_fields(cycle.notes, cycle.actions),
            "snoozes": [
                compact({"kind": s.kind, "reminderKey": s.reminder_key, "on": s.on.isoformat(), "skipped": s.skipped})
                for s in cycle.snoozes
            ]
            or None,
        }
    )


def _revision(cycle: CycleRecord) -> Document | None:
    """As written since the first release: once the quarter opened, the deadline is stated (null for
    a new starter); goals set before the opening record only that they are done."""
    revision = cycle.revision
    if cycle.opened_on is None and revision == Revision():
        return None
    written: Document = {"done": revision.done, **compact({"doneOn": iso(revision.done_on)})}
    if cycle.opened_on is not None or revision.deadline is not None:
        written = {"deadline": iso(revision.deadline), **written}
    return written


def led_by(lead_ids: Sequence[str], quarter: Quarter) -> list[tuple[str, Any, Any]]:
    """The filters of the quarter's records whose opening recorded one of `lead_ids` (at most
    IN_LIMIT; an equality and an `in`: Firestore merges its single-field indexes, no composite
    index needed)."""
    return [("quarter", "==", quarter.key), (LEAD, "in", list(lead_ids))]


def employee_of(cycle_id: str) -> str:
    """The employee of a record by its document id, `{employee}:{YYYY-QN}` (ids never hold ':')."""
    return cycle_id.rpartition(":")[0]
