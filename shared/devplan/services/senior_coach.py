"""Senior Coach: the lead is asked once the last criterion is met, and approves in Slack.

`consider` runs in the transaction that counts a coaching session (services/metrics.py) and
in the daily tick from the day the tenure is reached (services/cycle_actions.py): whichever
condition comes last asks the lead, once per round (the DM's id names the round; after "Inte
än" the next round starts at the next quarter's opening, domain/advancement.py).

Godkänn: the level changes, one post in #coaching and one in #general, a DM to the coach, an
audit entry — once, however often it is clicked. Inte än: an audit entry with the optional
reason. Only the coach's lead may click; anyone else is told so and nothing changes.

The thresholds are configuration (`DEVPLAN_SENIOR_COACH_MONTHS` / `_SESSIONS`, read by
devplan.runtime.Settings, which hands them to `configure` at start)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from typing import Any

from devplan.domain.advancement import (
    SENIOR_COACH,
    Criteria,
    ask_round,
    due_to_ask,
    eligible,
    full_months,
    is_candidate,
)
from devplan.domain.audit import ADVANCEMENT, REFUSAL, AuditEntry
from devplan.domain.calendar import STOCKHOLM
from devplan.domain.employees import Employee
from devplan.domain.goals import ACHIEVED
from devplan.domain.ids import is_valid_id
from devplan.domain.metrics import COACHING_SESSIONS
from devplan.domain.outbox import OutboxMessage, named
from devplan.errors import InvalidEvent
from devplan.messages import advancement as render
from devplan.messages.blocks import Rendered
from devplan.messages.catalog import text
from devplan.services import money_notices
from devplan.services.goal_notices import GENERAL
from devplan.services.goals import lead_of
from devplan.services.language import speaker_language
from devplan.services.ports import Store, UnitOfWork
from devplan.services.slack_replies import ephemeral, tell

log = logging.getLogger(__name__)
COACHING = "coaching"  # the coaches' channel: a new Senior Coach is recognised there and in #general
_criteria = Criteria()


def configure(criteria: Criteria) -> None:
    """The composition root's thresholds (devplan.runtime); the defaults until it is called."""
    global _criteria
    _criteria = criteria


def criteria() -> Criteria:
    return _criteria


def evidence(uow: UnitOfWork, coach: Employee, today: date, sessions: int | None = None) -> render.Evidence:
    """`sessions`: the count just written in this transaction (reads see the state before it)."""
    achieved = tuple(g.title for g in coach.goals.items if g.status == ACHIEVED)
    if sessions is None:
        sessions = uow.tally(coach.employee_id, COACHING_SESSIONS).count()
    return render.Evidence(sessions, full_months(coach.start_date, today), achieved, _criteria)


def consider(uow: UnitOfWork, coach_id: str, today: date, sessions: int | None = None) -> str:
    """Ask the lead if the coach is due (the ask's id makes it once per round)."""
    coach = uow.employee(coach_id)
    if coach is None or not is_candidate(coach.role, coach.level, coach.active):
        return "not_a_candidate"
    proof = evidence(uow, coach, today, sessions)
    if not due_to_ask(
        coach.role, coach.level, coach.start_date, proof.sessions, today, _criteria, coach.senior_coach_not_yet
    ):
        return "not_due"
    lead = lead_of(uow, coach)  # only a lead certifies: a coach never answers for themself
    if lead is None:
        log.warning("Senior Coach question for %s waits: no lead to ask", coach_id, extra={"employeeId": coach_id})
        return "no_lead"
    if not lead.slack_user_id:
        log.warning("Senior Coach question for %s waits: the lead has no Slack account", coach_id)
        return "waiting_for_slack"
    value = f"{coach_id}|{ask_round(coach.senior_coach_not_yet)}"
    rendered = render.ask(lead.language, coach=coach, evidence=proof, value=value)
    sent = _dm(uow, f"senior-coach-ask:{coach_id}:{ask_round(coach.senior_coach_not_yet)}", lead, rendered, coach)
    return "asked" if sent else "already_asked"


def _dm(uow: UnitOfWork, message_id: str, to: Employee, rendered: Rendered, *about: Employee) -> bool:
    return money_notices.dm(uow, message_id, to, rendered, "senior coach", about=about)


@dataclass(frozen=True)
class Click:
    slack_user_id: str
    coach_id: str
    round: str
    on: date
    reason: str | None = None
    at: datetime | None = None  # Slack's action time (the audit entry's); a modal's: its day at noon

    @property
    def moment(self) -> datetime:
        return self.at or datetime.combine(self.on, time(12), STOCKHOLM)


def read_click(
    value: str, slack_user_id: str, on: date, reason: str | None = None, at: datetime | None = None
) -> Click:
    coach_id, _, round_ = value.partition("|")
    if not is_valid_id(coach_id) or not round_ or len(round_) > 40:
        raise InvalidEvent(f"Senior Coach button value is malformed: {value!r:.80}", code="malformed")
    return Click(slack_user_id, coach_id, round_, on, reason, at)


def approve(store: Store, click: Click) -> dict[str, Any]:
    return _decide(store, click, "approve")


def not_yet(store: Store, click: Click) -> dict[str, Any]:
    return _decide(store, click, "not_yet")


def _decide(store: Store, click: Click, action: str) -> dict[str, Any]:
    clicker_lang = speaker_language(store, click.slack_user_id)  # whoever clicked reads the refusals

    def work(uow: UnitOfWork) -> dict[str, Any]:
        coach = uow.employee(click.coach_id)
        lead = lead_of(uow, coach) if coach else None  # only a lead certifies, never the coach
        if coach is None or lead is None or lead.employee_id == coach.employee_id:
            return _answer((), uow, click, action, "unknown_coach", text(clicker_lang, "advancement.unknown_coach"))
        names, about = {"coach": coach.name, "lead": lead.name}, named(coach, lead)
        if lead.slack_user_id != click.slack_user_id:
            return _answer(about, uow, click, action, "not_yours", text(clicker_lang, "advancement.not_yours", **names))
        if coach.level == SENIOR_COACH:
            shown = text(lead.language, "advancement.already_senior", **names)
            return _answer(about, uow, click, action, "already_senior", shown)
        if action == "not_yet":
            if coach.senior_coach_not_yet is not None and click.round != ask_round(coach.senior_coach_not_yet):
                shown = text(lead.language, "advancement.already_not_yet", **names)
                return _answer(about, uow, click, action, "already_not_yet", shown)
            _record_not_yet(uow, coach, lead, click)
            return _answer(
                about, uow, click, action, "not_yet", text(lead.language, "advancement.not_yet_noted", **names)
            )
        proof = evidence(uow, coach, click.on)
        if not eligible(coach.start_date, proof.sessions, click.on, _criteria):  # e.g. a session cancelled since
            shown = text(
                lead.language, "advancement.not_eligible", sessions=proof.sessions, months=proof.months, **names
            )
            return _answer(about, uow, click, action, "not_eligible", shown)
        _certify(uow, coach, lead, click)
        return _answer(about, uow, click, action, "approved", text(lead.language, "advancement.approved_lead", **names))

    answer = store.atomically(work)
    log.info(
        "Senior Coach %s for %s by %s: %s",
        action,
        click.coach_id,
        click.slack_user_id,
        answer["outcome"],
        extra={"employeeId": click.coach_id, "outcome": answer["outcome"]},
    )
    return answer


def _answer(
    about: tuple[str, ...], uow: UnitOfWork, click: Click, action: str, outcome: str, shown: str
) -> dict[str, Any]:
    tell(uow, click.slack_user_id, f"senior-coach-{action}:{click.coach_id}:{click.round}:{outcome}", shown, about)
    return {"outcome": outcome, **ephemeral(shown)}


def _record_not_yet(uow: UnitOfWork, coach: Employee, lead: Employee, click: Click) -> None:
    uow.save_employee(replace(coach, senior_coach_not_yet=click.on))
    uow.record(
        AuditEntry(
            f"senior-coach-not-yet:{coach.employee_id}:{click.round}",
            coach.employee_id,
            REFUSAL,
            "senior_coach_not_yet",
            lead.employee_id,
            click.moment,  # business time, as the wallet's and funding's entries
            why=click.reason,
            detail={"on": click.on.isoformat()},
        )
    )


def _certify(uow: UnitOfWork, coach: Employee, lead: Employee, click: Click) -> None:
    proof = evidence(uow, coach, click.on)
    uow.save_employee(replace(coach, level=SENIOR_COACH))
    detail = {"sessions": proof.sessions, "months": proof.months, "goalsAchieved": list(proof.goals_achieved)}
    uow.record(
        AuditEntry(
            f"senior-coach-approved:{coach.employee_id}",
            coach.employee_id,
            ADVANCEMENT,
            "senior_coach_approved",
            lead.employee_id,
            click.moment,
            detail=detail,
        )
    )
    post = render.recognition("sv", person=coach, sessions=proof.sessions, months=proof.months)
    for channel in (COACHING, GENERAL):  # both speak Swedish
        uow.emit(
            OutboxMessage(
                f"senior-coach-recognition:{coach.employee_id}:{channel}",
                channel=channel,
                text=post.text,
                blocks=post.blocks,
                topic=f"senior coach → #{channel}",
                about=(coach.employee_id,),
            )
        )
    told = render.line(coach.language, "advancement.approved_person", lead=lead.name, sessions=proof.sessions)
    _dm(uow, f"senior-coach-approved:{coach.employee_id}", coach, told, coach, lead)
