"""Slack messages about goals: a proposal to agree on, an achievement to confirm, the
celebration in #general and the perk (pure rendering). The buttons' values name the goal
as `employee|goal|quarter`; services/goal_agreement.py reads them back with `goal_ref`."""

from __future__ import annotations

from devplan.domain.calendar import Quarter
from devplan.domain.employees import Employee
from devplan.domain.goals import SmartGoal
from devplan.messages.blocks import Rendered, buttons, context, section
from devplan.messages.catalog import format_sek, text
from devplan.messages.dates import format_date, quarter_label

GOAL_AGREE, GOAL_CHANGE = "goal_agree", "goal_change"
GOAL_CONFIRM, GOAL_NOT_YET, GOAL_PERK = "goal_confirm", "goal_not_yet", "goal_perk"
GOAL_MISSED = "goal_missed"  # in the 1:1 agenda: a carried-over goal was missed after all
OPEN_GOAL_FORM, OPEN_REFLECTION_FORM = "goal_form_open", "reflection_form_open"


def goal_ref(employee_id: str, goal: SmartGoal) -> str:
    return f"{employee_id}|{goal.goal_id}|{goal.quarter.key}"


def parse_goal_ref(value: str) -> tuple[str, str, Quarter]:
    """The inverse of goal_ref (ValueError if it is not one); a perk button adds `|perk`."""
    employee_id, goal_id, quarter = value.split("|")[:3]
    return employee_id, goal_id, Quarter.parse(quarter)


def amount(lang: str, value: int, unit: str) -> str:
    """465 865 kr for money, '12 sessioner' for the rest."""
    if unit.strip().lower() in ("kr", "sek"):
        return format_sek(lang, value)
    return f"{value:,}".replace(",", "\u00a0") + (f" {unit}" if unit else "")


def measure_line(lang: str, goal: SmartGoal) -> str:
    measure = goal.draft.measure
    if measure is None:
        return text(lang, "goals.measure_note", note=goal.draft.measure_note) if goal.draft.measure_note else ""
    shown = text(
        lang,
        "goals.measure",
        metric=measure.metric,
        baseline=amount(lang, measure.baseline, measure.unit),
        target=amount(lang, measure.target, measure.unit),
    )
    if goal.progress is not None:
        shown += " " + text(lang, "goals.progress", value=amount(lang, goal.progress, measure.unit))
    if measure.source:
        shown += " " + text(lang, f"goals.source.{measure.source}")
    return shown


def summary(lang: str, goal: SmartGoal) -> str:
    """The goal's SMART fields, one per line, those that are known."""
    draft = goal.draft
    lines = [
        f"*{draft.outcome}*",
        measure_line(lang, goal),
        text(lang, "goals.plan", plan=draft.plan) if draft.plan else "",
        text(lang, "goals.relevance", relevance=draft.relevance) if draft.relevance else "",
        text(lang, "goals.due", due=format_date(lang, draft.due)) if draft.due else "",
    ]
    return "\n".join(line for line in lines if line)


def proposal(lang: str, *, proposer: str, employee: str, employee_id: str, goal: SmartGoal) -> Rendered:
    """To the side that agrees: the goal, and Godkänn / Föreslå ändring."""
    ref = goal_ref(employee_id, goal)
    key = "goals.proposal_change" if goal.change_note else "goals.proposal"
    intro = text(lang, key, proposer=proposer, employee=employee, quarter=quarter_label(lang, goal.quarter))
    blocks = [section(intro), section(summary(lang, goal))]
    if goal.change_note:
        blocks.append(context(text(lang, "goals.change_note", note=goal.change_note)))
    blocks.append(
        buttons(
            f"goal-proposal:{ref}",
            (GOAL_AGREE, text(lang, "goals.agree"), ref, "primary"),
            (GOAL_CHANGE, text(lang, "goals.ask_change"), ref, None),
        )
    )
    return Rendered(intro.replace("*", "") + " " + goal.title, tuple(blocks))


def agreed(lang: str, *, who: str, goal: SmartGoal) -> Rendered:
    line = text(lang, "goals.agreed", who=who, outcome=goal.title)
    return Rendered(line.replace("*", ""), (section(line), context(summary(lang, goal))))


def achievement_request(lang: str, *, employee: str, employee_id: str, goal: SmartGoal) -> Rendered:
    """To the lead: the target is reached; Bekräfta / Inte än."""
    ref = goal_ref(employee_id, goal)
    line = text(lang, "goals.reached", employee=employee, outcome=goal.title)
    blocks = (
        section(line),
        section(summary(lang, goal)),
        buttons(
            f"goal-achieved:{ref}",
            (GOAL_CONFIRM, text(lang, "goals.confirm"), ref, "primary"),
            (GOAL_NOT_YET, text(lang, "goals.not_yet"), ref, None),
        ),
    )
    return Rendered(line.replace("*", ""), blocks)


def celebration(lang: str, *, person: Employee, goal: SmartGoal) -> Rendered:
    """The one post in #general: who, what, and the measure reached (no empty praise)."""
    measure = goal.draft.measure
    reached = (
        text(lang, "goals.celebration_measure", metric=measure.metric, value=amount(lang, goal.progress, measure.unit))
        if measure is not None and goal.progress is not None
        else ""
    )
    mention = f"<@{person.slack_user_id}>" if person.slack_user_id else f"*{person.name}*"
    line = text(lang, "goals.celebration", person=mention, outcome=goal.title, measure=reached)
    return Rendered(line.replace("*", ""), (section(line),))


def perk_offer(lang: str, *, employee: str, employee_id: str, goal: SmartGoal) -> Rendered:
    """To the lead after the confirmation: a small perk at their judgement."""
    ref = goal_ref(employee_id, goal)
    line = text(lang, "goals.perk_offer", employee=employee)
    perks = [(GOAL_PERK, text(lang, f"goals.perk.{p}"), f"{ref}|{p}", None) for p in ("extra_day_off", "gift_card")]
    perks.append((GOAL_PERK, text(lang, "goals.perk.none"), f"{ref}|none", None))
    return Rendered(line.replace("*", ""), (section(line), buttons(f"goal-perk:{ref}", *perks)))


def perk_told(lang: str, *, lead: str, perk: str, goal: SmartGoal) -> Rendered:
    line = text(lang, f"goals.perk_told.{perk}", lead=lead, outcome=goal.title)
    return Rendered(line.replace("*", ""), (section(line),))
