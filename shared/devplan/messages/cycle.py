"""Slack messages of the quarterly cycle: 1:1 invites, reminders and nudges (pure rendering)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from devplan.domain.calendar import Quarter
from devplan.messages.blocks import Rendered, context, header, one_section, section
from devplan.messages.catalog import text
from devplan.messages.dates import format_date, quarter_label

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
    goals: tuple[str, ...]
    revision_deadline: date | None
    new_starter_deadline: date | None
    start_date: date
    latest_reflection: date | None


def review_invite(lang: str, facts: ReviewFacts, employee_id: str) -> Rendered:
    q = quarter_label(lang, facts.quarter)
    first_name = facts.employee.split()[0]
    known = [text(lang, "review.goal_line", title=g) for g in facts.goals] or [text(lang, "review.goals_none")]
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
    huddle_link = f"<{HUDDLE_URL_TOKEN}|{text(lang, 'review.huddle')}>"
    blocks = (
        header(text(lang, "review.title", quarter=q, employee=facts.employee, lead=facts.lead)),
        section(text(lang, "review.intro", huddle_link=huddle_link)),
        section(text(lang, "review.agenda_heading") + "\n" + text(lang, "review.agenda")),
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
            ],
        },
    )
    return Rendered(text(lang, "review.text", quarter=q, employee=facts.employee, lead=facts.lead), blocks)


def line(lang: str, key: str, **fields: Any) -> Rendered:
    """A one-section message (reminders, nudges, confirmations); dates are formatted here."""
    shown = {k: format_date(lang, v) if isinstance(v, date) else v for k, v in fields.items()}
    return one_section(text(lang, key, **shown))


def held_confirmation(lang: str, quarter: Quarter, who: str, when: date) -> Rendered:
    rendered = line(lang, "review.held", quarter=quarter_label(lang, quarter), who=who, date=when)
    return Rendered(rendered.text, rendered.blocks + (context(quarter.key),))
