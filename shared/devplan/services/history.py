"""`/utveckling historik [@person]`: the audit trail, read by the person and their lead only.

Without a mention the asker reads their own trail; with one, a lead reads a person they lead.
Anyone else asking about someone else gets a polite refusal that shows nothing of the trail.
Reading only: no command edits an entry (domain/audit.py: written once, never rewritten)."""

from __future__ import annotations

import logging
from typing import Any

from devplan.domain.employees import DEFAULT_LANGUAGE, Employee
from devplan.domain.lifecycle_trail import trail
from devplan.domain.responsibility import parse_mention
from devplan.errors import UnusableRecord
from devplan.messages import history as render
from devplan.messages.catalog import text
from devplan.services.ports import Store
from devplan.services.slack_replies import ephemeral

log = logging.getLogger(__name__)


def may_read(asker: Employee, person: Employee) -> bool:
    """Their own trail, or that of someone they lead."""
    return asker.employee_id == person.employee_id or person.lead_id == asker.employee_id


def history_command(store: Store, slack_user_id: str, words: str) -> dict[str, Any]:
    asker = store.employee_with_slack_user(slack_user_id)
    lang = asker.language if asker else DEFAULT_LANGUAGE
    if asker is None:
        return {"outcome": "unknown_asker", **ephemeral(text(lang, "history.unknown"))}
    mention = parse_mention(words) if words.strip() else None
    if words.strip() and mention is None:
        return {"outcome": "usage", **ephemeral(text(lang, "history.usage"))}
    person = asker if mention is None else store.employee_with_slack_user(mention.slack_user_id)
    if person is None:
        return {"outcome": "unknown_person", **ephemeral(text(lang, "history.unknown_person"))}
    if not may_read(asker, person):
        log.info("historik of %s refused to %s", person.employee_id, asker.employee_id)
        return {"outcome": "refused", **ephemeral(render.refused(lang, person.name))}
    # All of them: each lifecycle entry is read against the one before it, however old (the query
    # reads them all anyway; the answer shows the newest).
    entries = trail(store.audit_of(person.employee_id, limit=None), person)
    own = person.employee_id == asker.employee_id
    shown = render.history(lang, person.name, entries, _names(store, {e.actor_id for e in entries}), own)
    return {"outcome": "shown", "entries": len(entries), **ephemeral(shown)}


def _names(store: Store, ids: set[str | None]) -> dict[str, str]:
    """Who acted, in one round trip; someone unreadable or gone is shown by their id."""
    wanted = sorted(i for i in ids if i)
    loaded = store.load(employees=wanted)
    names = {}
    for employee_id in wanted:
        try:
            found = loaded.employee(employee_id)
        except UnusableRecord:
            found = None
        if found is not None:
            names[employee_id] = found.name
    return names
