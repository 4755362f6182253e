"""One chunk of employees on one day: apply the cycle's rules (domain/cycle.py) and send
what is due (services/cycle_actions.py). One transaction for the chunk reads each record once
and decides and applies from what it read, so contention or a duplicate chunk never sends
twice; each person leaves with the day the tick next needs to look at them
(domain/next_check.py, written only when it moves). A day older than the last one applied
(ticks out of order) sends nothing."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from devplan.domain.calendar import Quarter
from devplan.domain.cycle import Action, CycleFacts, EmployeeFacts, due_actions
from devplan.domain.cycle_record import CycleRecord
from devplan.domain.digest import TeamDigest
from devplan.domain.employees import Employee
from devplan.domain.next_check import next_check_on
from devplan.domain.quarter_close import keeps_goals, revised_in
from devplan.errors import can_never_succeed
from devplan.services import advancement_actions, agenda, digest
from devplan.services.cycle_actions import ACTIONS, Turn, outbox_id
from devplan.services.inputs import EmployeeChunk
from devplan.services.leads import active
from devplan.services.ports import DeadLetters, Store, UnitOfWork
from devplan.services.set_aside import SetAside

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
        time_off=employee.time_off,
    )
    return person, cycle.facts(next_quarter_opened=bool(next_cycle and next_cycle.opened_on))


def run_chunk(chunk: EmployeeChunk, store: Store, dead_letters: DeadLetters | None = None) -> Counter[str]:
    """Decide and apply the whole chunk in ONE transaction that reads each record once (employees,
    their cycles, then the leads and outbox entries of those with something due, each in one
    round trip): Firestore charges per document read, and a read outside the transaction would
    have to be read again inside it to decide exactly. Everyone decided gets their next check
    day (domain/next_check.py), which is what keeps them out of the days they have nothing due.
    Whatever can never succeed for one person (their record, a cycle's or their lead's cannot
    be read, a value the rules cannot compute with) sets that person aside, logged and kept as
    a dead letter (`dead_letters`, once per record); their next check day is not moved, so the
    next tick tries them again, and the rest of the chunk goes on. What may pass (Firestore
    unavailable) raises: the chunk is retried."""
    today, quarter = chunk.as_of, Quarter.of(chunk.as_of)
    ids = list(chunk.employee_ids)
    outcome: Counter[str] = Counter()
    set_aside = SetAside(today, outcome, dead_letters)
    while True:
        try:
            day = store.atomically(lambda uow: _run_all(uow, store, ids, quarter, today))
            break
        except _PersonFailed as failed:  # nothing of the chunk was written: again, without them
            ids.remove(failed.employee_id)
            set_aside(failed.employee_id, failed.cause, "invalid_employee")
    for record_id, exc, counted_as in day.set_aside:
        set_aside(record_id, exc, counted_as)
    for record_id in day.processed:
        set_aside.processed(record_id)
    outcome.update(day.outcome)
    log.info(
        "tick %s chunk of %d: %s",
        today,
        len(chunk.employee_ids),
        dict(outcome),
        extra={"asOf": today.isoformat(), "eventId": chunk.message_id, "tickStage": "chunk_done", **outcome},
    )
    if chunk.index is not None:
        store.record_chunk(today, chunk.index, employees=len(chunk.employee_ids), outcome=outcome)
    return outcome


@dataclass
class _Day:  # what one run of the chunk's transaction decided, kept apart until it commits (it may run again)
    outcome: Counter[str] = field(default_factory=Counter)
    processed: list[str] = field(default_factory=list)  # decided (and, if due, applied): letters settled
    set_aside: list[tuple[str, Exception, str | None]] = field(default_factory=list)


def _run_all(uow: UnitOfWork, store: Store, ids: list[str], quarter: Quarter, today: date) -> _Day:
    result = _Day()
    quarters = (quarter, quarter.next(), quarter.previous())
    uow.prefetch(employees=ids, cycles=[(e, q) for e in ids for q in quarters])  # one round trip
    due: dict[str, list[Action]] = {}
    for employee_id in ids:
        try:
            actions = _decide(uow, employee_id, quarter, today)
        except Exception as exc:  # one bad record must not block the chunk
            if not can_never_succeed(exc):
                raise
            result.set_aside.append((employee_id, exc, "invalid_employee"))
            continue
        if actions is None:
            log.warning("tick %s: employee %s is gone", today, employee_id, extra={"employeeId": employee_id})
            result.outcome["unknown_employee"] += 1
        elif actions:
            due[employee_id] = actions
        else:
            result.outcome["nothing_due"] += 1
            result.processed.append(employee_id)
    leads, unreadable = _leads(uow, list(due), result)
    # Last quarter's figures of the teams those due for the digest led, for the chunk at once: closed
    # records, read from the store (not the transaction: they decide nothing; the outbox id keeps one).
    asking = _due(uow, due, "quarter_digest")
    digests = digest.team_digests_of(store, asking, quarter.previous()) if asking else {}
    # All the actions may read in one round trip (cached): their outbox entries (none for a digest to
    # someone who led nobody) and an opening's agenda records (one trip each was the chunk's long pole).
    uow.prefetch(
        outbox=[
            outbox_id(a, e, quarter)
            for e, actions in due.items()
            for a in actions
            if a.kind != "quarter_digest" or (e in digests and digests[e].people)
        ],
        **agenda.records_read(_due(uow, due, "open_quarter"), today),
    )
    for employee_id in due:
        employee = uow.employee(employee_id)
        lead_id = employee.lead_id if employee else None
        if lead_id in unreadable:
            # A lead whose record cannot be read is not "no lead": the person waits, logged, instead
            # of getting no-lead messages and a quarter recorded without their 1:1.
            result.outcome["invalid_lead"] += 1
            continue
        try:
            lead = leads.get(lead_id) if lead_id else None
            result.outcome[apply_day(uow, employee_id, quarter, today, lead, digests.get(employee_id))] += 1
        except Exception as exc:
            if can_never_succeed(exc):
                raise _PersonFailed(employee_id, exc) from exc
            raise
        result.processed.append(employee_id)
    return result


def _due(uow: UnitOfWork, due: dict[str, list[Action]], kind: str) -> list[Employee]:
    return [e for i, actions in due.items() if any(a.kind == kind for a in actions) and (e := uow.employee(i))]


def _decide(uow: UnitOfWork, employee_id: str, quarter: Quarter, today: date) -> list[Action] | None:
    """What is due for one person today (None: no such employee). Reads (from the prefetched
    cache) everything the day may need, so an unreadable record fails here, before anything.
    With nothing due, their next check day is written at once."""
    employee = uow.employee(employee_id)
    if employee is None:
        return None
    cycle, next_cycle = uow.cycle(employee_id, quarter), uow.cycle(employee_id, quarter.next())
    uow.cycle(employee_id, quarter.previous())  # read now: the opening's agenda needs it
    person, facts = facts_of(employee, cycle, next_cycle)
    actions = due_actions(person, quarter, facts, today)
    if not actions:
        _schedule(uow, employee, cycle, next_cycle, today)
    return actions


def _schedule(uow: UnitOfWork, employee: Employee, cycle: CycleRecord, next_cycle: CycleRecord, today: date) -> None:
    """The next day the tick looks at this person, from their records as today's turn leaves them
    (a handler that changes the employee puts the change on `Turn.employee`)."""
    person, facts = facts_of(employee, cycle, next_cycle)
    uow.schedule_check(employee.employee_id, next_check_on(person, cycle.quarter, facts, today))


class _PersonFailed(Exception):
    """Ends the chunk's transaction (so nothing half-done of theirs is committed) for one person."""

    def __init__(self, employee_id: str, cause: Exception):
        super().__init__(f"{employee_id}: {cause!r}")
        self.employee_id, self.cause = employee_id, cause


def _leads(uow: UnitOfWork, due: list[str], result: _Day) -> tuple[dict[str, Employee | None], set[str]]:
    """The leads of those with something due, in one round trip, and the ids of leads that cannot be read.
    A lead who has been offboarded is None, as one not onboarded yet: invites, reminders and
    escalations for their team wait (logged) until the platform names a new lead."""
    lead_ids = sorted({e.lead_id for e in (uow.employee(i) for i in due) if e and e.lead_id})
    uow.prefetch(employees=lead_ids)
    leads: dict[str, Employee | None] = {}
    unreadable: set[str] = set()
    for lead_id in lead_ids:
        try:
            leads[lead_id] = active(uow, lead_id)
        except Exception as exc:
            if not can_never_succeed(exc):
                raise
            result.set_aside.append((lead_id, exc, None))  # counted per person who waits for them
            unreadable.add(lead_id)
        else:  # read: a replay of a letter about this lead (a lead of another chunk, too) is settled
            result.processed.append(lead_id)
            if leads[lead_id] is None and uow.employee(lead_id) is not None:  # their team: the no-lead path
                log.warning("lead %s is offboarded: nothing of their team goes to them", lead_id)
    return leads, unreadable


def apply_day(
    uow: UnitOfWork,
    employee_id: str,
    quarter: Quarter,
    today: date,
    lead: Employee | None,
    team_digest: TeamDigest | None = None,
) -> str:
    """All reads first (so an unreadable record fails before anything is emitted), then the actions,
    then the day the tick next looks at them (also when nothing could be done)."""
    employee = uow.employee(employee_id)
    if employee is None:
        return "unknown_employee"
    cycle = uow.cycle(employee_id, quarter)
    next_cycle = uow.cycle(employee_id, quarter.next())
    if cycle.last_tick is not None and cycle.last_tick > today:
        _schedule(uow, employee, cycle, next_cycle, today)  # from an older day: earlier than needed, never later
        return "out_of_order"
    previous = uow.cycle(employee_id, quarter.previous())
    person, facts = facts_of(employee, cycle, next_cycle)
    actions: list[Action] = due_actions(person, quarter, facts, today)
    if not actions:
        _schedule(uow, employee, cycle, next_cycle, today)
        return "nothing_due"
    turn = Turn(uow, employee, lead, quarter, today, previous, team_digest)
    done: list[Action] = []
    for action in actions:
        changed = ACTIONS[action.kind](turn, action, cycle)
        if changed is None:  # not sendable yet (no Slack account): a later tick tries again
            continue
        cycle = changed
        done.append(action)
    if done:
        cycle = cycle.with_done([a.key for a in done], today)
        uow.save_cycle(cycle)
    _schedule(uow, turn.employee, cycle, next_cycle, today)
    return "+".join(a.kind for a in done) if done else "waiting_for_slack"
