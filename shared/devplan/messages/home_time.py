"""App Home's time off and open 1:1 actions (pure rendering).

The person: their periods booked now or ahead, each with **Avboka**, the goal deadline as the
time off moved it (PlanFacts.moved_deadline, computed by the cycle's rules), and **Ledig**
("Pausa planen") that opens the time-off modal; then the open actions agreed at their 1:1s, each
with the agenda's own **Klar** button (messages/meeting_notes.open_actions: the same action id and
value, so a click from Home is the agenda's click).

A lead's team table: who is away today and until when, and the count of open actions from the
pair's 1:1 with the first one clipped (the lead is one of the pair; the rest stays on the
agenda). Both are fields of the member's row: no block more, so messages/home_fit's budget holds.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from devplan.domain.calendar import Quarter
from devplan.domain.meeting_notes import ActionItem
from devplan.domain.time_off import TimeOff
from devplan.messages import time_off as time_off_text
from devplan.messages.blocks import buttons, context, section
from devplan.messages.catalog import text
from devplan.messages.dates import format_date, format_range
from devplan.messages.home_fit import BUTTON_LABEL_LIMIT, clip
from devplan.messages.meeting_notes import open_actions
from devplan.messages.status import PlanFacts
from devplan.messages.time_off_form import TIME_OFF_CANCEL, TIME_OFF_OPEN

MAX_PERIODS_SHOWN = 4  # one block each on the person's Home; the rest counted
FIRST_ACTION_LENGTH = 60  # the lead's table: the first open action, clipped


def period_line(lang: str, period: TimeOff) -> str:
    """ "Ledig 1–31 juli 2025 (semester)" """
    days = format_range(lang, period.start, period.end)
    return text(lang, "time_off_form.home_period", period=days, kind=time_off_text.kind(lang, period))


def time_off_blocks(lang: str, plan: PlanFacts, periods: tuple[TimeOff, ...]) -> list[dict[str, Any]]:
    employee_id = plan.employee.employee_id
    blocks: list[dict[str, Any]] = [section(text(lang, "time_off_form.home_heading"))]
    for period in periods[:MAX_PERIODS_SHOWN]:
        cancel = {
            "type": "button",
            "action_id": TIME_OFF_CANCEL,
            "value": f"{employee_id}|{period.time_off_id}",
            "text": {"type": "plain_text", "text": clip(text(lang, "time_off_form.cancel_button"), BUTTON_LABEL_LIMIT)},
        }
        blocks.append({**section(period_line(lang, period)), "accessory": cancel})
    if len(periods) > MAX_PERIODS_SHOWN:
        blocks.append(context(text(lang, "time_off_form.home_more", count=len(periods) - MAX_PERIODS_SHOWN)))
    notes = [moved] if (moved := _moved_deadline(lang, plan)) else []
    if not periods:
        notes.append(text(lang, "time_off_form.home_none"))
    blocks += [context(line) for line in notes]
    pause = text(lang, "time_off_form.open_button")
    blocks.append(buttons("home:time-off", (TIME_OFF_OPEN, clip(pause, BUTTON_LABEL_LIMIT), employee_id, None)))
    return blocks


def _moved_deadline(lang: str, plan: PlanFacts) -> str | None:
    """The goal deadline that time off moved, when it did (and the goals are still due)."""
    moved, original = plan.moved_deadline, _original_deadline(plan)
    if moved is None or original is None or moved <= original or plan.revision_done:
        return None
    return text(lang, "time_off_form.home_moved", date=format_date(lang, moved), was=format_date(lang, original))


def _original_deadline(plan: PlanFacts) -> date | None:
    """The deadline before time off, as messages/status shows it: the revision's, else the first goals'."""
    if plan.cycle is not None and plan.cycle.revision.deadline is not None:
        return plan.cycle.revision.deadline
    return plan.employee.goals.deadline if not plan.employee.goals.is_set else None


def action_blocks(
    lang: str, employee_id: str, quarter: Quarter | None, items: tuple[ActionItem, ...]
) -> list[dict[str, Any]]:
    """The open actions of the person's latest 1:1 record (`quarter`), each with Klar."""
    if quarter is None or not items:
        return []
    return open_actions(lang, employee_id, quarter, items)


def away_field(lang: str, period: TimeOff | None) -> list[str]:
    """The lead's table: "Ledig till 31 juli 2025 (semester)" for a member away today."""
    if period is None:
        return []
    return [
        text(lang, "time_off_form.col_away", end=format_date(lang, period.end), kind=time_off_text.kind(lang, period))
    ]


def actions_field(lang: str, items: tuple[ActionItem, ...]) -> list[str]:
    """The lead's table: how many actions of the pair's 1:1 are open, and the first, clipped."""
    if not items:
        return []
    first = clip(items[0].text, FIRST_ACTION_LENGTH)
    return [text(lang, "time_off_form.col_actions", count=len(items), first=first)]


def away_suffix(lang: str, period: TimeOff | None) -> str:
    """The compact line's note (a member listed without their row): away until when."""
    return text(lang, "time_off_form.compact_away", end=format_date(lang, period.end)) if period else ""
