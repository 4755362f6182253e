"""The one place that knows the Firestore layout: paths, field names, defaults.

Records (frozen dataclasses of the domain) go in and come out; services never see a path
or a camelCase key. Layout (unchanged since the first release):
  employees/{id}                       Employee
  employees/{id}/reflections/{entry}   Reflection
  cycles/{employee}:{YYYY-QN}          CycleRecord
  outbox/{id}                          OutboxEntry
  processedEvents/{key}                the idempotency ledger (TTL on expireAt)
  ticks/{day}, ticks/{day}/chunks/{n}  progress of a daily tick
Writes of records are merges that leave out unknown values (None), so a field another
writer set is never cleared by accident.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from devplan.domain.calendar import Quarter
from devplan.domain.cycle_record import CycleRecord, LastReflection, Review, Revision
from devplan.domain.employees import DEFAULT_LANGUAGE, PENDING, Employee
from devplan.domain.goals import Goal, GoalPlan
from devplan.domain.outbox import PENDING as OUTBOX_PENDING
from devplan.domain.outbox import Claim, OutboxEntry, OutboxMessage
from devplan.domain.reflections import Reflection
from devplan.errors import UnusableRecord

Document = dict[str, Any]
EMPLOYEES, CYCLES, OUTBOX, LEDGER, TICKS = "employees", "cycles", "outbox", "processedEvents", "ticks"
# Ledger entries carry expireAt; a Firestore TTL policy (infra/main.tf) deletes them later.
LEDGER_RETENTION = timedelta(days=30)


def employee_path(employee_id: str) -> str:
    return f"{EMPLOYEES}/{employee_id}"


def reflection_path(employee_id: str, entry_id: str) -> str:
    return f"{EMPLOYEES}/{employee_id}/reflections/{entry_id}"


def cycle_path(employee_id: str, quarter: Quarter) -> str:
    return f"{CYCLES}/{employee_id}:{quarter.key}"


def outbox_path(message_id: str) -> str:
    return f"{OUTBOX}/{message_id}"


def ledger_path(key: str) -> str:
    return f"{LEDGER}/{key.replace('/', '_')}"


def tick_path(day: date) -> str:
    return f"{TICKS}/{day.isoformat()}"


def chunk_path(day: date, index: int) -> str:
    return f"{tick_path(day)}/chunks/{index}"


def _day(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _compact(doc: Document) -> Document:
    return {k: v for k, v in doc.items() if v is not None}


# --- employees ---------------------------------------------------------------------------


def employee_from(employee_id: str, doc: Document) -> Employee:
    try:
        goals = doc.get("goals") or {}
        return Employee(
            employee_id=employee_id,
            name=doc["name"],
            email=doc["email"],
            role=doc["role"],
            lead_id=doc.get("leadId") or None,
            start_date=date.fromisoformat(doc["startDate"]),
            status=doc.get("status", "active"),
            language=doc.get("language") or DEFAULT_LANGUAGE,
            slack_user_id=(doc.get("slack") or {}).get("userId"),
            onboarding=(doc.get("onboarding") or {}).get("status", PENDING),
            welcomed_at=(doc.get("onboarding") or {}).get("welcomedAt"),
            goals=GoalPlan(
                deadline=_day(goals.get("deadline")),
                items=tuple(
                    Goal(g.get("goalId", ""), g.get("title", ""), g.get("measure"), _day(g.get("dueDate")))
                    for g in goals.get("items") or []
                ),
                set_at=goals.get("setAt"),
                set_on=_day(goals.get("setOn")),
            ),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise UnusableRecord(f"{employee_path(employee_id)} is not a usable employee: {exc!r}") from None


def new_employee_document(employee: Employee, *, event_id: str, occurred_at: datetime) -> Document:
    """employees/{id} as the platform hands it over; reactions add the rest."""
    return {
        "name": employee.name,
        "email": employee.email,
        "role": employee.role,
        "leadId": employee.lead_id,
        "startDate": employee.start_date.isoformat(),
        "status": employee.status,
        "language": employee.language,
        "onboardedAt": occurred_at,
        "sourceEventId": event_id,
        "onboarding": {"status": employee.onboarding},
    }


def employee_update(employee: Employee) -> Document:
    """What the plan adds to an employee (goals, Slack id, onboarding), as a merge."""
    goals = employee.goals
    return _compact(
        {
            "goals": _compact(
                {
                    "deadline": _iso(goals.deadline),
                    "quarter": Quarter.of(goals.deadline).key if goals.deadline else None,
                    "items": [
                        {"goalId": g.goal_id, "title": g.title, "measure": g.measure, "dueDate": _iso(g.due)}
                        for g in goals.items
                    ]
                    if goals.is_set
                    else None,
                    "setAt": goals.set_at,
                    "setOn": _iso(goals.set_on),
                }
            )
            or None,
            "slack": {"userId": employee.slack_user_id} if employee.slack_user_id else None,
            "onboarding": _compact({"status": employee.onboarding, "welcomedAt": employee.welcomed_at}),
        }
    )


def slack_link_update(slack_user_id: str) -> Document:
    return {"slack": {"userId": slack_user_id}}


# --- reflections and cycles ---------------------------------------------------------------


def reflection_document(reflection: Reflection) -> Document:
    return {
        "occurredAt": reflection.occurred_at,
        "on": reflection.on.isoformat(),
        "goalIds": list(reflection.goal_ids),
        "eventId": reflection.event_id,
    }


def cycle_from(employee_id: str, quarter: Quarter, doc: Document | None) -> CycleRecord:
    if doc is None:
        return CycleRecord(employee_id, quarter)
    try:
        revision, review = doc.get("revision") or {}, doc.get("review") or {}
        confirmed = review.get("confirmedBy") or {}
        last = doc.get("lastReflection")
        return CycleRecord(
            employee_id,
            quarter,
            opened_on=_day(doc.get("openedOn")),
            revision=Revision(_day(revision.get("deadline")), bool(revision.get("done")), _day(revision.get("doneOn"))),
            review=Review(
                review.get("status"),
                _day(review.get("invitedOn")),
                review.get("heldAt"),
                _day(review.get("heldOn")),
                confirmed.get("employeeId"),
                confirmed.get("slackUserId"),
            ),
            done={k: date.fromisoformat(v) for k, v in (doc.get("done") or {}).items()},
            last_tick=_day(doc.get("lastTick")),
            reflections=int(doc.get("reflections") or 0),
            last_reflection=LastReflection(last["entryId"], date.fromisoformat(last["on"])) if last else None,
            last_reflection_nudge=_day(doc.get("lastReflectionNudge")),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise UnusableRecord(f"{cycle_path(employee_id, quarter)} is not a usable cycle: {exc!r}") from None


def cycle_document(cycle: CycleRecord) -> Document:
    revision, review = cycle.revision, cycle.review
    return _compact(
        {
            "employeeId": cycle.employee_id,
            "quarter": cycle.quarter.key,
            "openedOn": _iso(cycle.opened_on),
            "revision": {
                "deadline": _iso(revision.deadline),
                "done": revision.done,
                **_compact({"doneOn": _iso(revision.done_on)}),
            }
            if revision != Revision()
            else None,
            "review": _compact(
                {
                    "status": review.status,
                    "invitedOn": _iso(review.invited_on),
                    "heldAt": review.held_at,
                    "heldOn": _iso(review.held_on),
                    "confirmedBy": {"employeeId": review.confirmed_by, "slackUserId": review.confirmed_by_slack}
                    if review.confirmed_by
                    else None,
                }
            )
            or None,
            "done": {k: v.isoformat() for k, v in cycle.done.items()} or None,
            "lastTick": _iso(cycle.last_tick),
            "reflections": cycle.reflections or None,
            "lastReflection": {"entryId": cycle.last_reflection.entry_id, "on": cycle.last_reflection.on.isoformat()}
            if cycle.last_reflection
            else None,
            "lastReflectionNudge": _iso(cycle.last_reflection_nudge),
        }
    )


# --- outbox and ledger --------------------------------------------------------------------


def outbox_document(message: OutboxMessage, created_at: datetime) -> Document:
    return {
        "kind": message.kind,
        "users": list(message.users),
        "channel": message.channel,
        "text": message.text,
        "blocks": [dict(b) for b in message.blocks],
        "topic": message.topic,
        "state": OUTBOX_PENDING,
        "attempts": 0,
        "createdAt": created_at,
    }


def outbox_entry_from(message_id: str, doc: Document) -> OutboxEntry:
    try:
        message = OutboxMessage(
            id=message_id,
            kind=doc.get("kind", "message"),
            users=tuple(doc.get("users") or ()),
            channel=doc.get("channel"),
            text=doc.get("text", ""),
            blocks=tuple(doc.get("blocks") or ()),
            topic=doc.get("topic", ""),
        )
        claim = doc.get("claim")
        return OutboxEntry(
            message,
            doc["state"],
            Claim(claim["eventId"], claim["attempt"], claim["at"], claim["until"]) if claim else None,
            int(doc.get("attempts") or 0),
            doc.get("createdAt"),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise UnusableRecord(f"{outbox_path(message_id)} is not a usable outbox message: {exc!r}") from None


def claim_update(state: str, claim: Claim, attempts: int) -> Document:
    return {
        "state": state,
        "attempts": attempts,
        "claim": {"eventId": claim.event_id, "attempt": claim.attempt, "at": claim.at, "until": claim.until},
    }


def sent_update(state: str, at: datetime, channel: str | None, ts: str | None) -> Document:
    return {"state": state, "sentAt": at, **({"slack": {"channel": channel, "ts": ts}} if channel else {})}


def failed_update(state: str, at: datetime, error: str) -> Document:
    return {"state": state, "error": error, "failedAt": at}


def ledger_document(now: datetime) -> Document:
    return {"processedAt": now, "expireAt": now + LEDGER_RETENTION}


def tick_document(state: str, event_id: str, employees: int | None, chunks: int | None) -> Document:
    return _compact({"state": state, "employees": employees, "chunks": chunks, "eventId": event_id})


def chunk_document(employees: int, outcome: dict[str, int]) -> Document:
    return {"employees": employees, "outcome": dict(outcome)}
