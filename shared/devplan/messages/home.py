"""App Home (pure rendering): the person's plan where they look, and for a lead their team.

The person's part: goals with their progress bars and status, the deadline that applies now,
this quarter's 1:1 (invited / held, when, with whom), reflections this quarter (a count: the
text stays in the journal), the training budget used and left, the advancement path and
applications in flight, and the buttons that open the goal and reflection modals. A lead's
team follows (messages/home_team.py); the view is kept inside Slack's limits by
messages/home_fit.py. Someone without a plan sees a short explanation, someone without any
goals yet a start."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from devplan.domain.calendar import Quarter
from devplan.domain.cycle_record import HELD, INVITED
from devplan.domain.funding import DRAFT, SUBMITTED
from devplan.domain.meeting_notes import ActionItem
from devplan.domain.time_off import TimeOff
from devplan.domain.wallet import PENDING, Wallet
from devplan.messages.blocks import buttons, context, header
from devplan.messages.catalog import format_sek, role_name, text
from devplan.messages.dates import format_date, quarter_label
from devplan.messages.goal_form import open_buttons
from devplan.messages.home_fit import MAX_VIEW_BLOCKS, fit, pack, sections
from devplan.messages.home_team import MemberFacts, team_groups
from devplan.messages.home_time import action_blocks, time_off_blocks
from devplan.messages.onboarding import channel_list
from devplan.messages.status import PlanFacts, _deadline, goal_line

HOME_MORE = "home_more"  # Visa mer: the team rows that did not fit, in a modal
View = dict[str, Any]


@dataclass(frozen=True)
class HomeFacts:
    plan: PlanFacts  # the person's plan as `/utveckling` shows it (services/plan_status.py)
    wallet: Wallet | None = None  # this year's training wallet
    team: tuple[MemberFacts, ...] = ()  # for a lead: the people they lead
    time_off: tuple[TimeOff, ...] = ()  # the person's periods booked now or ahead, by first day
    actions: tuple[ActionItem, ...] = ()  # open actions on the person's latest 1:1 record
    actions_quarter: Quarter | None = None  # that record's quarter (the Klar buttons' value)


def not_onboarded_view(lang: str) -> View:
    return {"type": "home", "blocks": [header(text(lang, "home.title")), *sections([text(lang, "home.not_onboarded")])]}


def home_view(lang: str, facts: HomeFacts) -> View:
    head = _person(lang, facts)
    if not facts.team:
        return {"type": "home", "blocks": head[:MAX_VIEW_BLOCKS]}
    quarter = facts.plan.quarter
    waiting = sum(f.waiting(quarter) for f in facts.team)
    summary = text(lang, "home.team_summary", count=waiting) if waiting else text(lang, "home.team_clear")
    head += [header(text(lang, "home.team_heading")), context(summary)]
    fitted = fit(head, team_groups(lang, facts.team, quarter))
    blocks = fitted.blocks
    if fitted.hidden:
        blocks += [
            context(text(lang, "home.more", count=fitted.hidden)),
            buttons("home:more", (HOME_MORE, text(lang, "home.more_button"), quarter.key, None)),
        ]
    return {"type": "home", "blocks": blocks}


def more_modal(lang: str, facts: HomeFacts) -> View:
    """Visa mer: every team member in one line each (a modal holds 100 blocks too)."""
    quarter = facts.plan.quarter
    lines = [g.line for g in team_groups(lang, facts.team, quarter)]
    packed = pack(lines)
    shown = packed[: MAX_VIEW_BLOCKS - 1]
    left = len(lines) - sum(count for _, count in shown)
    blocks: list[dict[str, Any]] = [{"type": "section", "text": {"type": "mrkdwn", "text": t}} for t, _ in shown]
    if left:
        blocks.append(context(text(lang, "home.more", count=left)))
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": text(lang, "home.more_title")[:24]},
        "close": {"type": "plain_text", "text": text(lang, "home.close")[:24]},
        "blocks": blocks,
    }


def _person(lang: str, facts: HomeFacts) -> list[dict[str, Any]]:
    plan, employee = facts.plan, facts.plan.employee
    q = quarter_label(lang, plan.quarter)
    goals = employee.goals.still_awaiting(plan.quarter) + employee.goals.current(plan.quarter)
    about = [
        text(lang, "status.role", role=role_name(lang, employee.role)),
        *([text(lang, "status.lead", lead_name=plan.lead_name)] if plan.lead_name else []),
        text(lang, "status.channels", channels=channel_list(employee.role)),
    ]
    goal_lines = [goal_line(lang, g) for g in goals] or [text(lang, "home.empty", quarter=q)]
    blocks = [
        header(text(lang, "home.title_named", name=employee.name)),
        *sections(about),
        *sections([text(lang, "status.goals_heading", quarter=q), *goal_lines, _deadline(lang, plan)]),
        *sections([text(lang, "home.review_heading", quarter=q), _review(lang, plan)]),
        *action_blocks(lang, employee.employee_id, facts.actions_quarter, facts.actions),
        *sections([text(lang, "home.reflections_heading", quarter=q), _reflections(lang, plan)]),
        *_budget(lang, facts),
        *sections(_advancement(lang, facts)),
        *time_off_blocks(lang, plan, facts.time_off),
        open_buttons(lang, reflection=True),
        context(text(lang, "home.updated", date=format_date(lang, plan.today))),
    ]
    return blocks


def _review(lang: str, plan: PlanFacts) -> str:
    review, lead = (plan.cycle.review if plan.cycle else None), plan.lead_name or text(lang, "status.your_lead")
    if review is not None and review.status == HELD and review.held_on is not None:
        return text(lang, "home.review_held", lead=lead, date=format_date(lang, review.held_on))
    if review is not None and review.status == INVITED and review.invited_on is not None:
        return text(lang, "home.review_invited", lead=lead, date=format_date(lang, review.invited_on))
    if plan.lead_name is None:
        return text(lang, "home.review_no_lead")
    return text(lang, "home.review_not_yet", quarter=quarter_label(lang, plan.quarter))


def _reflections(lang: str, plan: PlanFacts) -> str:
    cycle = plan.cycle
    if cycle is None or not cycle.reflections:
        return text(lang, "home.reflections_none")
    last = cycle.last_reflection
    day = format_date(lang, last.on) if last else "–"
    return text(lang, "home.reflections_count", count=cycle.reflections, date=day)


def _budget(lang: str, facts: HomeFacts) -> list[dict[str, Any]]:
    wallet = facts.wallet
    if wallet is None:
        return []
    lines = [
        text(lang, "home.budget_heading", year=wallet.year),
        text(
            lang,
            "home.budget",
            used=format_sek(lang, wallet.used_sek),
            left=format_sek(lang, wallet.left_sek),
            budget=format_sek(lang, wallet.budget_sek),
        ),
    ]
    pending = sum(1 for r in wallet.requests.values() if r.status == PENDING)
    if pending:
        lead = facts.plan.lead_name or text(lang, "status.your_lead")
        lines.append(text(lang, "home.budget_pending", count=pending, lead=lead))
    return sections(lines)


def _advancement(lang: str, facts: HomeFacts) -> list[str]:
    employee = facts.plan.employee
    in_flight = sorted(
        (a for a in employee.funding.applications.values() if a.status in (DRAFT, SUBMITTED)),
        key=lambda a: (a.deadline, a.application_id),
    )
    lines = [
        *facts.plan.advancement,
        *(text(lang, "responsibility.in_plan", title=r) for r in employee.responsibilities),
        *(
            text(
                lang,
                "home.application",
                funder=a.funder,
                programme=a.programme,
                amount=format_sek(lang, a.amount_sek),
                status=text(lang, f"home.application_status.{a.status}"),
                deadline=format_date(lang, a.deadline),
            )
            for a in in_flight
        ),
    ]
    return [text(lang, "home.advancement_heading"), *lines] if lines else []
