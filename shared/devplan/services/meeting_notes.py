"""The 1:1's notes, for the pair only (the employee and their lead; anyone else is refused).

- Marking the 1:1 held opens the notes modal (`open_form`, right after services/reviews.py
  recorded it: the click's trigger_id lives 3 s). A second click opens it pre-filled.
- Its submission (`submit`) keeps the notes and the agreed actions on the quarter's cycle
  record and posts them to the pair's conversation, in one transaction. The same modal
  submitted twice changes nothing; a quarter whose successor has opened is closed (its open
  actions were carried already) and refuses changes in the modal.
- "Klar" on an agenda's open action (`tick`) ticks it off on the record the agenda showed and on
  any later one it was carried into, once; it is not carried again.
- `/utveckling anteckningar [@person]` (`show`) answers with the latest notes, to the pair only.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from devplan.domain.calendar import Quarter
from devplan.domain.cycle_record import HELD, CycleRecord
from devplan.domain.employees import Employee
from devplan.domain.ids import is_valid_id
from devplan.domain.meeting_notes import (
    ActionItem,
    MeetingNotes,
    action_lines,
    notes_problem,
    ticked,
    writable_on,
    written,
)
from devplan.domain.outbox import OutboxMessage, named
from devplan.errors import InvalidEvent
from devplan.messages import meeting_notes as render
from devplan.messages.blocks import Rendered, one_section
from devplan.messages.catalog import text
from devplan.messages.dates import quarter_label
from devplan.services import home_refresh
from devplan.services.leads import active
from devplan.services.ports import Slack, Store, UnitOfWork
from devplan.services.slack_replies import open_modal, own_form

log = logging.getLogger(__name__)
NOTES_FIELDS = frozenset({"actions", "notes"})  # the modal's input blocks (messages/meeting_notes.py)
MAX_QUARTERS_CARRIED = 4  # a tick looks this many quarters ahead for copies of the item


def pair_of(
    uow_or_store: UnitOfWork | Store, employee_id: str, cycle: CycleRecord | None = None
) -> tuple[Employee, Employee] | None:
    """The employee and the lead a quarter's 1:1 notes belong to (`cycle`), or without a record
    their lead today (an agenda's carried actions: the new pair's). None without a lead in the
    plan (none, or they have left: services/leads.py)."""
    employee = uow_or_store.employee(employee_id)
    lead = active(uow_or_store, lead_id_of(employee, cycle)) if employee else None
    return (employee, lead) if employee is not None and lead is not None else None


def lead_id_of(employee: Employee, cycle: CycleRecord | None) -> str | None:
    """The lead recorded on the quarter's notes when they were written, so a new lead never reads
    what the person agreed with the one before. A 1:1 marked held without notes is the lead's who
    held it, whoever leads the person now: the one who clicked "held" if not the employee (only
    the pair can), else the lead recorded when the quarter opened. Today's lead for a 1:1 not
    held yet and for notes written before the lead was recorded."""
    recorded = cycle.notes.lead_id if cycle is not None and cycle.notes is not None else None
    if recorded or cycle is None or cycle.notes is not None or cycle.review.status != HELD:
        return recorded or employee.lead_id
    confirmer = cycle.review.confirmed_by
    held_with = confirmer if confirmer and confirmer != employee.employee_id else None
    return held_with or (cycle.lead_id if cycle.lead_recorded else None) or employee.lead_id


def _member(pair: tuple[Employee, ...], slack_user_id: str) -> Employee | None:
    return next((p for p in pair if p.slack_user_id and p.slack_user_id == slack_user_id), None)


def _agreed(cycle: CycleRecord) -> tuple[ActionItem, ...]:
    return tuple(a for a in cycle.actions if a.agreed_in == cycle.quarter)


def open_form(store: Store, slack: Slack, slack_user_id: str, trigger_id: str, value: str, on: date) -> str:
    """The modal for the 1:1 named by the held button's value ("employee|YYYY-QN"): `opened`,
    `failed` (Slack refused: the person clicks again), `closed` (the next quarter opened),
    `not_opened` (not the pair's click, or no trigger_id). The click's own answer (held,
    already held) stands whatever this says."""
    employee_id, _, quarter_key = value.partition("|")
    try:
        quarter = Quarter.parse(quarter_key)
    except ValueError:
        raise InvalidEvent(f"1:1 button value is malformed: {value!r:.80}", code="malformed") from None
    if not is_valid_id(employee_id) or not trigger_id:
        return "not_opened"
    loaded = store.load(cycles=[(employee_id, quarter), (employee_id, quarter.next())])
    cycle, later = loaded.cycle(employee_id, quarter), loaded.cycle(employee_id, quarter.next())
    pair = pair_of(store, employee_id, cycle)
    me = _member(pair, slack_user_id) if pair else None
    if pair is None or me is None:
        return "not_opened"
    if cycle is None or (later is not None and later.opened_on is not None):
        return "closed"
    view = render.notes_form(
        me.language,
        opened_for=me.employee_id,
        employee_id=employee_id,
        quarter=quarter,
        on=on.isoformat(),
        pair=(pair[0].name, pair[1].name),
        notes=cycle.notes,
        agreed=_agreed(cycle),
    )
    return "opened" if open_modal(slack, trigger_id, view, me, "1:1 notes form").get("opened") else "failed"


def submit(store: Store, slack_user_id: str, payload: dict[str, Any]) -> dict[str, str]:
    """{block_id: problem} shown in the modal, or {} once kept (or unchanged)."""
    form = own_form(store, slack_user_id, payload, "1:1 notes form")
    employee_id, quarter_key = form.context.get("of"), form.context.get("quarter")
    try:
        quarter = Quarter.parse(quarter_key)  # type: ignore[arg-type]
    except ValueError:
        raise InvalidEvent("1:1 notes form: private_metadata is not ours", code="malformed") from None
    if not is_valid_id(employee_id) or not writable_on(quarter, form.on):
        raise InvalidEvent("1:1 notes form: private_metadata is not ours", code="malformed")
    # Slack sends every input block of the modal, an empty one as None: without them the
    # submission is not Slack's, and read as empty it would clear the saved notes.
    if not NOTES_FIELDS.issubset(form.values):
        raise InvalidEvent("1:1 notes form: the modal's fields are missing", code="malformed")
    lang, me = form.lang, form.owner
    lines, problem = action_lines(form.values.get("actions"))
    notes_text = form.values.get("notes")
    errors = {"actions": text(lang, f"notes.errors.{problem}")} if problem else {}
    if notes_problem(notes_text):
        errors["notes"] = text(lang, "notes.errors.notes_too_long")
    if errors:
        return errors

    def work(uow: UnitOfWork) -> dict[str, str]:
        if not uow.cycle_exists(str(employee_id), quarter):
            return {"actions": text(lang, "notes.errors.unknown")}
        cycle, later = uow.cycle(str(employee_id), quarter), uow.cycle(str(employee_id), quarter.next())
        pair = pair_of(uow, str(employee_id), cycle)
        if pair is None:
            return {"actions": text(lang, "notes.errors.unknown")}
        if me is None or me.employee_id not in (p.employee_id for p in pair):
            return {"actions": text(lang, "notes.errors.not_yours", employee=pair[0].name, lead=pair[1].name)}
        if later.opened_on is not None:
            return {"actions": text(lang, "notes.errors.closed", quarter=quarter_label(lang, quarter))}
        notes = MeetingNotes(notes_text, me.employee_id, form.on, pair[1].employee_id)  # the pair's, for good
        changed = written(cycle, notes, lines)
        if changed == cycle:
            return {}
        uow.save_cycle(changed)
        shown = render.saved(pair[0].language, quarter, me.name, notes, _agreed(changed))
        form_id = str(payload["view"]["id"]).lower()  # the same modal twice: one message
        _to_pair(uow, pair, f"notes:{employee_id}:{quarter.key}:{form_id}", shown, "1:1 notes")
        return {}

    errors = store.atomically(work)
    log.info(
        "1:1 notes of %s %s by %s: %s",
        employee_id,
        quarter.key,
        slack_user_id,
        "refused: " + ", ".join(sorted(errors)) if errors else "kept",
        extra={"employeeId": employee_id, "quarter": quarter.key},
    )
    return errors


def _to_pair(uow: UnitOfWork, pair: tuple[Employee, ...], message_id: str, shown: Rendered, topic: str) -> None:
    users = tuple(p.slack_user_id for p in pair if p.slack_user_id)
    if users:
        about = named(*pair)  # the pair's 1:1 (erasure finds it by either)
        uow.emit(OutboxMessage(message_id, users=users, text=shown.text, blocks=shown.blocks, topic=topic, about=about))


def tick(store: Store, value: str, slack_user_id: str, on: date) -> str:
    """ "Klar": `done`, `already_done`, `unknown_action`, `not_a_participant`."""
    try:
        employee_id, quarter, item_id = render.parse_action_ref(value)
    except ValueError:
        raise InvalidEvent(f"action button value is malformed: {value!r:.80}", code="malformed") from None
    if not is_valid_id(employee_id) or not is_valid_id(item_id):
        raise InvalidEvent(f"action button value is malformed: {value!r:.80}", code="malformed")
    carriers = [quarter]
    while carriers[-1] < Quarter.of(on) and len(carriers) < MAX_QUARTERS_CARRIED:
        carriers.append(carriers[-1].next())

    def work(uow: UnitOfWork) -> str:
        employee = uow.employee(employee_id)
        # The pair today; the person alone when their lead has left: their own actions stay theirs.
        pair = pair_of(uow, employee_id) or ((employee,) if employee is not None else None)
        who = _member(pair, slack_user_id) if pair else None
        if pair is None:
            return "unknown_action"
        if who is None:
            return "not_a_participant"
        records = [uow.cycle(employee_id, q) for q in carriers if uow.cycle_exists(employee_id, q)]
        outcomes = []
        for record in records:  # every read above, every write below
            changed, outcome = ticked(record, item_id, who.employee_id, on)
            outcomes.append(outcome)
            if outcome == "done":
                uow.save_cycle(changed)
        if "done" not in outcomes:
            return "already_done" if "already_done" in outcomes else "unknown_action"
        item = next(a for r in records for a in r.actions if a.item_id == item_id)
        shown = one_section(text(pair[0].language, "notes.done", who=who.name, text=item.text))
        _to_pair(uow, pair, f"note-done:{employee_id}:{item_id}", shown, "1:1 action done")
        home_refresh.refresh(uow, pair[0], on)  # App Home: the action gone from the person's list, the lead's count
        return "done"

    outcome = store.atomically(work)
    log.info(
        "1:1 action %s of %s ticked by %s: %s",
        item_id,
        employee_id,
        slack_user_id,
        outcome,
        extra={"employeeId": employee_id, "outcome": outcome},
    )
    return outcome
