"""Everything stored about one person, found and erased (services/ports.PersonalRecords).

Found by the person's id (their record and its subcollections; cycles, audit entries, held
events and live-source items name them) and by their Slack id (outbox messages to them).
Erasure rewrites each document as mapping/privacy.py says, the employee record last: a run cut
short is finished by the next one (which still finds the Slack id), and a second run changes
nothing. Not one transaction (a person's documents can be many); idempotent instead.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from devplan.adapters.firestore import mapping as m
from devplan.adapters.firestore.documents import Document, Documents
from devplan.adapters.firestore.mapping import privacy as p
from devplan.adapters.firestore.mapping.dead_letters import DEAD_LETTERS
from devplan.adapters.firestore.mapping.goals import METRIC_ITEMS
from devplan.adapters.firestore.mapping.lifecycle import USERS

Found = dict[str, dict[str, Document]]  # section → path → document


class PersonalRecords:
    def __init__(self, documents: Documents, clock: Callable[[], datetime]):
        self.documents, self.clock = documents, clock

    def gather(self, employee_id: str) -> Found | None:
        employee = self.documents.get(m.employee_path(employee_id))
        if employee is None:
            return None
        slack_user_id = (employee.get("slack") or {}).get("userId")
        own = m.employee_path(employee_id)
        by_id = [("employeeId", "==", employee_id)]
        audit = self._all(m.AUDIT, by_id) | self._all(m.AUDIT, [("actorId", "==", employee_id)])
        return {
            "employee": {own: employee},
            "reflections": self._all(m.reflections_collection(employee_id), []),
            "tallies": self._all(f"{own}/tallies", []),
            "wallets": self._all(f"{own}/wallets", []),
            "cycles": self._all(m.CYCLES, by_id),
            "audit": audit,
            "outbox": self._all(m.OUTBOX, [(USERS, "array_contains", slack_user_id)]) if slack_user_id else {},
            "heldEvents": self._all(m.HELD, by_id),
            "metricItems": self._all(METRIC_ITEMS, by_id),
            # A batch's letters about their record (ids and errors: shown, not erased). A webhook's
            # letters are kept by event id, not by person: an operator deletes those (README).
            "deadLetters": self._all(DEAD_LETTERS, [("record", "==", own)]),
        }

    def erase(self, employee_id: str) -> dict[str, int] | None:
        """How many documents of each section were changed (0 everywhere: erased already)."""
        found = self.gather(employee_id)
        if found is None:
            return None
        slack_user_id = (found["employee"][m.employee_path(employee_id)].get("slack") or {}).get("userId")
        now = self.clock()
        rewrite: dict[str, Callable[[Document], Document]] = {
            "reflections": p.erased_reflection,
            "wallets": p.erased_wallet,
            "cycles": p.erased_cycle,
            "audit": lambda d: p.erased_audit(d, employee_id),
            "outbox": lambda d: p.erased_outbox(d, slack_user_id or ""),
            "employee": lambda d: p.erased_employee(d, now),  # last: see the module's note
        }
        changed = dict.fromkeys(rewrite, 0)
        for path in found["heldEvents"]:  # an event kept for them is theirs entirely
            self.documents.delete(path)
        changed["heldEvents"] = len(found["heldEvents"])
        for section, erased in rewrite.items():
            for path, doc in found[section].items():
                new = erased(doc)
                if new != doc:
                    self.documents.set(path, new, merge=False)
                    changed[section] += 1
        return changed

    def _all(self, collection: str, filters: list[tuple[str, str, Any]]) -> dict[str, Document]:
        return {f"{collection}/{doc_id}": doc for doc_id, doc in self.documents.query(collection, filters)}
