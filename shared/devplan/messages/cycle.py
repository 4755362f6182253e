"""Slack messages of the quarterly cycle: 1:1 invites, reminders and nudges (pure rendering)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from devplan.domain.calendar import Quarter
from devplan.domain.goals import ACHIEVED, AWAITING, CARRIED_OVER, MISSED, SmartGoal
from devplan.domain.meeting_notes import ActionItem
from devplan.domain.time_off import TimeOff
from devplan.messages.agenda import AgendaFacts, agenda_lines
from devplan.messages.blocks import Rendered, context, header, one_section, section
from devplan.messages.catalog import text
from devplan.messages.dates import format_date, quarter_label
from devplan.messages.goals import GOAL_MISSED, OPEN_GOAL_FORM, amount, goal_ref
from devplan.messages.meeting_notes import open_actions
from devplan.messages.status import goal_line, number
from devplan.messages.time_off import agenda_lines as time_off_lines

# The DM's channel id is only known when the sender opens the conversation, so the huddle
# link is a token that the sender fills in (services/delivery.py).
HUDDLE_URL_TOKEN = "{{huddle_url}}"
MARK_HELD_ACTION = "review_mark_held"


@dataclass(frozen=True)
class ReviewFacts:
    """What the system knows of the person when the invite goes out (no placeholder numbers)."""

    employee: str
    lead: str
    quarter: Quarter
    goals: tuple[SmartGoal, ...]  # this quarter's, carried-over ones included
    last_quarter: tuple[SmartGoal, ...]  # how last quarter's goals ended (domain statuses)
    revision_deadline: date | None
    new_starter_deadline: date | None
    start_date: date
    latest_reflection: date | None
    agenda: AgendaFacts = AgendaFacts()  # budget, sessions toward Senior Coach, applications
    open_actions: tuple[ActionItem, ...] = ()  # agreed at earlier 1:1s, not ticked off (domain/meeting_notes.py)
    away: tuple[TimeOff, ...] = ()  # the person's time off in the quarter (domain/time_off.py)


def review_invite(lang: str, facts: ReviewFacts, employee_id: str) -> Rendered:
    q = quarter_label(lang, facts.quarter)
    first_name = facts.employee.split()[0]
    known = [goal_line(lang, g) for g in facts.goals] or [text(lang, "review.goals_none")]
    if facts.revision_deadline:
        known.append(text(lang, "review.revision", deadline=format_date(lang, facts.revision_deadline)))
    if facts.new_starter_deadline:
        known.append(
            text(
                lang,
                "review.new_starter",
                start_date=format_date(lang, facts.start_date),
                deadline=format_date(lang, facts.new_starter_deadline),
            )
        )
    known.append(
        text(lang, "review.reflection", date=format_date(lang, facts.latest_reflection))
        if facts.latest_reflection
        else text(lang, "review.reflection_none")
    )
    known.extend(agenda_lines(lang, facts.agenda))
    known.extend(time_off_lines(lang, facts.away))
    huddle_link = f"<{HUDDLE_URL_TOKEN}|{text(lang, 'review.huddle')}>"
    blocks = (
        header(text(lang, "review.title", quarter=q, employee=facts.employee, lead=facts.lead)),
        section(text(lang, "review.intro", employee=facts.employee, lead=facts.lead, huddle_link=huddle_link)),
        section(text(lang, "review.agenda_heading") + "\n" + text(lang, "review.agenda")),
        *_last_quarter(lang, facts, employee_id),
        *open_actions(lang, employee_id, facts.quarter, facts.open_actions),
        section(text(lang, "review.known_heading", first_name=first_name) + "\n" + "\n".join(known)),
        {
            "type": "actions",
            "block_id": f"review:{employee_id}:{facts.quarter.key}",
            "elements": [
                {
                    "type": "button",
                    "action_id": "review_huddle",
                    "url": HUDDLE_URL_TOKEN,
                    "text": {"type": "plain_text", "text": text(lang, "review.huddle")},
                },
                {
                    "type": "button",
                    "action_id": MARK_HELD_ACTION,
                    "style": "primary",
                    "value": f"{employee_id}|{facts.quarter.key}",
                    "text": {"type": "plain_text", "text": text(lang, "review.mark_held")},
                },
                {
                    "type": "button",
                    "action_id": OPEN_GOAL_FORM,
                    "value": employee_id,
                    "text": {"type": "plain_text", "text": text(lang, "review.goal_form")},
                },
            ],
        },
    )
    return Rendered(text(lang, "review.text", quarter=q, employee=facts.employee, lead=facts.lead), blocks)


def _last_quarter(lang: str, facts: ReviewFacts, employee_id: str) -> list[dict[str, Any]]:
    """One line per goal of last quarter, as it ended; a carried-over one with "Markera som ej uppnått"."""
    if not facts.last_quarter:
        return []
    heading = text(lang, "review.last_quarter_heading", quarter=quarter_label(lang, facts.quarter.previous()))
    blocks, lines = [], [heading]
    carried = {(g.goal_id, g.carried_from): g for g in facts.goals if g.carried_from is not None}
    for goal in facts.last_quarter:
        line = outcome_line(lang, goal, facts.lead, facts.quarter)
        successor = carried.get((goal.goal_id, goal.quarter))
        if goal.status == CARRIED_OVER and successor is not None:
            if lines:
                blocks.append(section("\n".join(lines)))
                lines = []
            blocks += _with_missed_button(lang, line, goal_ref(employee_id, successor))
        else:
            lines.append(line)
    if lines:
        blocks.append(section("\n".join(lines)))
    return blocks


def outcome_line(lang: str, goal: SmartGoal, lead: str, quarter: Quarter) -> str:
    """How one goal ended: achieved with the measure reached, awaiting, carried over with its progress, missed."""
    measure, value = goal.draft.measure, goal.progress
    shown = ""
    if measure is not None and value is not None:
        if goal.status in (ACHIEVED, AWAITING):
            shown = text(lang, "review.measure_reached", metric=measure.metric, value=amount(lang, value, measure.unit))
        else:
            shown = text(
                lang,
                "review.measure_progress",
                value=number(lang, value),
                target=amount(lang, measure.target, measure.unit),
            )
    status = goal.status if goal.status in (ACHIEVED, AWAITING, CARRIED_OVER, MISSED) else "open"
    shown_quarter = quarter_label(lang, quarter)
    return text(lang, f"review.outcome.{status}", title=goal.title, measure=shown, lead=lead, quarter=shown_quarter)


def _with_missed_button(lang: str, line: str, ref: str) -> list[dict[str, Any]]:
    """The goal's line and, right below it, its button (an actions block of its own: visible on
    every client, and one block id per goal)."""
    button = {
        "type": "button",
        "action_id": GOAL_MISSED,
        "value": ref,
        "text": {"type": "plain_text", "text": text(lang, "review.mark_missed")},
        "confirm": {
            "title": {"type": "plain_text", "text": text(lang, "review.missed_confirm.title")},
            "text": {"type": "mrkdwn", "text": text(lang, "review.missed_confirm.text")},
            "confirm": {"type": "plain_text", "text": text(lang, "review.missed_confirm.confirm")},
            "deny": {"type": "plain_text", "text": text(lang, "review.missed_confirm.deny")},
        },
    }
    return [section(line), {"type": "actions", "block_id": f"goal-missed:{ref}", "elements": [button]}]


def line(lang: str, key: str, **fields: Any) -> Rendered:
    """A one-section message (reminders, nudges, confirmations); dates are formatted here."""
    shown = {k: format_date(lang, v) if isinstance(v, date) else v for k, v in fields.items()}
    return one_section(text(lang, key, **shown))


def held_confirmation(lang: str, quarter: Quarter, who: str, when: date) -> Rendered:
    rendered = line(lang, "review.held", quarter=quarter_label(lang, quarter), who=who, date=when)
    return Rendered(rendered.text, rendered.blocks + (context(quarter.key),))
