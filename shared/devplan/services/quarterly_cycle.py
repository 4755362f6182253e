"""One chunk of employees on one day: apply the cycle's rules (domain/cycle.py) and send
what is due (services/cycle_actions.py). Reads the whole chunk in one round trip; only
employees with something due get written, in one transaction that re-reads and re-decides,
so contention or a duplicate chunk never sends twice. A day older than the last one
applied (ticks out of order) changes nothing."""

from __future__ import annotations

import logging
from collections import Counter
from datetime import date

from devplan.domain.calendar import Quarter
from devplan.domain.cycle import Action, CycleFacts, EmployeeFacts, due_actions
from devplan.domain.cycle_record import CycleRecord
from devplan.domain.digest import TeamDigest
from devplan.domain.employees import Employee
from devplan.domain.quarter_close import keeps_goals, revised_in
from devplan.errors import can_never_succeed
from devplan.services import advancement_actions, digest
from devplan.services.cycle_actions import ACTIONS, Turn, outbox_id
from devplan.services.inputs import EmployeeChunk
from devplan.services.ports import DeadLetters, Store, UnitOfWork

log = logging.getLogger(__name__)


def facts_of(
    employee: Employee, cycle: CycleRecord, next_cycle: CycleRecord | None
) -> tuple[EmployeeFacts, CycleFacts]:
    person = EmployeeFacts(
        employee.employee_id,
        employee.start_date,
        bool(employee.lead_id),
        employee.active,
        employee.goals.deadline,
        employee.goals.is_set,
        goals_revised=revised_in(employee.goals, cycle.quarter),
        keeps_goals=keeps_goals(employee.goals, cycle.quarter),
        senior_coach_from=advancement_actions.check_from(employee),
        supervised=advancement_actions.supervised(employee),
        funding=employee.funding,
        leads_team=employee.role == "project_lead",
        time_off=employee.time_off,
    )
    return person, cycle.facts(next_quarter_opened=bool(next_cycle and next_cycle.opened_on))


def run_chunk(chunk: EmployeeChunk, store: Store, dead_letters: DeadLetters | None = None) -> Counter[str]:
    """Decide from one read of the chunk; apply everyone with something due in ONE transaction
    (one commit for the chunk instead of one per person: the emulator and Firestore both
    charge per round trip). The transaction re-reads and re-decides, so it stays exact.
    Whatever can never succeed for one person (their record, a cycle's or their lead's cannot
    be read, a value the rules cannot compute with) sets that person aside, logged and kept as
    a dead letter (`dead_letters`, once per record); the rest of the chunk goes on, and a later
    tick tries them again. What may pass (Firestore unavailable) raises: the chunk is retried."""
    today, quarter = chunk.as_of, Quarter.of(chunk.as_of)
    ids = chunk.employee_ids
    quarters = (quarter, quarter.next(), quarter.previous())
    loaded = store.load(employees=ids, cycles=[(e, q) for e in ids for q in quarters])
    outcome: Counter[str] = Counter()
    set_aside = _SetAside(today, outcome, dead_letters)
    due: dict[str, list[Action]] = {}
    employees: dict[str, Employee] = {}
    for employee_id in ids:
        try:
            employee = loaded.employee(employee_id)
            if employee is None:
                log.warning("tick %s: employee %s is gone", today, employee_id, extra={"employeeId": employee_id})
                outcome["unknown_employee"] += 1
                continue
            cycle = loaded.cycle(employee_id, quarter) or CycleRecord(employee_id, quarter)
            loaded.cycle(employee_id, quarter.previous())  # read now: the opening's agenda needs it
            person, facts = facts_of(employee, cycle, loaded.cycle(employee_id, quarter.next()))
            actions = due_actions(person, quarter, facts, today)
        except Exception as exc:  # one bad record must not block the chunk
            set_aside(employee_id, exc, "invalid_employee")
            continue
        if actions:
            due[employee_id] = actions
            employees[employee_id] = employee
        else:
            outcome["nothing_due"] += 1
            set_aside.processed(employee_id)
    leads, unreadable = _leads(store, list(employees.values()), set_aside)
    for employee_id, employee in employees.items():
        # A lead whose record cannot be read is not "no lead": the person waits, logged, instead
        # of getting no-lead messages and a quarter recorded without their 1:1.
        if employee.lead_id in unreadable:
            due.pop(employee_id)
            outcome["invalid_lead"] += 1
    # Last quarter's figures of a lead's team, read before the transaction (a closed quarter's
    # records; the digest's outbox id keeps it to one message whatever a re-run reads).
    digests = {
        e: digest.team_digest_of(store, employees[e], quarter.previous())
        for e, actions in due.items()
        if any(a.kind == "quarter_digest" for a in actions)
    }
    while due:
        try:
            outcome.update(store.atomically(lambda uow: _apply_all(uow, due, quarter, today, leads, digests)))
            for employee_id in due:  # committed
                set_aside.processed(employee_id)
            break
        except _PersonFailed as failed:  # nothing of the chunk was written: again, without them
            due.pop(failed.employee_id)
            set_aside(failed.employee_id, failed.cause, "invalid_employee")
    log.info(
        "tick %s chunk of %d: %s",
        today,
        len(ids),
        dict(outcome),
        extra={"asOf": today.isoformat(), "eventId": chunk.message_id, "tickStage": "chunk_done", **outcome},
    )
    if chunk.index is not None:
        store.record_chunk(today, chunk.index, employees=len(ids), outcome=outcome)
    return outcome


class _PersonFailed(Exception):
    """Ends the chunk's transaction (so nothing half-done of theirs is committed) for one person."""

    def __init__(self, employee_id: str, cause: Exception):
        super().__init__(f"{employee_id}: {cause!r}")
        self.employee_id, self.cause = employee_id, cause


class _SetAside:
    """One person (or lead) set aside: counted, logged, kept as a dead letter; raises again
    what is worth a retry of the whole chunk. And who was handled (`processed`)."""

    def __init__(self, today: date, outcome: Counter[str], dead_letters: DeadLetters | None):
        self.today, self.outcome, self.dead_letters = today, outcome, dead_letters

    def __call__(self, employee_id: str, exc: Exception, counted_as: str | None) -> None:
        if not can_never_succeed(exc):
            raise exc
        log.error("tick %s: %s cannot be handled: %r", self.today, employee_id, exc, extra={"employeeId": employee_id})
        if counted_as:
            self.outcome[counted_as] += 1
        if self.dead_letters is not None:
            self.dead_letters.set_aside("employee", employee_id, exc)

    def processed(self, employee_id: str) -> None:
        """Their day is decided and written: a replay of their letter is settled."""
        if self.dead_letters is not None:
            self.dead_letters.processed("employee", employee_id)


def _leads(
    store: Store, employees: list[Employee], set_aside: _SetAside
) -> tuple[dict[str, Employee | None], set[str]]:
    """The leads of those with something due, read once (outside the transaction: a lead's
    name and Slack id do not decide what is due), and the ids of leads that cannot be read."""
    lead_ids = sorted({e.lead_id for e in employees if e.lead_id})
    loaded = store.load(employees=lead_ids)
    leads: dict[str, Employee | None] = {}
    unreadable: set[str] = set()
    for lead_id in lead_ids:
        try:
            leads[lead_id] = loaded.employee(lead_id)
        except Exception as exc:
            set_aside(lead_id, exc, None)  # counted per person who waits for them
            unreadable.add(lead_id)
        else:  # read: a replay of a letter about this lead (a lead of another chunk, too) is settled
            set_aside.processed(lead_id)
    return leads, unreadable


def _apply_all(
    uow: UnitOfWork,
    due: dict[str, list[Action]],
    quarter: Quarter,
    today: date,
    leads: dict[str, Employee | None],
    digests: dict[str, TeamDigest],
) -> Counter[str]:
    # Everything the transaction may read, in one round trip; the unit of work caches it.
    quarters = (quarter, quarter.next(), quarter.previous())
    uow.prefetch(
        employees=due,
        cycles=[(e, q) for e in due for q in quarters],
        outbox=[outbox_id(a, e, quarter) for e, actions in due.items() for a in actions],
    )
    outcome: Counter[str] = Counter()
    for employee_id in due:
        try:
            employee = uow.employee(employee_id)
            lead = leads.get(employee.lead_id) if employee and employee.lead_id else None
            outcome[apply_day(uow, employee_id, quarter, today, lead, digests.get(employee_id))] += 1
        except Exception as exc:
            if can_never_succeed(exc):
                raise _PersonFailed(employee_id, exc) from exc
            raise
    return outcome


def apply_day(
    uow: UnitOfWork,
    employee_id: str,
    quarter: Quarter,
    today: date,
    lead: Employee | None,
    team_digest: TeamDigest | None = None,
) -> str:
    """All reads first (so an unreadable record fails before anything is emitted), then the actions."""
    employee = uow.employee(employee_id)
    if employee is None:
        return "unknown_employee"
    cycle = uow.cycle(employee_id, quarter)
    if cycle.last_tick is not None and cycle.last_tick > today:
        return "out_of_order"
    next_cycle = uow.cycle(employee_id, quarter.next())
    previous = uow.cycle(employee_id, quarter.previous())
    person, facts = facts_of(employee, cycle, next_cycle)
    actions: list[Action] = due_actions(person, quarter, facts, today)
    if not actions:
        return "nothing_due"
    turn = Turn(uow, employee, lead, quarter, today, previous, team_digest)
    done: list[Action] = []
    for action in actions:
        changed = ACTIONS[action.kind](turn, action, cycle)
        if changed is None:  # not sendable yet (no Slack account): a later tick tries again
            continue
        cycle = changed
        done.append(action)
    if not done:
        return "waiting_for_slack"
    uow.save_cycle(cycle.with_done([a.key for a in done], today))
    return "+".join(a.kind for a in done)
