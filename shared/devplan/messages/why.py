"""Why the bot wrote: the context line under each automatic message of the cycle, and "Inte nu".

Every message the daily tick sends (the 1:1 invite, each reminder and nudge) ends with one
Block Kit context line naming the rule and the day it was sent, e.g. "Påminnelse: målen ska vara
satta senast den 21 januari 2025. … · Skickat den 19 januari 2025", so nobody has to guess. A
reminder that comes again (domain/snooze.SNOOZABLE) also gets an "Inte nu" button: the person
skips the next one of its kind once.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from devplan.domain.calendar import Quarter
from devplan.domain.cycle import (
    GOAL_NUDGE_BUSINESS_DAYS,
    REFLECTION_WINDOW_DAYS,
    REVIEW_ESCALATION_BUSINESS_DAYS,
    REVIEW_REMINDER_BUSINESS_DAYS,
    Action,
    opening_day,
)
from devplan.domain.funding import REMINDER_DAYS
from devplan.domain.snooze import SNOOZABLE
from devplan.messages.blocks import Rendered, buttons, context
from devplan.messages.catalog import text
from devplan.messages.dates import format_date, quarter_label

SNOOZE_ACTION = "reminder_snooze"
# The cycle's action kinds that say why (every kind that sends a message through cycle_actions.Turn).
EXPLAINED = (
    "open_quarter",
    "goal_nudge",
    "goal_overdue",
    "review_reminder",
    "review_escalation",
    "reflection_nudge",
    "funding_reminder",
    "supervision_nudge",
    "quarter_digest",  # its line ends the digest's text (a file's comment has no blocks)
)


def why_line(lang: str, action: Action, quarter: Quarter, today: date) -> str:
    """The rule behind `action` and the day it was sent, in the reader's language."""
    fields: dict[str, Any] = {
        "quarter": quarter_label(lang, quarter),
        "opening": format_date(lang, opening_day(quarter)),
        "quarter_end": format_date(lang, quarter.end),
        "deadline": format_date(lang, action.deadline) if action.deadline else "",
        "days": {
            "goal_nudge": GOAL_NUDGE_BUSINESS_DAYS,
            "review_reminder": REVIEW_REMINDER_BUSINESS_DAYS,
            "review_escalation": REVIEW_ESCALATION_BUSINESS_DAYS,
        }.get(action.kind, ""),
        "window": REFLECTION_WINDOW_DAYS,  # the rules' own numbers, so the line never drifts from them
        "early": max(REMINDER_DAYS),
        "late": min(REMINDER_DAYS),
    }
    rule = text(lang, f"why.{action.kind}", **fields)
    return f"{rule} · {text(lang, 'why.sent', day=format_date(lang, today))}"


def snooze_value(employee_id: str, quarter: Quarter, reminder_key: str) -> str:
    return f"{employee_id}|{quarter.key}|{reminder_key}"


def with_why(
    lang: str, rendered: Rendered, action: Action, quarter: Quarter, today: date, employee_id: str
) -> Rendered:
    """`rendered` with its context line, and "Inte nu" when the reminder comes again."""
    if action.kind not in EXPLAINED:
        return rendered
    blocks: list[dict[str, Any]] = [*rendered.blocks, context(why_line(lang, action, quarter, today))]
    if action.kind in SNOOZABLE:
        value = snooze_value(employee_id, quarter, action.key)
        blocks.append(buttons(f"snooze:{action.key}", (SNOOZE_ACTION, text(lang, "snooze.button"), value, None)))
    return Rendered(rendered.text, tuple(blocks))
