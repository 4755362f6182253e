"""A person's data, handed out (export) or removed (erasure), for `devplan export|erase` and the
platform's own GDPR flow (`employee.export_requested`, `employee.erasure_requested`).

Export is everything stored about the person as JSON, by section, with the paths it came from.
Erasure removes what identifies them or what they wrote (name, e-mail, Slack id, reflection
texts, goals' wording, training requests' texts, 1:1 notes, reasons, messages to them) and
keeps what is counted (goals' numbers and states, tallies, costs, days, audit kinds); an audit
entry someone else's action names them in keeps its kind with the actor "erased". An erased
person is offboarded first, while their Slack id is still known (services/lifecycle.py):
pending messages to them cancelled, their App Home cleared and their lead's refreshed; nothing
is sent to or about them again. What is found how: adapters/firestore/personal_records.py.
Both are idempotent, and an id with nothing stored says so.

Someone not onboarded yet may have events held for them (services/held_events.py): those are
exported and erased by their id. An erasure for an id with no record is itself held like any
event about someone not onboarded yet, and applied when the onboarding comes, after whatever
else was held (held_events): the platform asked once and does not ask again, so it must not be
lost. It is held under an id of the person's (`held_erasure_id`), not the request's, so the
onboarding's own transaction reads it (one document, read by key beside the record it reads
anyway) and stores the record already erased: no trigger, catch-up or crash between the
onboarding and the release ever sees their name, e-mail or a reason to welcome them. A key read
rather than a query of held events: both transactions then read the same two documents, and
Firestore's document locks alone order them. It keeps nothing personal (the id alone).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime
from typing import Any

from devplan.domain.ids import is_valid_id
from devplan.errors import InvalidEvent
from devplan.services import lifecycle
from devplan.services.inputs import PlatformEvent
from devplan.services.ports import PersonalRecords, Store, UnitOfWork

log = logging.getLogger(__name__)
UNKNOWN_EMPLOYEE, HELD = "unknown_employee", "held"
EXPORT_EVENT, ERASURE_EVENT = "employee.export_requested", "employee.erasure_requested"


def export(employee_id: str, records: PersonalRecords, at: datetime) -> dict[str, Any] | None:
    """{"employeeId", "exportedAt", "sections": {section: {path: document}}, "counts"}; None if unknown."""
    found = records.gather(employee_id)
    if found is None:
        return None
    log.info("export of %s: %s", employee_id, {k: len(v) for k, v in found.items()}, extra={"employeeId": employee_id})
    return {
        "employeeId": employee_id,
        "exportedAt": at.isoformat(),
        "counts": {section: len(docs) for section, docs in found.items()},
        "sections": {section: {path: _json(doc) for path, doc in docs.items()} for section, docs in found.items()},
    }


def erase(employee_id: str, records: PersonalRecords, store: Store) -> dict[str, int] | None:
    """Documents changed per section; None if unknown. The log line names no personal data."""
    lifecycle.offboard_for_erasure(store, employee_id)
    changed = records.erase(employee_id)
    if changed is not None:
        log.info(
            "erasure of %s: %s",
            employee_id,
            "already erased" if not any(changed.values()) else changed,
            extra={"employeeId": employee_id},
        )
    return changed


def _person(event: PlatformEvent) -> str:
    employee_id = event.data.get("employeeId")
    if not is_valid_id(employee_id) or not isinstance(employee_id, str):
        raise InvalidEvent(f"{event.type}: employeeId must be an employee id", code="invalid_data")
    return employee_id


def export_requested(event: PlatformEvent, records: PersonalRecords, store: Store) -> dict[str, Any]:
    """The platform's export: answered in the webhook's response body (nothing is written, so
    no copy of the data is left behind; the same request again answers again)."""
    employee_id = _person(event)
    exported = export(employee_id, records, event.occurred_at)
    if exported is None:
        return {"status": event.logged(log, employee_id, UNKNOWN_EMPLOYEE)}
    return {"status": event.logged(log, employee_id, "exported"), "export": exported}


def erasure_requested(event: PlatformEvent, records: PersonalRecords, store: Store) -> dict[str, Any]:
    """`erased` / `already_erased` for someone onboarded; `held` (and their held events erased)
    for an id with no record yet: the erasure waits for the onboarding."""
    outcome, changed = erase_or_hold(event, records, store, hold_if_nothing=True)
    return {"status": event.logged(log, _person(event), outcome), "erased": changed}


def erase_or_hold(
    request: PlatformEvent, records: PersonalRecords, store: Store, *, hold_if_nothing: bool
) -> tuple[str, dict[str, int] | None]:
    """The outcome and the documents changed per section. Someone not onboarded: their held
    events erased and the request held; with nothing stored at all, held only if
    `hold_if_nothing` (the platform's request: it names someone coming; an operator's typo
    leaves nothing behind), else UNKNOWN_EMPLOYEE."""
    employee_id = _person(request)
    changed = erase(employee_id, records, store)
    if changed is None and not hold_if_nothing:
        return UNKNOWN_EMPLOYEE, None
    if not is_onboarded(changed):
        if hold_erasure(request, store):
            return HELD, changed or {"heldEvents": 0}
        changed = erase(employee_id, records, store)  # onboarded meanwhile: erased now
    assert changed is not None  # a record exists now
    return ("erased" if any(changed.values()) else "already_erased"), changed


def is_onboarded(changed: dict[str, int] | None) -> bool:
    """Whether an erasure found a record (not only events held for someone not onboarded)."""
    return changed is not None and "employee" in changed


def held_erasure_id(employee_id: str) -> str:
    """The id a held erasure is kept by: the person's, so the onboarding finds it by key."""
    return f"{ERASURE_EVENT}:{employee_id}"


def hold_erasure(event: PlatformEvent, store: Store) -> bool:
    """Keep the erasure until the person is onboarded (applied by erase_held); False if they are
    by now (erase them then). Any number of requests for one person are held once."""
    employee_id = str(event.data["employeeId"])
    held = replace(event, id=held_erasure_id(employee_id))

    def work(uow: UnitOfWork) -> bool:
        if uow.employee_exists(employee_id):  # read in this transaction
            return False
        uow.hold(held, employee_id)
        return True

    return store.atomically(work)


def erase_held(event: PlatformEvent, store: Store) -> str:
    """A held erasure, released after the person's onboarding (services/held_events.py applies it
    after anything else held for them, so nothing it erases comes back)."""
    employee_id = _person(event)
    changed = erase(employee_id, store.personal_records(), store)
    if not is_onboarded(changed):
        return UNKNOWN_EMPLOYEE  # still waiting
    assert changed is not None
    return event.logged(log, employee_id, "erased" if any(changed.values()) else "already_erased")


REQUESTS = {EXPORT_EVENT: export_requested, ERASURE_EVENT: erasure_requested}


def requested(event: PlatformEvent, records: PersonalRecords, store: Store) -> dict[str, Any]:
    """The webhook's answer to one of REQUESTS (its status, and the export or what was erased)."""
    return REQUESTS[event.type](event, records, store)


def _json(value: Any) -> Any:
    """Times as ISO 8601 (what Firestore stores as a timestamp); the rest is JSON already."""
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value
