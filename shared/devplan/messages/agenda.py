"""The 1:1 agenda's lines about money and advancement (pure rendering): the training budget used
and left this year, sessions toward Senior Coach, applications in flight. A figure not known
(None) has no line: the agenda never shows a placeholder number."""

from __future__ import annotations

from dataclasses import dataclass

from devplan.messages.catalog import format_sek, text


@dataclass(frozen=True)
class Wallet:
    year: int
    used_sek: int  # whole kronor
    left_sek: int


@dataclass(frozen=True)
class TowardSenior:
    sessions: int
    months: int  # whole months since the start date
    sessions_needed: int
    months_needed: int


@dataclass(frozen=True)
class AgendaFacts:
    wallet: Wallet | None = None
    toward_senior: TowardSenior | None = None
    applications: int | None = None


def agenda_lines(lang: str, facts: AgendaFacts) -> list[str]:
    lines = []
    if facts.wallet is not None:
        w = facts.wallet
        lines.append(
            text(
                lang, "agenda.budget", year=w.year, used=format_sek(lang, w.used_sek), left=format_sek(lang, w.left_sek)
            )
        )
    if facts.toward_senior is not None:
        t = facts.toward_senior
        lines.append(
            text(
                lang,
                "agenda.coaching",
                sessions=t.sessions,
                sessions_needed=t.sessions_needed,
                months=t.months,
                months_needed=t.months_needed,
            )
        )
    if facts.applications is not None:
        lines.append(text(lang, "agenda.applications", count=facts.applications))
    return lines
