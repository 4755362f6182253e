"""Everything stored about one person, found and erased (services/ports.PersonalRecords).

Found, and how:
- by the person's id: their record and its subcollections; cycles, audit entries, held events
  and live-source items naming them (`employeeId`, an audit entry's `actorId`); the 1:1s of
  others they confirmed as the lead (`review.confirmedBy.employeeId`);
- outbox messages to them by their Slack id (`users` array-contains) and about them by their id
  (`about` array-contains: a notice to their lead, a post in #general, a digest of their team);
- outbox messages written before `about` existed, by their whole name or Slack id (a mention) in
  the text: the outbox read in `createdAt` order, a page at a time, up to the first message that
  carries `about` (the release that wrote it wrote `about` on every message naming someone, so
  nothing after it needs the text searched). The read costs the legacy messages and one page;
- the group DMs the sender kept with their Slack id (`slackConversations`, `users`).

Someone rehired has a new, active record with the same Slack id: erasing the old one then finds
messages by `about` only (and the legacy text by name only), and leaves the kept group DMs, all
of which may be the current record's.

Erasure rewrites each document as mapping/privacy.py says, and deletes what is theirs entirely
(held events, kept group DMs) or a mere delivery record to them (Home publications and answers
to clicks, whose ids once held their Slack id); a Home publication still pending is left to be
sent (it is what clears their Home). The employee record goes last: a run cut short is finished
by the next one (which still finds the name and Slack id), and a second run changes nothing. Not
one transaction (a person's documents can be many); idempotent instead.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from devplan.adapters.firestore import mapping as m
from devplan.adapters.firestore.documents import Document, Documents
from devplan.adapters.firestore.mapping import privacy as p
from devplan.adapters.firestore.mapping.conversations import CONVERSATIONS
from devplan.adapters.firestore.mapping.dead_letters import DEAD_LETTERS
from devplan.adapters.firestore.mapping.goals import METRIC_ITEMS
from devplan.adapters.firestore.mapping.lifecycle import USERS
from devplan.adapters.firestore.mapping.outbox import ABOUT
from devplan.domain.employees import ACTIVE
from devplan.domain.ids import is_slack_id
from devplan.domain.outbox import PENDING
from devplan.services.privacy import ERASURE_EVENT

Found = dict[str, dict[str, Document]]  # section → path → document
LEGACY_PAGE = 300  # outbox messages per read of the legacy scan (the webhook's instance is small)
DELETED = ("heldEvents", "conversations")  # theirs entirely: deleted, not rewritten


class PersonalRecords:
    def __init__(self, documents: Documents, clock: Callable[[], datetime]):
        self.documents, self.clock = documents, clock

    def gather(self, employee_id: str) -> Found | None:
        employee = self.documents.get(m.employee_path(employee_id))
        if employee is None:  # not onboarded (yet): events about them may be held all the same
            held = self._held(employee_id)
            return {"heldEvents": held} if held else None
        slack_user_id = self._own_slack_id(employee_id, employee)
        own = m.employee_path(employee_id)
        by_id = [("employeeId", "==", employee_id)]
        audit = self._audit(employee_id)
        by_slack = [(USERS, "array_contains", slack_user_id)]
        return {
            "employee": {own: employee},
            "reflections": self._all(m.reflections_collection(employee_id), []),
            "tallies": self._all(f"{own}/tallies", []),
            "wallets": self._all(f"{own}/wallets", []),
            "cycles": self._all(m.CYCLES, by_id),
            "confirmed": {  # someone else's record: only who confirmed it is theirs (and shown)
                path: {"employeeId": doc.get("employeeId"), "review": {"confirmedBy": doc["review"]["confirmedBy"]}}
                for path, doc in self._all(m.CYCLES, [("review.confirmedBy.employeeId", "==", employee_id)]).items()
                if doc.get("employeeId") != employee_id  # their own are in "cycles"
            },
            "audit": audit,
            "outbox": (self._all(m.OUTBOX, by_slack) if slack_user_id else {})
            | self._all(m.OUTBOX, [(ABOUT, "array_contains", employee_id)])
            | self._written_before_about(employee.get("name"), slack_user_id),
            "heldEvents": self._held(employee_id),
            "metricItems": self._all(METRIC_ITEMS, by_id),
            "conversations": self._all(CONVERSATIONS, by_slack) if slack_user_id else {},
            # A batch's letters about their record (ids and errors: shown, not erased). A webhook's
            # letters are kept by event id, not by person: an operator deletes those (README).
            "deadLetters": self._all(DEAD_LETTERS, [("record", "==", own)]),
        }

    def _audit(self, employee_id: str) -> dict[str, Document]:
        return self._all(m.AUDIT, [("employeeId", "==", employee_id)]) | self._all(
            m.AUDIT, [("actorId", "==", employee_id)]
        )

    def _held(self, employee_id: str) -> dict[str, Document]:
        """Events held until they are onboarded; not an erasure held for that moment (it names
        nobody but the id, and must outlive the erasure of what is held before it)."""
        return {
            path: doc
            for path, doc in self._all(m.HELD, [("employeeId", "==", employee_id)]).items()
            if doc.get("type") != ERASURE_EVENT
        }

    def _own_slack_id(self, employee_id: str, employee: Document) -> str | None:
        """Their Slack id, unless an active record (theirs, rehired) holds it too: then what it
        finds may be that record's, and the old record is erased by its id alone. A damaged
        record's id stored bare (`slack: "U…"`) is theirs all the same: a valid Slack id is used
        wherever it sits, or their group DMs and messages would outlive the erasure."""
        slack = employee.get("slack")
        slack_user_id = slack.get("userId") if isinstance(slack, dict) else slack
        if not is_slack_id(slack_user_id):  # none, or not an id at all
            return None
        sharing = self.documents.query(m.EMPLOYEES, [("slack.userId", "==", slack_user_id)])
        if any(i != employee_id and doc.get("status") == ACTIVE for i, doc in sharing):
            return None
        return slack_user_id

    def _written_before_about(self, name: Any, slack_user_id: str | None) -> dict[str, Document]:
        """Messages naming them in their text (the whole name, or the Slack id as a mention) written
        before `about` said whom a message speaks of: the oldest, up to the first with `about`.
        Not after erasure: the name is "(raderad)" and the Slack id gone."""
        needles = [re.escape(n) for n in (name, slack_user_id) if isinstance(n, str) and n and n != p.ERASED]
        if not needles:
            return {}
        named = re.compile(rf"(?<!\w)(?:{'|'.join(needles)})(?!\w)")
        return {
            f"{m.OUTBOX}/{i}": doc
            for i, doc in self._legacy()
            if named.search(json.dumps([doc.get("text"), doc.get("blocks")], ensure_ascii=False))
        }

    def _legacy(self) -> Iterator[tuple[str, Document]]:
        """The outbox in `createdAt` order up to the first message carrying `about`, paged by a
        cursor on `createdAt` (one transaction's messages share it: a page of ties alone is read
        whole by that time, then the cursor moves past it)."""
        order: Any = ("createdAt", "asc")
        seen: set[str] = set()
        after: tuple[str, Any] | None = None
        while True:
            cursor = [("createdAt", after[0], after[1])] if after else []
            page = self.documents.query(m.OUTBOX, cursor, limit=LEGACY_PAGE, order_by=order)
            fresh = [(i, doc) for i, doc in page if i not in seen]
            if page and not fresh:  # a page of ties only: that instant whole, then past it
                at = page[-1][1]["createdAt"]
                fresh = [(i, d) for i, d in self.documents.query(m.OUTBOX, [("createdAt", "==", at)]) if i not in seen]
                after = (">", at)
            elif page:
                after = (">=", page[-1][1]["createdAt"])
            for i, doc in fresh:
                if doc.get(ABOUT):
                    return
                seen.add(i)
                yield i, doc
            if len(page) < LEGACY_PAGE:
                return

    def erase(self, employee_id: str) -> dict[str, int] | None:
        """How many documents of each section were changed (0 everywhere: erased already)."""
        found = self.gather(employee_id)
        if found is None:
            return None
        if "employee" not in found:  # their held events alone
            return self._deleted(found, ("heldEvents",))
        slack_user_id = self._own_slack_id(employee_id, found["employee"][m.employee_path(employee_id)])
        now = self.clock()
        rewrite: dict[str, Callable[[Document], Document]] = {
            "reflections": p.erased_reflection,
            "wallets": p.erased_wallet,
            "cycles": p.erased_cycle,
            "confirmed": p.erased_confirmation,
            "audit": lambda d: p.erased_audit(d, employee_id),
            "outbox": lambda d: p.erased_outbox(d, slack_user_id or "", employee_id),
            "employee": lambda d: p.erased_employee(d, now),  # last: see the module's note
        }
        changed = dict.fromkeys(rewrite, 0) | self._deleted(found, DELETED)
        found["confirmed"] = {p: d for p, d in self.documents.get_all(list(found["confirmed"])).items() if d}
        for path, doc in list(found["outbox"].items()):
            if doc.get("state") == PENDING and doc.get("kind") == p.HOME:
                del found["outbox"][path]  # a pending Home is what clears theirs: left to be sent
            elif slack_user_id and p.is_delivery_record(path.split("/", 1)[1], doc, slack_user_id):
                del found["outbox"][path]
                self.documents.delete(path)
                changed["outbox"] += 1
        for section, erased in rewrite.items():
            for path, doc in found[section].items():
                new = erased(doc)
                if new != doc:
                    self.documents.set(path, new, merge=False)
                    changed[section] += 1
        # An employee.updated that read the record before its erasure may have committed audit
        # entries (a name's digest) since the gather; none can after it (an update reads the
        # record in its transaction, and an erased one takes no facts): the trail once more.
        for path, doc in self._audit(employee_id).items():
            if (new := rewrite["audit"](doc)) != doc:
                self.documents.set(path, new, merge=False)
                changed["audit"] += 1
        return changed

    def _deleted(self, found: Found, sections: tuple[str, ...]) -> dict[str, int]:
        for section in sections:
            for path in found[section]:
                self.documents.delete(path)
        return {section: len(found[section]) for section in sections}

    def _all(self, collection: str, filters: list[tuple[str, str, Any]]) -> dict[str, Document]:
        return {f"{collection}/{doc_id}": doc for doc_id, doc in self.documents.query(collection, filters)}
