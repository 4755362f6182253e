"""App Home for a lead: their team as a table, per person what waits for the lead, with the
buttons that act on it (pure rendering). The buttons are the very ones of the messages that
asked (same action ids and values), so a click from Home is handled by the same route, with the
same checks, and counts once whichever of the two was clicked.

Only counts and titles are shown, never a reflection's text or anyone else's team: the service
hands in the lead's own team (services/home.py). Of the pair's 1:1 notes, only the count of open
actions and the first one, clipped (the lead is one of the pair); who is away today, and until
when (messages/home_time.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from devplan.domain.calendar import Quarter
from devplan.domain.cycle_record import HELD, INVITED, CycleRecord
from devplan.domain.employees import Employee
from devplan.domain.funding import LARGER_PROGRAMMES
from devplan.domain.goals import AWAITING, LEAD, PROPOSED, SmartGoal
from devplan.domain.meeting_notes import ActionItem
from devplan.domain.time_off import TimeOff
from devplan.domain.wallet import TrainingRequest
from devplan.messages.advancement import SENIOR_APPROVE, SENIOR_NOT_YET, Evidence
from devplan.messages.blocks import buttons, section
from devplan.messages.catalog import format_sek, role_name, text
from devplan.messages.cycle import MARK_HELD_ACTION
from devplan.messages.dates import quarter_label
from devplan.messages.funding import FUNDING_LARGER_APPROVE, FUNDING_LARGER_NOT_YET, larger_ref
from devplan.messages.goals import GOAL_AGREE, GOAL_CHANGE, GOAL_CONFIRM, GOAL_NOT_YET, goal_ref
from devplan.messages.home_fit import BUTTON_LABEL_LIMIT, FIELD_LIMIT, Group, clip
from devplan.messages.home_time import actions_field, away_field, away_suffix
from devplan.messages.status import progress_bar
from devplan.messages.wallet import WALLET_APPROVE, WALLET_REFUSE, request_ref

BLOCK_ID_LIMIT = 255


@dataclass(frozen=True)
class MemberFacts:
    """One person a lead leads, and what of theirs waits for the lead this quarter."""

    member: Employee
    cycle: CycleRecord | None  # this quarter's
    requests: tuple[tuple[int, TrainingRequest], ...] = ()  # (year, request) over budget, pending
    senior: tuple[str, Evidence] | None = None  # (button value, evidence) when ready for Senior Coach
    away: TimeOff | None = None  # the period they are away in today, if any

    @property
    def open_actions(self) -> tuple[ActionItem, ...]:
        """Open actions of the pair's 1:1s on this quarter's record (carried ones included)."""
        return tuple(a for a in self.cycle.actions if a.open) if self.cycle else ()

    def goals(self, quarter: Quarter) -> tuple[SmartGoal, ...]:
        plan = self.member.goals
        return tuple(g for g in plan.still_awaiting(quarter) + plan.active(quarter) if g.waiting_for == LEAD)

    def to_agree(self, quarter: Quarter) -> tuple[SmartGoal, ...]:
        return tuple(g for g in self.goals(quarter) if g.status == PROPOSED)

    def to_confirm(self, quarter: Quarter) -> tuple[SmartGoal, ...]:
        return tuple(g for g in self.goals(quarter) if g.status == AWAITING)

    @property
    def review_open(self) -> bool:
        return self.cycle is not None and self.cycle.review.status == INVITED

    @property
    def larger_asked(self) -> int | None:
        """The grants when the lead was asked about larger programmes, while that is unanswered."""
        book, member = self.member.funding, self.member
        asked = book.larger_asked_at
        if asked is None or LARGER_PROGRAMMES in member.responsibilities or book.larger_declined_at == asked:
            return None
        return asked if asked == book.grants else None

    def waiting(self, quarter: Quarter) -> int:
        return (
            len(self.to_agree(quarter))
            + len(self.to_confirm(quarter))
            + len(self.requests)
            + self.review_open
            + (self.senior is not None)
            + (self.larger_asked is not None)
        )


def _block_id(*parts: str) -> str:
    return ":".join(("home", *parts))[:BLOCK_ID_LIMIT]


def _item(line: str, block_id: str, *choices: tuple[str, str, str, str | None]) -> list[dict[str, Any]]:
    labelled = tuple((a, clip(label, BUTTON_LABEL_LIMIT), v, s) for a, label, v, s in choices)
    return [section(line), buttons(block_id, *labelled)]


def _columns(lang: str, facts: MemberFacts, quarter: Quarter) -> list[dict[str, Any]]:
    review = facts.cycle.review.status if facts.cycle else None
    state = {INVITED: "open", HELD: "held"}.get(review or "", "none")
    cells = [
        text(lang, "home.col_agree", count=len(facts.to_agree(quarter))),
        text(lang, "home.col_confirm", count=len(facts.to_confirm(quarter))),
        text(lang, "home.col_requests", count=len(facts.requests) + (facts.larger_asked is not None)),
        text(lang, "home.col_review", quarter=quarter_label(lang, quarter), state=text(lang, f"home.state_{state}")),
        *away_field(lang, facts.away),
        *actions_field(lang, facts.open_actions),
    ]
    return [{"type": "mrkdwn", "text": clip(cell, FIELD_LIMIT)} for cell in cells]


def member_group(lang: str, facts: MemberFacts, quarter: Quarter) -> Group:
    """The person's row (name, role and the four columns) and one line with buttons per thing to act on."""
    member, q = facts.member, quarter_label(lang, quarter)
    name = text(lang, "home.member", name=member.name, role=role_name(lang, member.role))
    row: dict[str, Any] = {**section(name), "fields": _columns(lang, facts, quarter)}
    blocks = [row]
    for goal in facts.to_agree(quarter):
        ref = goal_ref(member.employee_id, goal)
        line = text(lang, "home.item_agree", title=goal.title)
        agree, change = text(lang, "goals.agree"), text(lang, "goals.ask_change")
        blocks += _item(
            line, _block_id("agree", ref), (GOAL_AGREE, agree, ref, "primary"), (GOAL_CHANGE, change, ref, None)
        )
    for goal in facts.to_confirm(quarter):
        ref = goal_ref(member.employee_id, goal)
        line = text(lang, "home.item_confirm", title=goal.title, progress=progress_bar(lang, goal) or "–")
        confirm, not_yet = text(lang, "goals.confirm"), text(lang, "goals.not_yet")
        blocks += _item(
            line, _block_id("confirm", ref), (GOAL_CONFIRM, confirm, ref, "primary"), (GOAL_NOT_YET, not_yet, ref, None)
        )
    for year, request in facts.requests:
        ref = request_ref(member.employee_id, year, request.request_id)
        line = text(
            lang,
            "home.item_wallet",
            course=request.course,
            provider=request.provider,
            cost=format_sek(lang, request.cost_sek),
            needed=format_sek(lang, request.asked_sek),
        )
        approve, refuse = text(lang, "wallet.approve"), text(lang, "wallet.refuse")
        blocks += _item(
            line,
            _block_id("wallet", ref),
            (WALLET_APPROVE, approve, ref, "primary"),
            (WALLET_REFUSE, refuse, ref, "danger"),
        )
    if facts.review_open:
        value = f"{member.employee_id}|{quarter.key}"
        line = text(lang, "home.item_review", quarter=q)
        blocks += _item(
            line, _block_id("review", value), (MARK_HELD_ACTION, text(lang, "review.mark_held"), value, "primary")
        )
    if facts.senior is not None:
        value, evidence = facts.senior
        line = text(
            lang,
            "home.item_senior",
            sessions=evidence.sessions,
            required_sessions=evidence.criteria.sessions,
            months=evidence.months,
            required_months=evidence.criteria.months,
        )
        approve, not_yet = text(lang, "advancement.approve"), text(lang, "advancement.not_yet")
        blocks += _item(
            line,
            _block_id("senior", value),
            (SENIOR_APPROVE, approve, value, "primary"),
            (SENIOR_NOT_YET, not_yet, value, None),
        )
    grants = facts.larger_asked
    if grants is not None:
        ref = larger_ref(member.employee_id, grants)
        line = text(lang, "home.item_larger", grants=grants)
        approve, not_yet = text(lang, "funding.approve"), text(lang, "funding.not_yet")
        blocks += _item(
            line,
            _block_id("larger", ref),
            (FUNDING_LARGER_APPROVE, approve, ref, "primary"),
            (FUNDING_LARGER_NOT_YET, not_yet, ref, None),
        )
    return Group(tuple(blocks), compact_line(lang, facts, quarter))


def compact_line(lang: str, facts: MemberFacts, quarter: Quarter) -> str:
    """The person in one line (no buttons): for the rows that do not fit on the Home tab."""
    waiting = facts.waiting(quarter)
    shown = text(lang, "home.compact_waiting", count=waiting) if waiting else text(lang, "home.member_clear")
    return text(lang, "home.compact_line", name=facts.member.name, waiting=shown) + away_suffix(lang, facts.away)


def team_groups(lang: str, team: tuple[MemberFacts, ...], quarter: Quarter) -> list[Group]:
    """Those with most waiting for the lead first (then by name): what needs the lead is seen first."""
    ordered = sorted(team, key=lambda f: (-f.waiting(quarter), f.member.name, f.member.employee_id))
    return [member_group(lang, f, quarter) for f in ordered]
