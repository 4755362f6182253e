"""Supervision: each coach not Senior yet has a Senior Coach as supervisor.

The supervisor is stored on the coach (Employee.supervisor_id). The lead assigns one with the
platform event `coaching.supervisor_assigned` {coachId, supervisorId} or in Slack with
`/utveckling handledare @coach @senior`; when a coach has none, the least-loaded Senior Coach is
suggested in `/utveckling`. On the first business day of each month the pair get a nudge in a
group DM (the daily tick, once per month: domain/cycle.py) with **Handledning genomförd**; a
click records the month's session once on the coach's `supervision_sessions` tally (like the
1:1: either of the two may click, anyone else is told politely)."""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from datetime import date
from typing import Any

from devplan.domain.advancement import SENIOR_COACH, is_candidate
from devplan.domain.audit import APPROVAL, AuditEntry
from devplan.domain.employees import Employee
from devplan.domain.ids import is_valid_id
from devplan.domain.metrics import MetricItem
from devplan.domain.outbox import OutboxMessage, named
from devplan.errors import InvalidEvent
from devplan.messages import advancement as render
from devplan.messages.catalog import text
from devplan.services.goals import lead_of, required_id
from devplan.services.inputs import PlatformEvent
from devplan.services.language import speaker_language
from devplan.services.ports import Store, UnitOfWork
from devplan.services.slack_replies import ephemeral, tell

log = logging.getLogger(__name__)
SUPERVISION_SESSIONS = "supervision_sessions"  # a tally keyed by month (YYYY-MM): once a month
_MENTION = re.compile(r"<@([^|>\s]+)(?:\|[^>]*)?>")
_MONTH = re.compile(r"\d{4}-\d{2}")


def assign(uow: UnitOfWork, coach_id: str, supervisor_id: str, actor_id: str | None) -> str:
    """Outcomes: assigned | already_assigned | unknown_employee | unknown_supervisor | not_a_coach | not_senior."""
    coach, supervisor = uow.employee(coach_id), uow.employee(supervisor_id)
    if coach is None:
        return "unknown_employee"
    if supervisor is None:
        return "unknown_supervisor"
    if not is_candidate(coach.role, coach.level, coach.active):
        return "not_a_coach"
    if supervisor.level != SENIOR_COACH or supervisor_id == coach_id:
        return "not_senior"
    if coach.supervisor_id == supervisor_id:
        return "already_assigned"
    uow.save_employee(replace(coach, supervisor_id=supervisor_id))
    key = f"supervisor-assigned:{coach_id}:{supervisor_id}:{coach.supervisor_id or 'none'}"
    uow.record(
        AuditEntry(
            key,
            coach_id,
            APPROVAL,
            "supervisor_assigned",
            actor_id,
            uow.now,
            detail={"supervisorId": supervisor_id, "previous": coach.supervisor_id},
        )
    )
    for to, line in ((coach, "supervision.assigned_coach"), (supervisor, "supervision.assigned_supervisor")):
        if to.slack_user_id:
            shown = render.line(to.language, line, coach=coach.name, supervisor=supervisor.name)
            uow.emit(
                OutboxMessage(
                    f"{key}:{to.employee_id}",
                    users=(to.slack_user_id,),
                    text=shown.text,
                    blocks=shown.blocks,
                    topic="supervisor assigned",
                    about=(coach.employee_id, supervisor.employee_id),
                )
            )
    return "assigned"


def assigned_event(event: PlatformEvent, store: Store) -> str:
    """coaching.supervisor_assigned {coachId, supervisorId}: the platform speaks for the lead."""
    coach_id, supervisor_id = required_id(event, "coachId"), required_id(event, "supervisorId")

    def work(uow: UnitOfWork) -> str:
        if not uow.employee_exists(coach_id):
            return "unknown_employee"  # held until the coach is onboarded (services/held_events.py)
        if not uow.claim(f"platform:{event.id}"):
            return "duplicate"
        return assign(uow, coach_id, supervisor_id, None)

    outcome = store.atomically(work)
    log.info(
        "%s for %s: %s",
        event.type,
        coach_id,
        outcome,
        extra={"eventId": event.id, "employeeId": coach_id, "outcome": outcome},
    )
    return outcome


def assign_command(store: Store, slack_user_id: str, raw_text: str) -> dict[str, Any]:
    """`/utveckling handledare @coach @senior`: only the coach's lead may assign."""
    asker = store.employee_with_slack_user(slack_user_id)
    lang = asker.language if asker else "sv"
    mentioned = _MENTION.findall(raw_text)
    if len(mentioned) != 2:
        return ephemeral(text(lang, "supervision.usage"))
    coach, supervisor = (store.employee_with_slack_user(u) for u in mentioned)
    if asker is None or coach is None or supervisor is None:
        return ephemeral(text(lang, "supervision.unknown_person"))
    names = {"coach": coach.name, "supervisor": supervisor.name}

    def work(uow: UnitOfWork) -> str:
        current = uow.employee(coach.employee_id)
        lead = lead_of(uow, current) if current else None  # the coach's lead, never the coach
        if lead is None or lead.employee_id == coach.employee_id or lead.slack_user_id != slack_user_id:
            return "only_lead"
        return assign(uow, coach.employee_id, supervisor.employee_id, asker.employee_id)

    outcome = store.atomically(work)
    key = {"assigned": "assigned_lead", "already_assigned": "assigned_lead"}.get(outcome, outcome)
    if key not in ("assigned_lead", "only_lead", "not_senior", "not_a_coach"):
        key = "unknown_person"
    return {"outcome": outcome, **ephemeral(text(lang, f"supervision.{key}", **names))}


def _people(store: Store) -> list[Employee]:
    ids = store.active_employee_ids()
    loaded = store.load(employees=ids)
    return [p for p in (loaded.employee(i) for i in ids) if p is not None and p.active]


def least_loaded(people: list[Employee], coach: Employee) -> Employee | None:
    """The Senior Coach supervising the fewest coaches (then by name), never the coach. A coach who
    became Senior since needs no supervision: they no longer count toward anyone's load."""
    seniors = [p for p in people if p.level == SENIOR_COACH and p.employee_id != coach.employee_id]
    supervised = [p for p in people if p.level != SENIOR_COACH and p.active]
    load = {s.employee_id: sum(1 for p in supervised if p.supervisor_id == s.employee_id) for s in seniors}
    return min(seniors, key=lambda s: (load[s.employee_id], s.name, s.employee_id), default=None)


def plan_lines(store: Store, employee: Employee, lang: str) -> tuple[str, ...]:
    """`/utveckling`: a coach not Senior yet sees the supervisor and sessions held, or the
    suggestion; a lead sees a suggestion for each coach of theirs without a supervisor."""
    team = [m for m in store.employees_led_by(employee.employee_id) if _unsupervised(m)]
    people = _people(store) if team or _unsupervised(employee) else []
    lines = []
    if team:
        pairs = [(m.name, least_loaded(people, m)) for m in team]
        shown = ", ".join(f"{name} → {s.name}" for name, s in pairs if s is not None)
        lines += [text(lang, "advancement.supervisor_suggestion", suggestions=shown)] if shown else []
    if not is_candidate(employee.role, employee.level, employee.active):
        return tuple(lines)
    supervisor = store.employee(employee.supervisor_id) if employee.supervisor_id else None
    if supervisor is not None:
        held = store.atomically(lambda uow: uow.tally(employee.employee_id, SUPERVISION_SESSIONS).count())
        return (*lines, text(lang, "supervision.plan_line", supervisor=supervisor.name, held=held))
    suggested = least_loaded(people, employee)
    if suggested is None:
        return (*lines, text(lang, "supervision.plan_none"))
    return (*lines, text(lang, "supervision.plan_suggested", supervisor=suggested.name))


def _unsupervised(person: Employee) -> bool:
    return is_candidate(person.role, person.level, person.active) and not person.supervisor_id


def month_key(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def mark_held(store: Store, value: str, slack_user_id: str, on: date) -> dict[str, Any]:
    """Handledning genomförd: the month's session counts once, clicked by the coach or the supervisor.
    Every answer goes to the clicker in one transaction with what it records (slack_replies.tell)."""
    coach_id, _, month = value.partition("|")
    if not is_valid_id(coach_id) or not _MONTH.fullmatch(month):
        raise InvalidEvent(f"supervision button value is malformed: {value!r:.80}", code="malformed")
    lang = speaker_language(store, slack_user_id)  # the answer goes to whoever clicked, coach or supervisor

    def work(uow: UnitOfWork) -> dict[str, Any]:
        coach = uow.employee(coach_id)
        supervisor = uow.employee(coach.supervisor_id) if coach and coach.supervisor_id else None
        if coach is None or supervisor is None:
            return {"outcome": "unknown_pair"}
        names = {"coach": coach.name, "supervisor": supervisor.name, "month": month}
        tally = uow.tally(coach_id, SUPERVISION_SESSIONS)
        counted = tally.with_item(MetricItem(month, 1, on))
        if slack_user_id not in (coach.slack_user_id, supervisor.slack_user_id):
            outcome, shown = "not_yours", text(lang, "supervision.not_yours", **names)
        elif counted == tally:
            outcome, shown = "already_held", text(lang, "supervision.already_held", **names)
        else:
            uow.save_tally(counted)
            outcome, shown = "held", text(lang, "supervision.held_noted", month=month, held=counted.count())
        tell(uow, slack_user_id, f"supervision:{coach_id}:{month}:{outcome}", shown, named(coach, supervisor))
        return {"outcome": outcome, "held": counted.count() if outcome != "not_yours" else None, **ephemeral(shown)}

    answer = store.atomically(work)
    log.info("supervision held %s by %s: %s", value, slack_user_id, answer["outcome"], extra={"employeeId": coach_id})
    return answer
