"""What people read when someone's role or lead changes or they leave (pure rendering)."""

from __future__ import annotations

from typing import Any

from devplan.messages.blocks import Rendered, one_section, section
from devplan.messages.catalog import text


def role_changed(lang: str, role: str, channels: tuple[str, ...]) -> Rendered:
    name = text(lang, f"role.{role}")
    if not channels:
        return one_section(text(lang, "lifecycle.role_changed_no_channel", role=name))
    return one_section(text(lang, "lifecycle.role_changed", role=name, channels=", ".join(f"#{c}" for c in channels)))


def lead_changed_employee(lang: str, lead: str) -> Rendered:
    return one_section(text(lang, "lifecycle.lead_changed_employee", lead=lead))


def lead_changed_lead(lang: str, employee: str, previous: str | None, waiting: dict[str, int]) -> Rendered:
    """`waiting`: how many of each kind moved to the new lead (goals, achievements, requests)."""
    shown = [text(lang, f"lifecycle.waiting_{kind}", count=n) for kind, n in waiting.items() if n]
    return one_section(
        text(
            lang,
            "lifecycle.lead_changed_lead",
            employee=employee,
            previous=previous or text(lang, "lifecycle.previous_none"),
            waiting=", ".join(shown) or text(lang, "lifecycle.waiting_none"),
        )
    )


def offboarded_click(lang: str, person: str) -> str:
    return text(lang, "lifecycle.offboarded_click", person=person)


def plan_closed(lang: str) -> str:
    """The answer to someone offboarded who types a command, clicks or submits: the Home's closing line."""
    return text(lang, "lifecycle.home_cleared")


def cleared_home(lang: str) -> dict[str, Any]:
    """The App Home of someone offboarded: one closing line, none of their plan (views.publish)."""
    return {"type": "home", "blocks": [section(text(lang, "lifecycle.home_cleared"))]}
