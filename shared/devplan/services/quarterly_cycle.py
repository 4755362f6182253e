"""One chunk of employees on one day: apply the cycle's rules (domain/cycle.py) and send
what is due. Reads the whole chunk in one round trip; only employees with something due
get a transaction, which re-reads and re-decides so contention or a duplicate chunk never
sends twice. A day older than the last one applied (ticks out of order) changes nothing."""
from __future__ import annotations

import logging
from collections import Counter
from datetime import date
from typing import Any

from devplan.adapters import cycle_messages as render
from devplan.adapters.events import EmployeeChunk
from devplan.domain.calendar import Quarter, business_days_between
from devplan.domain.cycle import (Action, CycleFacts, EmployeeFacts, due_actions, is_new_starter,
                                  opening_day, revision_deadline)
from devplan.domain.outbox import OutboxMessage
from devplan.services.onboarding import slack_user_of

log = logging.getLogger(__name__)


def cycle_path(employee_id: str, quarter: Quarter) -> str:
    return f"cycles/{employee_id}:{quarter.key}"


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


def facts_of(employee_id: str, employee: dict, cycle: dict | None, next_cycle: dict | None) -> tuple[EmployeeFacts, CycleFacts]:
    goals, cycle = employee.get("goals") or {}, cycle or {}
    person = EmployeeFacts(employee_id, date.fromisoformat(employee["startDate"]), bool(employee.get("leadId")),
                           employee.get("status") == "active", _date(goals.get("deadline")), bool(goals.get("setAt")))
    revision, review = cycle.get("revision") or {}, cycle.get("review") or {}
    return person, CycleFacts(
        opened_on=_date(cycle.get("openedOn")), revision_deadline=_date(revision.get("deadline")),
        revision_done=bool(revision.get("done")), review_held=review.get("status") == "held",
        done_keys=frozenset(cycle.get("done") or {}), reflections=int(cycle.get("reflections") or 0),
        last_reflection_nudge=_date(cycle.get("lastReflectionNudge")),
        next_quarter_opened=bool((next_cycle or {}).get("openedOn")))


def outbox_id(action: Action, employee_id: str, quarter: Quarter) -> str:
    """First goals are one obligation whatever quarter their deadline falls in: one id for them."""
    if action.key.endswith(":first"):
        return f"{action.key}:{employee_id}"
    key = "review-invite" if action.kind == "open_quarter" else action.key
    return f"{key}:{employee_id}:{quarter.key}"


def run_chunk(chunk: EmployeeChunk, store: Any) -> Counter:
    """Decide from one read of the chunk; apply everyone with something due in ONE transaction
    (one commit for the chunk instead of one per person: the emulator and Firestore both
    charge per round trip). The transaction re-reads and re-decides, so it stays exact."""
    today, quarter = chunk.as_of, Quarter.of(chunk.as_of)
    docs = store.get_many([p for e in chunk.employee_ids for p in _paths(e, quarter)[:3]])
    lead_paths = {f"employees/{d['leadId']}" for p, d in docs.items() if d and p.startswith("employees/") and d.get("leadId")}
    leads = store.get_many(sorted(lead_paths))
    outcome: Counter = Counter()
    due: dict[str, list[Action]] = {}
    for employee_id in chunk.employee_ids:
        employee = docs[f"employees/{employee_id}"]
        if employee is None:
            log.warning("tick %s: employee %s is gone", today, employee_id, extra={"employeeId": employee_id})
            outcome["unknown_employee"] += 1
            continue
        try:
            person, cycle = facts_of(employee_id, employee, docs[cycle_path(employee_id, quarter)],
                                     docs[cycle_path(employee_id, quarter.next())])
        except (KeyError, TypeError, ValueError) as exc:   # one bad record must not block the chunk
            log.error("tick %s: employee %s has unusable data: %s", today, employee_id, exc,
                      extra={"employeeId": employee_id})
            outcome["invalid_employee"] += 1
            continue
        actions = due_actions(person, quarter, cycle, today)
        if actions:
            due[employee_id] = actions
        else:
            outcome["nothing_due"] += 1
    if due:
        outcome.update(store.atomically(lambda uow: _apply_all(uow, due, quarter, today, leads)))
    log.info("tick %s chunk of %d: %s", today, len(chunk.employee_ids), dict(outcome),
             extra={"asOf": today.isoformat(), "eventId": chunk.message_id, **outcome})
    if chunk.index is not None:
        store.set(f"ticks/{today.isoformat()}/chunks/{chunk.index}", {"employees": len(chunk.employee_ids),
                                                                       "outcome": dict(outcome)})
    return outcome


def _paths(employee_id: str, quarter: Quarter) -> list[str]:
    return [f"employees/{employee_id}", cycle_path(employee_id, quarter), cycle_path(employee_id, quarter.next()),
            cycle_path(employee_id, quarter.previous())]


def _apply_all(uow: Any, due: dict[str, list[Action]], quarter: Quarter, today: date, leads: dict) -> Counter:
    # Everything the transaction may read, in one round trip; the unit of work caches it.
    uow.get_all([p for e, actions in due.items() for p in
                 _paths(e, quarter) + [f"outbox/{outbox_id(a, e, quarter)}" for a in actions]])
    outcome: Counter = Counter()
    for employee_id in due:
        lead_id = (uow.get(f"employees/{employee_id}") or {}).get("leadId")
        outcome[apply_day(uow, employee_id, quarter, today, leads.get(f"employees/{lead_id}"))] += 1
    return outcome


def apply_day(uow: Any, employee_id: str, quarter: Quarter, today: date, lead: dict | None) -> str:
    employee = uow.get(f"employees/{employee_id}")
    cycle = uow.get(cycle_path(employee_id, quarter)) or {}
    if employee is None:
        return "unknown_employee"
    if (cycle.get("lastTick") or "") > today.isoformat():
        return "out_of_order"
    person, facts = facts_of(employee_id, employee, cycle, uow.get(cycle_path(employee_id, quarter.next())))
    actions = due_actions(person, quarter, facts, today)
    if not actions:
        return "nothing_due"
    turn = _Turn(uow, employee_id, employee, lead, quarter, today)
    update: dict[str, Any] = {"employeeId": employee_id, "quarter": quarter.key, "lastTick": today.isoformat(),
                              "done": {}}
    done = []
    for action in actions:
        changes = getattr(turn, action.kind)(action, cycle)
        if changes is None:          # not sendable yet (no Slack account): a later tick tries again
            continue
        done.append(action.kind)
        update["done"][action.key] = today.isoformat()
        update.update(changes)
    if not done:
        return "waiting_for_slack"
    uow.put(cycle_path(employee_id, quarter), update)
    return "+".join(done)


class _Turn:
    """The messages and record changes of each action kind, for one employee on one day."""

    def __init__(self, uow: Any, employee_id: str, employee: dict, lead: dict | None, quarter: Quarter, today: date):
        self.uow, self.id, self.employee, self.lead, self.quarter, self.today = uow, employee_id, employee, lead, quarter, today
        self.lang = employee.get("language", "sv")
        self.me, self.boss = slack_user_of(employee), slack_user_of(lead)
        self.first_name = employee["name"].split()[0]

    def _send(self, action: Action, users: tuple[str | None, ...], rendered: render.Rendered, topic: str) -> bool:
        """False when someone has no Slack account yet: the action is then not recorded as done."""
        if not all(users):
            log.warning("%s for %s waits: no Slack account yet", topic, self.id, extra={"employeeId": self.id})
            return False
        self.uow.emit(OutboxMessage(outbox_id(action, self.id, self.quarter), users=tuple(users), text=rendered.text,
                                    blocks=rendered.blocks, topic=topic))
        return True

    def _sent(self, ok: bool, changes: dict[str, Any] | None = None) -> dict[str, Any] | None:
        return (changes or {}) if ok else None

    def open_quarter(self, action: Action, cycle: dict) -> dict[str, Any] | None:
        start = date.fromisoformat(self.employee["startDate"])
        new_starter = is_new_starter(start, self.quarter)
        deadline = None if new_starter else revision_deadline(self.quarter)
        goals = self.employee.get("goals") or {}
        previous = self.uow.get(cycle_path(self.id, self.quarter.previous())) or {}
        reflections = [_date((c.get("lastReflection") or {}).get("on")) for c in (cycle, previous)]
        if self.lead is not None:
            facts = render.ReviewFacts(
                employee=self.employee["name"], lead=self.lead["name"], quarter=self.quarter,
                goals=tuple(g.get("title", "") for g in goals.get("items") or []), revision_deadline=deadline,
                new_starter_deadline=_date(goals.get("deadline")) if new_starter and not goals.get("setAt") else None,
                start_date=start, latest_reflection=max((r for r in reflections if r), default=None))
            if not self._send(action, (self.me, self.boss), render.review_invite(self.lang, facts, self.id),
                              "1:1 invite"):
                return None
        elif self.employee.get("leadId"):
            log.warning("1:1 for %s not sent: lead %s is unknown", self.id, self.employee["leadId"],
                        extra={"employeeId": self.id})
        return {"openedOn": self.today.isoformat(),
                # Goals set on the opening day before the tick ran stay done.
                "revision": {"deadline": deadline.isoformat() if deadline else None,
                             "done": bool((cycle.get("revision") or {}).get("done"))},
                "review": {"status": "invited" if self.lead is not None else "no_lead", "invitedOn": self.today.isoformat()}}

    def goal_nudge(self, action: Action, cycle: dict) -> dict[str, Any] | None:
        key = "reminder.goal_nudge" if self.lead else "reminder.goal_nudge_no_lead"
        return self._sent(self._send(action, (self.me,), render.line(
            self.lang, key, first_name=self.first_name, deadline=action.deadline, lead=(self.lead or {}).get("name")),
            "goal nudge"))

    def goal_overdue(self, action: Action, cycle: dict) -> dict[str, Any] | None:
        if self.lead is None:
            return self.goal_nudge(action, cycle)
        return self._sent(self._send(action, (self.boss,), render.line(
            self.lang, "reminder.goal_overdue_lead", employee=self.employee["name"], deadline=action.deadline),
            "goals overdue → lead"))

    def review_reminder(self, action: Action, cycle: dict) -> dict[str, Any] | None:
        return self._sent(self._send(action, (self.me, self.boss), render.line(
            self.lang, "reminder.review_reminder", quarter=self.quarter.label_sv), "1:1 reminder"))

    def review_escalation(self, action: Action, cycle: dict) -> dict[str, Any] | None:
        weeks = business_days_between(opening_day(self.quarter), self.today) // 5
        return self._sent(self._send(action, (self.boss,), render.line(
            self.lang, "reminder.review_escalation", weeks=weeks, employee=self.employee["name"],
            quarter=self.quarter.label_sv), "1:1 escalation → lead"))

    def reflection_nudge(self, action: Action, cycle: dict) -> dict[str, Any] | None:
        return self._sent(self._send(action, (self.me,), render.line(
            self.lang, "reminder.reflection_nudge", first_name=self.first_name, quarter_end=self.quarter.end),
            "reflection nudge"), {"lastReflectionNudge": self.today.isoformat()})
