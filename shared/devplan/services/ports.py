"""What the services need from the outside world, as typing.Protocols.

Services are typed against these and never import an SDK or an adapter. The real adapters
(adapters/firestore/store.py, adapters/slack.py, adapters/pubsub.py) and the in-memory fakes
(tests/fakes.py) both satisfy them; mypy checks that, and tests/contract runs the same cases
against fake and real so the two cannot drift.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from devplan.domain.audit import AuditEntry
from devplan.domain.calendar import Quarter
from devplan.domain.cycle_record import CycleRecord
from devplan.domain.employees import Employee
from devplan.domain.funding import FundingBook
from devplan.domain.metrics import Tally
from devplan.domain.outbox import Claim, OutboxEntry, OutboxMessage
from devplan.domain.reflections import Reflection
from devplan.domain.wallet import Wallet
from devplan.services.inputs import PlatformEvent
from devplan.services.slack_port import ConversationGone as ConversationGone  # re-exported
from devplan.services.slack_port import Slack as Slack
from devplan.services.slack_port import SlackRefused as SlackRefused

if TYPE_CHECKING:  # held_events uses these ports: imported for the types only
    from devplan.services.held_events import HeldEvent

T = TypeVar("T")
Clock = Callable[[], datetime]
Version = Any  # a document's version as the store knows it (opaque to services)


class UnitOfWork(Protocol):
    """One transaction: reads first, writes buffered until the work returns. The work may run
    several times (contention), so it must not talk to Slack or keep state outside."""

    now: datetime

    def claim(self, event_key: str) -> bool:
        """Record that this event was handled; False if an earlier run already did."""

    def emit(self, message: OutboxMessage) -> bool:
        """Add a message to the outbox unless one with its id exists (never reset one)."""

    def prefetch(
        self,
        *,
        employees: Iterable[str] = (),
        cycles: Iterable[tuple[str, Quarter]] = (),
        outbox: Iterable[str] = (),
        wallets: Iterable[tuple[str, int]] = (),
        tallies: Iterable[tuple[str, str]] = (),
    ) -> None:
        """Read all of these in one round trip; later reads come from the cache. `wallets`:
        (employee, year); `tallies`: (employee, source)."""

    def employee(self, employee_id: str) -> Employee | None: ...
    def employee_exists(self, employee_id: str) -> bool:
        """Whether the record exists, without reading it as an Employee."""

    def add_employee(self, employee: Employee, *, event_id: str, occurred_at: datetime, erased: bool = ...) -> None: ...
    def save_employee(self, employee: Employee) -> None: ...
    def cycle(self, employee_id: str, quarter: Quarter) -> CycleRecord:
        """The quarter's record; an empty one if nothing happened yet."""

    def cycle_exists(self, employee_id: str, quarter: Quarter) -> bool: ...
    def save_cycle(self, cycle: CycleRecord) -> None: ...
    def schedule_check(self, employee_id: str, day: date) -> None:
        """The day the daily tick next looks at this employee (domain/next_check.py)."""

    def has_reflection(self, employee_id: str, entry_id: str) -> bool: ...
    def add_reflection(self, reflection: Reflection) -> None: ...
    def tally(self, employee_id: str, source: str) -> Tally:
        """The person's items of a live source (domain/metrics.py); empty if none yet."""

    def save_tally(self, tally: Tally) -> None: ...
    def metric_item_owner(self, source: str, item_id: str) -> tuple[str | None, bool]:
        """Whose an item of a live source is (None if not seen yet), and whether it was cancelled."""

    def record_metric_item_owner(
        self, source: str, item_id: str, employee_id: str | None, *, cancelled: bool
    ) -> None: ...
    def wallet(self, employee_id: str, year: int, budget_sek: int | None) -> Wallet:
        """The person's training wallet of a year; a new one with `budget_sek` (None: the default) if none yet."""

    def save_wallet(self, wallet: Wallet) -> None: ...
    def save_funding(self, employee_id: str, book: FundingBook) -> None:
        """The employee's funding applications only (their other fields as they are)."""

    def record(self, entry: AuditEntry) -> bool:
        """Add to the audit trail unless `entry.key` is recorded already; entries are never rewritten."""

    def employees_with_email(self, email: str) -> list[Employee]:
        """Read in the transaction: two concurrent links of one account cannot both see it unlinked."""

    def link_slack_account(self, employee_id: str, slack_user_id: str) -> None: ...
    def is_held(self, event_id: str) -> bool: ...
    def hold(self, event: PlatformEvent, employee_id: str) -> bool:
        """Keep an event until its employee exists; False if it is already held."""

    def change_employee(self, employee: Employee) -> None:
        """Write the platform's facts of the person (name, e-mail, role, lead, status) as they are now."""

    def cancel_pending_outbox(self, slack_user_id: str, why: str) -> list[str]:
        """Cancel the messages to this Slack user not sent yet; their ids."""


class Loaded(Protocol):
    """Records read together in one round trip, mapped on access."""

    def employee(self, employee_id: str) -> Employee | None: ...
    def cycle(self, employee_id: str, quarter: Quarter) -> CycleRecord | None: ...


class Store(Protocol):
    def atomically(self, work: Callable[[UnitOfWork], T]) -> T: ...
    def employee(self, employee_id: str) -> Employee | None: ...
    def load(self, *, employees: Iterable[str] = (), cycles: Iterable[tuple[str, Quarter]] = ()) -> Loaded: ...
    def active_employee_ids(self) -> list[str]: ...
    def employee_ids(self) -> list[str]:
        """Everyone, offboarded too (the HR report of a past quarter)."""

    def cycles_led_by(self, lead_ids: Sequence[str], quarter: Quarter) -> list[CycleRecord]:
        """The quarter's records whose opening recorded one of `lead_ids` as the person's lead
        (one query per 30 leads: a query costs a read even when it finds nobody)."""

    def due_employee_ids(self, day: date) -> list[str]:
        """Employees whose next check day (domain/next_check.py) is `day` or earlier, or not written yet."""

    def employees_led_by(self, lead_id: str) -> list[Employee]: ...
    def employees_led_by_any(self, lead_ids: Sequence[str]) -> list[Employee]:
        """Whoever one of `lead_ids` leads now (one query per 30 leads)."""

    def wallets(self, employees: Sequence[Employee], year: int) -> dict[str, Wallet]:
        """The year's training wallets of these people, in one round trip (new ones where none yet)."""

    def audit_of(self, employee_id: str, *, limit: int | None = 200) -> list[AuditEntry]:
        """The newest `limit` entries of the person's audit trail (None: all), oldest first
        (unreadable entries are logged and left out)."""

    def reflection_goal_ids(self, employee_id: str, *, limit: int = 500) -> list[tuple[str, ...]]:
        """The goals each of the person's reflections is about (the lead sees counts, never the text)."""

    def employee_with_slack_user(self, slack_user_id: str) -> Employee | None: ...
    def employees_onboarding(self, statuses: Sequence[str]) -> list[Employee]: ...
    def tick_state(self, day: date) -> str | None: ...
    def record_tick(
        self, day: date, state: str, *, event_id: str, employees: int | None = None, chunks: int | None = None
    ) -> None: ...
    def record_chunk(self, day: date, index: int, *, employees: int, outcome: Mapping[str, int]) -> None: ...
    def outbox_entry(self, message_id: str) -> tuple[OutboxEntry | None, Version]: ...
    def claim_outbox(self, message_id: str, claim: Claim, *, attempts: int, version: Version) -> bool:
        """Move to `sending` under `claim` if the message is still at `version`; False otherwise."""

    def release_outbox(self, message_id: str, claim: Claim, *, at: datetime) -> bool:
        """End `claim`'s lease at `at`, still `sending`, if the message is still under it; False otherwise."""

    def mark_sent(
        self, message_id: str, *, at: datetime, channel: str | None, ts: str | None, forget_users: bool = False
    ) -> None: ...
    def group_conversation(self, users: tuple[str, ...]) -> str | None:
        """The group DM with these users, once opened (conversations.open is Tier 3)."""

    def keep_group_conversation(self, users: tuple[str, ...], channel: str) -> None: ...
    def forget_group_conversation(self, users: tuple[str, ...], channel: str) -> None:
        """Drop the kept group DM if it is still `channel` (Slack no longer knows it)."""

    def mark_failed(self, message_id: str, *, at: datetime, error: str, forget_users: bool = False) -> None: ...
    def unfinished_outbox(self, *, created_before: datetime, limit: int) -> list[str]: ...
    def held_events(
        self,
        *,
        employee_id: str | None = None,
        received_since: datetime | None = None,
        received_before: datetime | None = None,
        limit: int,
    ) -> list[HeldEvent]:
        """Held platform events (of one employee, or any); unreadable ones are logged and left out.
        `received_since`: those received since then, oldest first; `received_before`: those
        received before then, newest first (not with `employee_id`)."""

    def forget_held_event(self, event_id: str) -> None: ...
    def note_held_problem(self, event_id: str, problem: str) -> None: ...
    def personal_records(self) -> PersonalRecords:
        """A person's documents over the same documents: an erasure held until an onboarding is
        applied where the onboarding is (services/privacy.py)."""


class Publisher(Protocol):
    def publish_many(self, topic: str, messages: list[dict[str, Any]], **attributes: str) -> list[str]: ...


class DeadLetters(Protocol):
    """Where a batch sets aside a record it can never handle (errors.failure_of says which), once
    per function and record, for an operator (`devplan dead-letters`), so the rest of the batch
    goes on and the same record does not fail the run again unseen. Recording never raises."""

    def set_aside(self, kind: str, record_id: str, error: Exception) -> None:
        """`kind`: "employee" or "outbox"; the current event is kept with it for a replay."""

    def processed(self, kind: str, record_id: str) -> None:
        """This run handled the record to the end (whatever the outcome, nothing raised): a
        replay of its letter is done. A batch calls it for every item it finished, so a replay
        whose run never reached the item (skipped, not sampled, over budget) leaves it open."""


class PersonalRecords(Protocol):
    """Everything stored about one person (services/privacy.py): found, and erased."""

    def gather(self, employee_id: str) -> dict[str, dict[str, dict[str, Any]]] | None:
        """Section (employee, reflections, cycles, audit, outbox, …) → document path → document;
        None if nobody has that id."""

    def erase(self, employee_id: str) -> dict[str, int] | None:
        """Remove the person's personal data, keep the counts; documents changed per section
        (all 0 when erased already); None if nobody has that id."""
