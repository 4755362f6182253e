"""The lead's answer to "larger programmes?" (services/funding.py asks after enough grants):
Godkänn adds the responsibility to the person, with an AuditEntry and a DM recognising it;
Inte än is recorded and the next grant asks again. Only the person's lead answers: the person
themself, or anyone else, gets a polite answer and nothing changes; a second click answers
"already". One transaction per click."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime
from typing import Any

from devplan.domain.audit import ADVANCEMENT, REFUSAL, AuditEntry
from devplan.domain.funding import LARGER_PROGRAMMES
from devplan.domain.ids import is_valid_id
from devplan.domain.outbox import named
from devplan.errors import InvalidEvent
from devplan.messages import funding as render
from devplan.messages.catalog import text
from devplan.services.goals import lead_of
from devplan.services.money_notices import dm
from devplan.services.ports import Store, UnitOfWork
from devplan.services.slack_replies import ephemeral, tell

log = logging.getLogger(__name__)


def _audit(key: str, employee_id: str, kind: str, action: str, lead_id: str, at: datetime, grants: int) -> AuditEntry:
    return AuditEntry(key, employee_id, kind, action, lead_id, at, None, {"grants": grants})


def answer(store: Store, value: str, slack_user_id: str, at: datetime, *, approve: bool) -> dict[str, Any]:
    """Godkänn / Inte än on the question about larger programmes: by the person's lead only."""
    try:
        employee_id, grants = render.parse_larger_ref(value)
    except ValueError:
        raise InvalidEvent(f"funding button value is malformed: {value!r:.80}", code="malformed") from None
    if not is_valid_id(employee_id):
        raise InvalidEvent(f"funding button names no employee: {value!r:.80}", code="malformed")

    def work(uow: UnitOfWork) -> dict[str, Any]:
        employee = uow.employee(employee_id)
        lead = lead_of(uow, employee) if employee else None
        clicker = next((p for p in (lead, employee) if p and p.slack_user_id == slack_user_id), None)
        lang = clicker.language if clicker else "sv"

        def reply(outcome: str, key: str, **fields: str) -> dict[str, Any]:
            shown = text(lang, f"funding.{key}", **fields)
            tell(uow, slack_user_id, f"funding-larger:{employee_id}:{grants}:{outcome}", shown, named(employee, lead))
            return {"outcome": outcome, **ephemeral(shown)}

        if employee is None:
            return reply("unknown_employee", "unknown_employee")
        if employee.slack_user_id == slack_user_id:
            return reply("own_request", "own_request")
        if lead is None or lead.slack_user_id != slack_user_id:
            return reply("not_yours", "not_yours", lead=lead.name if lead else "", employee=employee.name)
        if LARGER_PROGRAMMES in employee.responsibilities:
            return reply("already_approved", "already_approved", employee=employee.name)
        book = employee.funding
        if not approve:
            if book.larger_declined_at is not None and book.larger_declined_at >= grants:
                return reply("already_not_yet", "not_yet_noted", employee=employee.name)
            uow.save_funding(employee_id, replace(book, larger_declined_at=grants))
            key = f"funding-larger-not-yet:{employee_id}:{grants}"
            uow.record(_audit(key, employee_id, REFUSAL, "larger_programmes_not_yet", lead.employee_id, at, grants))
            return reply("not_yet", "not_yet_noted", employee=employee.name)
        uow.save_employee(replace(employee, responsibilities=(*employee.responsibilities, LARGER_PROGRAMMES)))
        key = f"funding-larger:{employee_id}"
        uow.record(_audit(key, employee_id, ADVANCEMENT, "larger_programmes_approved", lead.employee_id, at, grants))
        dm(
            uow,
            f"funding-larger-approved:{employee_id}",
            employee,
            render.line(employee.language, "larger_told", lead=lead.name),
            "larger programmes → person",
            about=(employee, lead),
        )
        return reply("approved", "approved_lead", employee=employee.name)

    result = store.atomically(work)
    log.info(
        "larger programmes for %s by %s: %s",
        employee_id,
        slack_user_id,
        result["outcome"],
        extra={"employeeId": employee_id, "outcome": result["outcome"]},
    )
    return result
