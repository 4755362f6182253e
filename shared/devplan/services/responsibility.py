"""A developer's lead responsibility for a technical sub-project, given by their lead.

Two ways in: `/utveckling utse @person <delprojekt>` in Slack (the lead sees the evidence in
the answer) and the platform's `responsibility.assigned`. Either way it is one transaction
that re-reads both people and re-checks the rules (domain/responsibility.py), adds the
responsibility to the person, records an AuditEntry and emits the recognition: one DM to the
person and one post in #dev, with ids derived from the responsibility, so the same nomination
twice (or by both ways) changes nothing and sends nothing more.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from devplan.domain import responsibility as rules
from devplan.domain.audit import ADVANCEMENT, AuditEntry
from devplan.domain.employees import Employee
from devplan.domain.goals import ACHIEVED
from devplan.domain.ids import is_valid_id
from devplan.domain.outbox import OutboxMessage, named
from devplan.errors import InvalidEvent
from devplan.messages import responsibility as render
from devplan.services.inputs import PlatformEvent, parse_supported_time
from devplan.services.leads import active
from devplan.services.ports import Store, UnitOfWork
from devplan.services.slack_replies import ephemeral

log = logging.getLogger(__name__)
ACTION = "lead_responsibility_assigned"  # the AuditEntry's action (messages/history.py reads it)
DEV = "dev"  # the seed: developers' recognition goes to #dev
ASSIGNED, ALREADY = "assigned", "already_assigned"


def evidence_of(person: Employee, linked: list[tuple[str, ...]]) -> render.Evidence:
    """Their achieved goals (a goal carried over counts once), each with the reflections about it."""
    seen: dict[str, render.GoalEvidence] = {}
    for goal in person.goals.items:
        if goal.status == ACHIEVED and goal.goal_id not in seen:
            seen[goal.goal_id] = render.GoalEvidence(goal.title, sum(goal.goal_id in ids for ids in linked))
    return render.Evidence(tuple(seen.values()))


def assign(
    uow: UnitOfWork, person: Employee, lead: Employee, sub_project: str, at: datetime, evidence: render.Evidence
) -> str:
    """In the caller's transaction, the rules checked: recorded, audited and recognised once."""
    if rules.holds(person, sub_project):
        return ALREADY
    name, key = rules.normalized(sub_project), rules.key(person.employee_id, sub_project)
    uow.save_employee(rules.assigned(person, sub_project))
    detail = {"subProject": name, "goalsAchieved": len(evidence.goals), "reflections": evidence.reflections}
    uow.record(AuditEntry(key, person.employee_id, ADVANCEMENT, ACTION, lead.employee_id, at, None, detail))
    if person.slack_user_id:
        told = render.told(person.language, lead.name, name)
        uow.emit(
            OutboxMessage(
                f"{key}:told",
                users=(person.slack_user_id,),
                text=told.text,
                blocks=told.blocks,
                topic="lead → person",
                about=named(person, lead),
            )
        )
    else:  # the plan shows it; the DM is not owed later (the #dev post is the recognition)
        log.warning("lead responsibility of %s: no Slack account for the DM", person.employee_id)
    post = render.dev_post(person.name, person.slack_user_id, name)
    about = (person.employee_id,)
    uow.emit(
        OutboxMessage(f"{key}:dev", channel=DEV, text=post.text, blocks=post.blocks, topic="lead → #dev", about=about)
    )
    return ASSIGNED


def nominate_command(store: Store, slack_user_id: str, words: str, now: datetime) -> dict[str, Any]:
    """`/utveckling utse <@U…|name> VedAstro API`: `words` as typed (after "utse"), case kept."""
    nominator = store.employee_with_slack_user(slack_user_id)
    lang = nominator.language if nominator else "sv"
    mention = rules.parse_mention(words)
    if mention is None:
        return {"outcome": "usage", **ephemeral(render.refused(lang, "usage"))}
    person = store.employee_with_slack_user(mention.slack_user_id)
    reason = rules.refusal(nominator, person, mention.rest)
    if reason is not None or nominator is None or person is None:
        shown = render.refused(lang, reason or rules.UNKNOWN_PERSON, person=person.name if person else "")
        return {"outcome": reason, **ephemeral(shown)}
    linked = store.reflection_goal_ids(person.employee_id)
    lead_id, person_id = nominator.employee_id, person.employee_id

    def work(uow: UnitOfWork) -> tuple[str, render.Evidence]:
        lead, current = uow.employee(lead_id), uow.employee(person_id)
        again = rules.refusal(lead, current, mention.rest)
        if again is not None or lead is None or current is None:  # changed since the first read
            return again or rules.UNKNOWN_PERSON, render.Evidence()
        evidence = evidence_of(current, linked)
        return assign(uow, current, lead, mention.rest, now, evidence), evidence

    outcome, evidence = store.atomically(work)
    name = rules.normalized(mention.rest)
    if outcome == ASSIGNED:
        shown = render.nominated(lang, person.name, name, evidence)
    elif outcome == ALREADY:
        shown = render.already(lang, person.name, name, evidence)
    else:
        shown = render.refused(lang, outcome, person=person.name)
    _logged("utse", person_id, outcome)
    return {"outcome": outcome, **ephemeral(shown)}


def assigned_event(event: PlatformEvent, store: Store) -> str:
    """`responsibility.assigned` {employeeId, subProject, assignedBy, assignedAt}. A nomination
    that breaks a rule (not the lead, not a developer) is refused as a 422 with the rule's name;
    someone not onboarded yet is held (services/held_events.py)."""
    data = event.data
    person_id, lead_id, sub_project = data.get("employeeId"), data.get("assignedBy"), data.get("subProject")
    if not (isinstance(person_id, str) and isinstance(lead_id, str) and isinstance(sub_project, str)) or not (
        is_valid_id(person_id) and is_valid_id(lead_id)
    ):
        raise InvalidEvent(
            "responsibility.assigned: employeeId, assignedBy and subProject are required", code="invalid_data"
        )
    at = parse_supported_time(
        data.get("assignedAt") or event.occurred_at.isoformat(), "assignedAt", code="invalid_data", context=event.type
    )
    linked = store.reflection_goal_ids(person_id)

    def work(uow: UnitOfWork) -> str:
        person = uow.employee(person_id)
        if person is None:
            return "unknown_employee"
        lead = active(uow, lead_id)  # a lead who has left nominates nobody: refused as a non-lead
        reason = rules.refusal(lead, person, sub_project)
        if reason == rules.NO_SUB_PROJECT:
            raise InvalidEvent(
                "responsibility.assigned: subProject must be one line of 1–100 characters", code="invalid_data"
            )
        if reason is not None or lead is None:  # e.g. not_yours: assignedBy is not the person's lead
            raise InvalidEvent(f"responsibility.assigned: {reason}", status=422, code="nomination_refused")
        if not uow.claim(f"platform:{event.id}"):
            return "duplicate"
        return assign(uow, person, lead, sub_project, at, evidence_of(person, linked))

    return _logged(event.type, person_id, store.atomically(work))


def _logged(how: str, employee_id: str, outcome: str) -> str:
    log.info("%s for %s: %s", how, employee_id, outcome, extra={"employeeId": employee_id, "outcome": outcome})
    return outcome
