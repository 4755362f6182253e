"""App Home: what a person's Home tab shows, read as of a day, and its publication.

The person's part is the plan `/utveckling` shows (services/plan_status.plan_facts, with the
advancement lines of services/advancement_status) plus this year's training wallet; a lead's
part is their own team (`employees_led_by`: never anyone else's), each with what waits for the
lead. The person's time off (on their record) and the open actions of their latest 1:1 record
(this quarter's; last quarter's, one read more, before this one opened) are shown with their
buttons (messages/home_time.py); each team member's "away today" comes from their record too.
Reads: the asker by Slack id, their plan (one round trip), their wallet, and for a lead
one query for the team, one round trip for the team's quarter records and one transaction
reading each member's wallet (and a coach's session tally).

The Home is published by the outbox sender (services/delivery.py, kind "home"): it renders
here, at send time, from the newest state, so whichever of two refreshes is sent last shows
the newest plan (services/home_refresh.py emits them)."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from devplan.domain.advancement import ask_round, due_to_ask, full_months, is_candidate
from devplan.domain.calendar import Quarter
from devplan.domain.cycle_record import CycleRecord
from devplan.domain.employees import DEFAULT_LANGUAGE, Employee
from devplan.domain.goals import ACHIEVED
from devplan.domain.lifecycle import is_offboarded
from devplan.domain.limits import LAST_SUPPORTED_DAY
from devplan.domain.metrics import COACHING_SESSIONS
from devplan.domain.time_off import upcoming
from devplan.domain.wallet import PENDING
from devplan.errors import UnusableRecord
from devplan.messages.advancement import Evidence
from devplan.messages.home import HomeFacts, View, home_view, more_modal, not_onboarded_view
from devplan.messages.home_team import MemberFacts
from devplan.messages.lifecycle import cleared_home
from devplan.services import senior_coach, time_off
from devplan.services.plan_status import plan_facts
from devplan.services.ports import Slack, Store, UnitOfWork
from devplan.services.slack_replies import not_opened, open_modal

log = logging.getLogger(__name__)


def home_facts(store: Store, employee: Employee, today: date) -> HomeFacts:
    plan = plan_facts(employee, store, today)
    wallet = store.atomically(lambda uow: uow.wallet(employee.employee_id, today.year, employee.training_budget_sek))
    periods = upcoming(employee.time_off, today, LAST_SUPPORTED_DAY)  # booked now or ahead
    record = plan.cycle or _readable_cycle(store, employee.employee_id, Quarter.of(today).previous())
    actions = tuple(a for a in record.actions if a.open) if record else ()
    return HomeFacts(
        plan,
        wallet,
        team_facts(store, employee, today),
        time_off=periods,
        actions=actions,
        actions_quarter=record.quarter if record else None,
    )


def _readable_cycle(store: Store, employee_id: str, quarter: Quarter) -> CycleRecord | None:
    """The latest 1:1's record before this quarter's opened (its open actions are still the person's)."""
    try:
        return store.load(cycles=[(employee_id, quarter)]).cycle(employee_id, quarter)
    except UnusableRecord:
        return None


def team_facts(store: Store, lead: Employee, today: date) -> tuple[MemberFacts, ...]:
    """The lead's own team (active members only), each with what waits for the lead."""
    members = [m for m in store.employees_led_by(lead.employee_id) if m.active]
    if not members:
        return ()
    quarter = Quarter.of(today)
    loaded = store.load(cycles=[(m.employee_id, quarter) for m in members])

    def cycle_of(member: Employee) -> Any:
        try:
            return loaded.cycle(member.employee_id, quarter)
        except UnusableRecord:  # an unreadable record leaves its column empty, not the Home
            return None

    def money(uow: UnitOfWork) -> list[MemberFacts]:
        facts = []
        for m in members:
            wallet = uow.wallet(m.employee_id, today.year, m.training_budget_sek)
            pending = tuple((today.year, r) for r in wallet.requests.values() if r.status == PENDING)
            facts.append(MemberFacts(m, cycle_of(m), pending, _senior(uow, m, today), time_off.away(m, today)))
        return facts

    return tuple(store.atomically(money))


def _senior(uow: UnitOfWork, coach: Employee, today: date) -> tuple[str, Evidence] | None:
    """A coach the lead can certify now: the Godkänn button's value and the evidence."""
    criteria = senior_coach.criteria()
    if not is_candidate(coach.role, coach.level, coach.active):  # no tally read for anyone else
        return None
    sessions = uow.tally(coach.employee_id, COACHING_SESSIONS).count()
    if not due_to_ask(coach.role, coach.level, coach.start_date, sessions, today, criteria, coach.senior_coach_not_yet):
        return None
    achieved = tuple(g.title for g in coach.goals.items if g.status == ACHIEVED)
    evidence = Evidence(sessions, full_months(coach.start_date, today), achieved, criteria)
    return f"{coach.employee_id}|{ask_round(coach.senior_coach_not_yet)}", evidence


def view_for(store: Store, slack_user_id: str, today: date, employee_id: str | None = None) -> View:
    """The Home view of whoever has this Slack account, or of `employee_id` (a short explanation
    if nobody in the plan)."""
    employee = store.employee(employee_id) if employee_id else store.employee_with_slack_user(slack_user_id)
    if employee is not None and is_offboarded(employee) and employee_id:
        # A message queued about the old record of someone rehired under a new one: this Slack
        # account's Home is the active plan's, never the old record's closing line.
        current = store.employee_with_slack_user(slack_user_id)
        employee = current if current is not None and not is_offboarded(current) else employee
    if employee is not None and is_offboarded(employee):  # none of their plan: one closing line
        return cleared_home(employee.language)
    if employee is None or not employee.active:
        return not_onboarded_view(employee.language if employee else DEFAULT_LANGUAGE)
    return home_view(employee.language, home_facts(store, employee, today))


def publish(store: Store, slack: Slack, slack_user_id: str, today: date, employee_id: str | None = None) -> None:
    """views.publish of the newest Home (the outbox sender calls it for a "home" message), of
    `employee_id` when the message names them: an erased person has no Slack id on record any
    more, and their Home is still cleared."""
    slack.publish_home(slack_user_id, view_for(store, slack_user_id, today, employee_id))


def open_more(store: Store, slack: Slack, slack_user_id: str, trigger_id: str, today: date) -> dict[str, Any]:
    """Visa mer: the lead's whole team, one line each, in a modal."""
    me = store.employee_with_slack_user(slack_user_id)
    if me is None:
        return not_opened(DEFAULT_LANGUAGE, "status.unknown")
    if is_offboarded(me):  # a lead who left sees no team (their Home is cleared, too)
        return not_opened(me.language, "lifecycle.home_cleared")
    facts = HomeFacts(plan_facts(me, store, today), None, team_facts(store, me, today))
    return open_modal(slack, trigger_id, more_modal(me.language, facts), me, "home team")
