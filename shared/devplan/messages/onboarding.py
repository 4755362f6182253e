"""Onboarding messages: the welcome DM and the notices to the lead (pure rendering)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from devplan.domain.budget import ANNUAL_TRAINING_BUDGET_SEK
from devplan.domain.employees import MENTORING_CHANNELS
from devplan.messages.blocks import Rendered, context, header, one_section, section
from devplan.messages.catalog import entry, format_sek, role_name, text
from devplan.messages.dates import format_date
from devplan.messages.goal_form import open_buttons


def channel_list(role: str) -> str:
    return ", ".join(f"#{c}" for c in MENTORING_CHANNELS[role])


def welcome(
    *, lang: str, name: str, role: str, lead_name: str | None, deadline: date, team: Sequence[str] = ()
) -> Rendered:
    first_name = name.split()[0]
    when = format_date(lang, deadline)
    examples = "\n".join(f"• {e}" for e in entry(lang, f"examples.{role}"))  # the seed's, with its own deadlines
    blocks = [
        header(text(lang, "welcome.title", first_name=first_name)),
        section(text(lang, "welcome.intro")),
        section(
            "\n".join(
                [
                    text(lang, "welcome.plan_heading"),
                    text(lang, "welcome.plan_goals", lead_name=lead_name, deadline=when)
                    if lead_name
                    else text(lang, "welcome.plan_goals_self", deadline=when),
                    text(lang, "welcome.plan_review_lead" if role == "project_lead" else "welcome.plan_review"),
                    text(
                        lang,
                        "welcome.plan_rest",
                        budget=format_sek(lang, ANNUAL_TRAINING_BUDGET_SEK),
                        channels=channel_list(role),
                    ),
                ]
            )
        ),
        section(text(lang, "welcome.examples_heading", role=role_name(lang, role)) + "\n" + examples),
        section(text(lang, "welcome.resources_heading") + "\n" + text(lang, f"resources.{role}")),
    ]
    if team:
        blocks.append(section(text(lang, "welcome.team_heading") + "\n" + "\n".join(f"• {n}" for n in team)))
    blocks.append(open_buttons(lang))  # the goal modal, proposed to the lead from there
    blocks.append(context(text(lang, "welcome.closing")))
    return Rendered(text(lang, "welcome.text", first_name=first_name, deadline=when), tuple(blocks))


def lead_notice(*, lang: str, key: str, name: str, role: str, email: str, start_date: date, deadline: date) -> Rendered:
    line = text(
        lang,
        f"lead_notice.{key}",
        name=name,
        role=role_name(lang, role),
        email=email,
        start_date=format_date(lang, start_date),
        deadline=format_date(lang, deadline),
        channels=channel_list(role),
    )
    return one_section(line)
