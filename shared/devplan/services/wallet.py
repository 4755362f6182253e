"""The training wallet's use cases: a request (platform event `training.requested`), and the
lead's Godkänn ökning / Avslå on one over the budget (domain/wallet.py holds the rules).

Every change is one transaction with its AuditEntry and its messages (deterministic ids: a
request or a click handled twice records and tells once). Only the person's lead decides;
the person themself, or anyone else, gets a polite answer and nothing changes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from devplan.domain.audit import APPROVAL, REFUSAL, WALLET, AuditEntry
from devplan.domain.calendar import stockholm_date
from devplan.domain.employees import Employee
from devplan.domain.ids import is_valid_id
from devplan.domain.limits import MAX_TITLE_LENGTH, is_text
from devplan.domain.outbox import named
from devplan.domain.wallet import PENDING, RECORDED, REFUSED, TrainingRequest, Wallet, cost_problem
from devplan.errors import InvalidEvent
from devplan.messages import wallet as render
from devplan.messages.catalog import text
from devplan.services import home_refresh
from devplan.services.goals import lead_of, required_id
from devplan.services.inputs import PlatformEvent, parse_supported_time
from devplan.services.money_notices import dm
from devplan.services.ports import Store, UnitOfWork
from devplan.services.slack_replies import ephemeral, tell

log = logging.getLogger(__name__)
TOLD = {RECORDED: "recorded", PENDING: "waiting_for_lead", REFUSED: "refused_no_approver"}


def read_request(event: PlatformEvent) -> tuple[str, TrainingRequest]:
    """`training.requested` {employeeId, requestId, course, provider, costSek, goalId?, requestedAt, currency?}."""
    data = event.data
    employee_id, request_id = required_id(event, "employeeId"), required_id(event, "requestId")
    problem = cost_problem(data.get("costSek"), data.get("currency"))
    if problem:
        raise InvalidEvent(f"{event.type}: {problem}", code="invalid_data")
    for name in ("course", "provider"):
        if not is_text(data.get(name), MAX_TITLE_LENGTH):
            raise InvalidEvent(
                f"{event.type}: {name} must be text of 1–{MAX_TITLE_LENGTH} characters", code="invalid_data"
            )
    goal_id = data.get("goalId")
    if goal_id is not None and not is_valid_id(goal_id):
        raise InvalidEvent(f"{event.type}: goalId must be a goal id or absent", code="invalid_data")
    at = parse_supported_time(data.get("requestedAt"), "requestedAt", code="invalid_data", context=event.type)
    course, provider = str(data["course"]).strip(), str(data["provider"]).strip()
    return employee_id, TrainingRequest(request_id, course, provider, int(data["costSek"]), at, goal_id)


def request_training(event: PlatformEvent, store: Store) -> str:
    employee_id, request = read_request(event)

    def work(uow: UnitOfWork) -> str:
        employee = uow.employee(employee_id)
        if employee is None:
            return "unknown_employee"
        if not uow.claim(f"platform:{event.id}"):
            return "duplicate"
        return add_request(uow, employee, request)

    return event.logged(log, employee_id, store.atomically(work), request.request_id)


def add_request(uow: UnitOfWork, employee: Employee, request: TrainingRequest) -> str:
    """Within what is left: recorded, the person told what is left. Over it: to the lead."""
    if request.goal_id is not None and not any(g.goal_id == request.goal_id for g in employee.goals.items):
        raise InvalidEvent(f"goalId {request.goal_id!r} is none of the person's goals", code="invalid_data")
    year = stockholm_date(request.requested_at).year
    lead = lead_of(uow, employee)
    wallet = uow.wallet(employee.employee_id, year, employee.training_budget_sek)
    changed, outcome = wallet.request(request, has_approver=lead is not None)
    if outcome == "duplicate":
        return outcome
    uow.save_wallet(changed)
    home_refresh.refresh(uow, employee, stockholm_date(request.requested_at))  # App Home: budget, lead's table
    added = changed.requests[request.request_id]
    uow.record(_entry(employee, changed, added, f"training-request:{employee.employee_id}:{request.request_id}", None))
    key = f"wallet:{employee.employee_id}:{request.request_id}"
    lang = employee.language
    dm(
        uow,
        f"{key}:{outcome}",
        employee,
        render.told(lang, TOLD[outcome], changed, added, lead=_name(lead)),
        "wallet",
        about=(employee, lead),
    )
    if outcome == PENDING and lead is not None:
        ask_lead(uow, employee, lead, changed, added)
    return "over_budget" if outcome == PENDING else outcome


def ask_lead(
    uow: UnitOfWork,
    employee: Employee,
    lead: Employee,
    wallet: Wallet,
    request: TrainingRequest,
    *,
    again: bool = False,
) -> None:
    """The numbers and Godkänn ökning / Avslå; asked again (a new message) when the increase grew."""
    asked = render.over_budget(
        lead.language, employee=employee.name, employee_id=employee.employee_id, wallet=wallet, request=request
    )
    key = f"wallet:{employee.employee_id}:{request.request_id}:ask-lead"
    dm(uow, f"{key}:{request.asked_sek}" if again else key, lead, asked, "wallet over budget → lead", about=(employee,))


def _name(person: Employee | None) -> str:
    return person.name if person else ""


def _entry(employee: Employee, wallet: Wallet, request: TrainingRequest, key: str, actor_id: str | None) -> AuditEntry:
    kind = {RECORDED: WALLET, PENDING: WALLET, REFUSED: REFUSAL}[request.status]
    if actor_id is not None and request.status == RECORDED:
        kind = APPROVAL
    action = {RECORDED: "training_request_recorded", PENDING: "training_request_over_budget"}.get(
        request.status, "training_request_refused"
    )
    detail = {
        "year": wallet.year,
        "requestId": request.request_id,
        "course": request.course,
        "costSek": request.cost_sek,
        "budgetSek": wallet.budget_sek,
        "leftSek": wallet.left_sek,
        "raisedSek": request.raised_sek,
    }
    at = request.decided_at or request.requested_at
    return AuditEntry(key, employee.employee_id, kind, action, actor_id, at, request.why, detail)


@dataclass(frozen=True)
class WalletClick:
    slack_user_id: str
    employee_id: str
    year: int
    request_id: str
    at: datetime


def read_click(value: str, slack_user_id: str, at: datetime) -> WalletClick:
    try:
        employee_id, year, request_id = render.parse_request_ref(value)
    except ValueError:
        raise InvalidEvent(f"wallet button value is malformed: {value!r:.80}", code="malformed") from None
    if not (is_valid_id(employee_id) and is_valid_id(request_id) and 2000 <= year <= 2100):
        raise InvalidEvent(f"wallet button names no request: {value!r:.80}", code="malformed")
    return WalletClick(slack_user_id, employee_id, year, request_id, at)


def decide(store: Store, click: WalletClick, *, approve: bool) -> dict[str, Any]:
    """Godkänn ökning (approve) / Avslå: by the person's lead only, once."""

    def work(uow: UnitOfWork) -> dict[str, Any]:
        employee = uow.employee(click.employee_id)
        lead = lead_of(uow, employee) if employee else None
        clicker = next((p for p in (lead, employee) if p and p.slack_user_id == click.slack_user_id), None)
        lang = clicker.language if clicker else "sv"
        if employee is None:
            return _answer(uow, click, "unknown_request", text(lang, "wallet.unknown_request"))
        if employee.slack_user_id == click.slack_user_id:
            return _answer(uow, click, "own_request", text(lang, "wallet.own_request"))
        if lead is None or lead.slack_user_id != click.slack_user_id:
            shown = text(lang, "wallet.not_yours", lead=_name(lead) or employee.lead_id or "", employee=employee.name)
            return _answer(uow, click, "not_yours", shown, named(employee, lead))
        wallet = uow.wallet(employee.employee_id, click.year, employee.training_budget_sek)
        act = wallet.approve if approve else wallet.refuse
        changed, outcome = act(click.request_id, lead.employee_id, click.at)
        if outcome == "needs_more":  # the lead approves what they are shown: the new numbers, asked anew
            uow.save_wallet(changed)
            ask_lead(uow, employee, lead, changed, changed.requests[click.request_id], again=True)
            return _answer(uow, click, outcome, text(lang, "wallet.needs_more"))
        if outcome not in ("approved", "refused"):
            return _answer(uow, click, outcome, text(lang, f"wallet.{outcome}"))
        uow.save_wallet(changed)
        home_refresh.refresh(uow, employee, stockholm_date(click.at))  # App Home: decided
        request = changed.requests[click.request_id]
        key = f"training-decision:{employee.employee_id}:{click.request_id}"
        uow.record(_entry(employee, changed, request, key, lead.employee_id))
        told = render.told(employee.language, outcome, changed, request, lead=lead.name)
        dm(
            uow,
            f"wallet:{employee.employee_id}:{click.request_id}:{outcome}",
            employee,
            told,
            "wallet decision",
            about=(employee, lead),
        )
        return _answer(
            uow, click, outcome, text(lang, f"wallet.{outcome}_lead", employee=employee.name), named(employee)
        )

    answer = store.atomically(work)
    log.info(
        "wallet %s on %s:%s by %s: %s",
        "approve" if approve else "refuse",
        click.employee_id,
        click.request_id,
        click.slack_user_id,
        answer["outcome"],
        extra={"employeeId": click.employee_id, "outcome": answer["outcome"]},
    )
    return answer


def _answer(
    uow: UnitOfWork, click: WalletClick, outcome: str, shown: str, about: tuple[str, ...] = ()
) -> dict[str, Any]:
    tell(uow, click.slack_user_id, f"wallet:{click.employee_id}:{click.request_id}:{outcome}", shown, about)
    return {"outcome": outcome, **ephemeral(shown)}
