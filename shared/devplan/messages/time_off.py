"""What people read about time off (pure rendering): the lead's notice, the answers to
`/utveckling ledig`, and the agenda's line about who is away."""

from __future__ import annotations

from datetime import date

from devplan.domain.time_off import TimeOff
from devplan.messages.blocks import Rendered, one_section
from devplan.messages.catalog import text
from devplan.messages.dates import format_date


def period(lang: str, start: date, end: date) -> str:
    return text(lang, "time_off.period", start=format_date(lang, start), end=format_date(lang, end))


def kind(lang: str, time_off: TimeOff) -> str:
    return text(lang, f"time_off.kind.{time_off.kind}")


def said(lang: str, key: str, time_off: TimeOff, **fields: str) -> str:
    """A catalog line about one period: `{period}` and `{kind}` filled in."""
    return text(
        lang, f"time_off.{key}", period=period(lang, time_off.start, time_off.end), kind=kind(lang, time_off), **fields
    )


def lead_notice(lang: str, employee: str, time_off: TimeOff, *, cancelled: bool = False) -> Rendered:
    return one_section(said(lang, "lead_cancelled" if cancelled else "lead_notice", time_off, employee=employee))


def agenda_lines(lang: str, periods: tuple[TimeOff, ...]) -> list[str]:
    """The 1:1 agenda's lines: the person's time off in the quarter, so the lead sees it."""
    return [said(lang, "agenda", p) for p in periods]


def away_line(lang: str, employee: str, time_off: TimeOff) -> str:
    """ "Anna är ledig till den 31 juli 2025 (semester)." (for App Home and the lead's lists)"""
    return text(
        lang, "time_off.away", employee=employee, end=format_date(lang, time_off.end), kind=kind(lang, time_off)
    )
