"""The dead-letter collection (deadLetters/{id}): recorded once per function and event (or record),
read, and moved on by an operator through `devplan dead-letters`; and the other things an
operator asks about when something is stuck (`devplan stuck`)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any

from devplan.adapters.firestore import mapping as m
from devplan.adapters.firestore.documents import Documents, DocumentTransaction
from devplan.adapters.firestore.mapping import dead_letters as layout
from devplan.adapters.firestore.mapping.dead_letters import DeadLetter
from devplan.adapters.firestore.mapping.outbox import is_dismissed
from devplan.domain.employees import PENDING, WAITING_FOR_SLACK
from devplan.domain.outbox import FAILED, SENDING
from devplan.domain.outbox import PENDING as OUTBOX_PENDING
from devplan.errors import UnusableRecord, failure_of

log = logging.getLogger("devplan.dead_letters")
_RECORD_PATHS: dict[str, Callable[[str], str]] = {"employee": m.employee_path, "outbox": m.outbox_path}
_RECORD_FIELDS = {"employee": "employeeId", "outbox": "outboxId"}


@dataclass(frozen=True)
class Delivery:
    """An event as it arrived, enough to deliver it again: `body` is its JSON text."""

    event_id: str
    event_type: str | None
    source: str | None
    subject: str | None
    body: str | None


class DeadLetterStore:
    def __init__(self, documents: Documents, clock: Callable[[], datetime]):
        self.documents, self._clock = documents, clock

    def record(self, letter: DeadLetter) -> bool:
        """Create the letter, or count one more failure of it. True if it is new. May raise
        (the store is down): callers decide what that means (entry.py, EventLetters)."""
        path, now = layout.dead_letter_path(letter.id), self._clock()

        def work(tx: DocumentTransaction) -> bool:
            previous = tx.get(path)
            if previous is None:
                tx.set(path, layout.new_letter_document(letter, now), merge=False)
                return True
            tx.set(path, layout.seen_again_update(previous, letter, now), merge=True)
            return False

        return self.documents.run_in_transaction(work)

    def letter(self, letter_id: str) -> DeadLetter | None:
        doc = self.documents.get(layout.dead_letter_path(letter_id))
        return layout.letter_from(doc) if doc is not None else None

    def letters(self, state: str | None = layout.OPEN, *, limit: int = 200) -> list[DeadLetter]:
        """The newest `limit` letters (in `state`), by when they were last seen. All of them are read
        and sorted here: a query cut at `limit` in no order would hide the newest behind old ones."""
        filters = [("state", "==", state)] if state else []
        found = [layout.letter_from(doc) for _, doc in self.documents.query(layout.DEAD_LETTERS, filters)]
        return layout.newest_first(found)[:limit]

    def mark(self, letter_id: str, state: str) -> bool:
        """Move a letter to `state`; False if there is no such letter."""
        path = layout.dead_letter_path(letter_id)
        if self.documents.get(path) is None:
            return False
        self.documents.set(path, layout.state_update(state, self._clock()))
        return True

    def not_retried(self, letter_id: str, note: str) -> bool:
        """A replay that never got to the letter's record: one more attempt, still open; False if no letter."""
        path, now = layout.dead_letter_path(letter_id), self._clock()

        def work(tx: DocumentTransaction) -> bool:
            previous = tx.get(path)
            if previous is None:
                return False
            tx.set(path, layout.not_retried_update(previous, note, now), merge=True)
            return True

        return self.documents.run_in_transaction(work)

    def for_event(self, function: str, delivery: Delivery | Callable[[], Delivery]) -> EventLetters:
        """`delivery`, or how to make it: an event is described only if a letter needs it (most
        events succeed, and encoding one costs a copy of its body)."""
        return EventLetters(self, function, delivery if callable(delivery) else lambda: delivery)

    # what else is stuck
    def unsent_outbox(self, *, pending_for: timedelta) -> list[dict[str, Any]]:
        """Outbox messages not sent: failed (unless dismissed); sending with the lease run out; pending
        for longer than `pending_for`."""
        now, stuck = self._clock(), list[dict[str, Any]]()
        states = [OUTBOX_PENDING, SENDING, FAILED]
        for message_id, doc in self.documents.query(m.OUTBOX, [(layout.OUTBOX_STATE, "in", states)]):
            try:
                entry = m.outbox_entry_from(message_id, doc)
            except UnusableRecord as exc:
                stuck.append({"id": message_id, "state": "unusable", "why": str(exc)})
                continue
            created = entry.created_at
            if entry.state == FAILED and is_dismissed(doc):
                continue  # an operator left it failed (`devplan outbox dismiss`)
            if entry.state == FAILED:
                why = layout.outbox_error(doc) or "failed"
            elif entry.state == SENDING and entry.claim is not None and entry.claim.until < now:
                why = f"lease ran out at {entry.claim.until:%Y-%m-%d %H:%M} UTC"
            elif entry.state == OUTBOX_PENDING and created is not None and now - created > pending_for:
                why = f"pending since {created:%Y-%m-%d %H:%M} UTC"
            else:
                continue
            stuck.append(
                {
                    "id": message_id,
                    "state": entry.state,
                    "topic": entry.message.topic,
                    "attempts": entry.attempts,
                    "why": why,
                }
            )
        return stuck

    def unfinished_onboarding(self, *, pending_for: timedelta) -> list[dict[str, Any]]:
        """Employees waiting for a Slack account, and onboarding pending for longer than `pending_for`."""
        now, stuck = self._clock(), []
        for status in (WAITING_FOR_SLACK, PENDING):
            for employee_id, doc in self.documents.query(m.EMPLOYEES, [(layout.ONBOARDING_STATUS, "==", status)]):
                since = layout.onboarded_at(doc)
                since = since if isinstance(since, datetime) else None
                if status == PENDING and since is not None and now - since <= pending_for:
                    continue
                stuck.append({"id": employee_id, "status": status, "name": doc.get("name"), "since": since})
        return stuck


@dataclass
class EventLetters:
    """The dead letters of one invocation of one function (services/ports.DeadLetters): the event
    is kept with every letter, so a replay delivers it again. Remembers what it recorded and which
    batch items it finished, so a replayed letter is marked `replayed` only when nothing failed
    again and, for a batch item, only when this run handled that very item."""

    store: DeadLetterStore
    function: str
    describe: Callable[[], Delivery]
    recorded: set[str] = field(default_factory=set)
    finished: set[str] = field(default_factory=set)  # record paths handled without failing

    @cached_property
    def delivery(self) -> Delivery:
        return self.describe()

    def _letter(self, key: str, error: BaseException, reason: str, record: str | None = None) -> DeadLetter:
        d = self.delivery
        return DeadLetter(
            id=layout.letter_id(self.function, key),
            function=self.function,
            event_id=d.event_id,
            event_type=d.event_type,
            source=d.source,
            subject=d.subject,
            record=record,
            reason=reason,
            event=d.body,
            error_class=type(error).__name__,
            error_message=str(error),
            first_seen_at=None,
            last_seen_at=None,
            attempts=1,
            state=layout.OPEN,
        )

    def set_aside_event(self, error: BaseException, *, reason: str) -> DeadLetter:
        """Record the event itself. Raises what the store raised: the caller decides about retrying."""
        letter = self._letter(self.delivery.event_id, error, reason)
        self.store.record(letter)
        self.recorded.add(letter.id)
        return letter

    def set_aside(self, kind: str, record_id: str, error: Exception) -> None:
        record = _RECORD_PATHS[kind](record_id)
        letter = self._letter(record, error, failure_of(error), record=record)
        try:
            self.store.record(letter)
            self.recorded.add(letter.id)
        except Exception:  # never raises: the record fails again on the next run and is tried again
            log.exception(
                "%s: could not record the dead letter %s",
                self.function,
                letter.id,
                extra={"function": self.function, "deadLetter": letter.id},
            )
            return
        log.error(
            "%s: %s set aside as dead letter %s: %s",
            self.function,
            record,
            letter.id,
            error,
            extra={
                "function": self.function,
                "eventId": self.delivery.event_id,
                "deadLetter": letter.id,
                "reason": letter.reason,
                _RECORD_FIELDS[kind]: record_id,  # employeeId / outboxId, as the other lines name them
            },
        )

    def processed(self, kind: str, record_id: str) -> None:
        self.finished.add(_RECORD_PATHS[kind](record_id))

    def mark_replayed(self, letter_id: str) -> None:
        """A replay of `letter_id` ran through. Its letter is done unless it failed again in this
        run, or it is a batch item's and this run never got to that item (the sweep on a weekend,
        the catch-up's sample, a budget): then it stays open, one more attempt and a note."""
        if letter_id in self.recorded or not letter_id.startswith(self.function + ":"):
            return
        context = {"function": self.function, "deadLetter": letter_id}
        try:
            letter = self.store.letter(letter_id)
            if letter is None:
                return
            if letter.record is not None and letter.record not in self.finished:
                note = f"the replay (event {self.delivery.event_id}) did not get to {letter.record}"
                self.store.not_retried(letter_id, note)
                log.warning("%s: dead letter %s stays open: %s", self.function, letter_id, note, extra=context)
                return
            if self.store.mark(letter_id, layout.REPLAYED):
                log.info("%s: dead letter %s replayed", self.function, letter_id, extra=context)
        except Exception:  # the letter stays open; the operator sees the event went through in the log
            log.exception("%s: could not settle the replay of %s", self.function, letter_id, extra=context)
