"""The one place that knows the Firestore layout: paths, field names, defaults.

Records (frozen dataclasses of the domain) go in and come out; services never see a path
or a camelCase key. Layout (unchanged since the first release):
  employees/{id}                       Employee
  employees/{id}/reflections/{entry}   Reflection
  employees/{id}/tallies/{source}      Tally (a live source's items: sessions, grants, …)
  metricItems/{source}:{item}          whose an item is, and whether it was cancelled
  employees/{id}/wallets/{year}        Wallet (training requests of a calendar year)
  audit/{key}                          AuditEntry (who, when, why; written once)
  cycles/{employee}:{YYYY-QN}          CycleRecord
  outbox/{id}                          OutboxEntry
  processedEvents/{key}                the idempotency ledger (TTL on expireAt)
  heldEvents/{eventId}                 a platform event waiting for its employee
(ids from outside, the ledger's keys and event ids, are escaped one-to-one: common.document_id)
  ticks/{day}, ticks/{day}/chunks/{n}  progress of a daily tick
  slackConversations/{users}           a group DM's id, opened once (conversations.py)
Writes of records are merges that leave out unknown values (None), so a field another
writer set is never cleared by accident.
"""

from devplan.adapters.firestore.mapping.audit import AUDIT, audit_document, audit_entry_from, audit_path
from devplan.adapters.firestore.mapping.common import (
    CYCLES,
    EMPLOYEES,
    HELD,
    LEDGER,
    LEDGER_RETENTION,
    OUTBOX,
    TICKS,
    Document,
    chunk_path,
    cycle_path,
    document_id,
    employee_path,
    held_path,
    in_groups,
    ledger_path,
    outbox_path,
    reflection_path,
    reflections_collection,
    tick_path,
)
from devplan.adapters.firestore.mapping.cycles import (
    cycle_document,
    cycle_from,
)
from devplan.adapters.firestore.mapping.employees import (
    employee_from,
    employee_update,
    new_employee_document,
    reflection_document,
    slack_link_update,
)
from devplan.adapters.firestore.mapping.goals import (
    metric_item_document,
    metric_item_owner_from,
    metric_item_path,
    tally_document,
    tally_from,
    tally_path,
)
from devplan.adapters.firestore.mapping.held_events import (
    held_document,
    held_event_from,
    held_problem_update,
)
from devplan.adapters.firestore.mapping.money import funding_book_document, wallet_document, wallet_from, wallet_path
from devplan.adapters.firestore.mapping.outbox import (
    chunk_document,
    claim_update,
    failed_update,
    ledger_document,
    outbox_document,
    outbox_entry_from,
    release_update,
    sent_update,
    tick_document,
)

__all__ = [
    "AUDIT",
    "audit_document",
    "audit_entry_from",
    "audit_path",
    "CYCLES",
    "Document",
    "EMPLOYEES",
    "HELD",
    "LEDGER",
    "LEDGER_RETENTION",
    "OUTBOX",
    "TICKS",
    "chunk_path",
    "cycle_path",
    "document_id",
    "employee_path",
    "held_path",
    "in_groups",
    "ledger_path",
    "outbox_path",
    "reflection_path",
    "reflections_collection",
    "metric_item_document",
    "metric_item_owner_from",
    "metric_item_path",
    "tally_document",
    "tally_from",
    "tally_path",
    "tick_path",
    "employee_from",
    "employee_update",
    "new_employee_document",
    "reflection_document",
    "slack_link_update",
    "cycle_document",
    "cycle_from",
    "held_document",
    "held_event_from",
    "held_problem_update",
    "chunk_document",
    "claim_update",
    "failed_update",
    "ledger_document",
    "outbox_document",
    "outbox_entry_from",
    "release_update",
    "sent_update",
    "tick_document",
    "funding_book_document",
    "wallet_document",
    "wallet_from",
    "wallet_path",
]
