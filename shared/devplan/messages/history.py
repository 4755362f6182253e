"""`/utveckling historik`: a person's audit trail as readable lines (pure rendering).

A line per entry, dated in Stockholm: "den 2 april 2025 – Bo Joel Kvarnsmyr godkände Senior
Coach (20 sessioner, 6 månader)". An action with its own catalog text (history.actions.<action>,
filled from the entry's detail) reads as a sentence, one whose detail lacks a figure the text
names as its shorter sentence (history.partly.<action>); any other action (written by a newer
step) gets the generic line: who and the kind, and in English the action and its figures, so a
Swedish history never shows the code's English names. Nothing here edits an entry: the footer
says so."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from devplan.domain.audit import AuditEntry
from devplan.domain.calendar import stockholm_date
from devplan.messages.catalog import entry, format_sek, text
from devplan.messages.dates import format_date

SHOWN = 50  # the newest entries shown in one answer (Slack's text limit); the footer says how many exist
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def _words(name: str) -> str:
    """ "goalsAchieved" / "senior_coach_approved" → "goals achieved" / "senior coach approved"."""
    return _CAMEL.sub(" ", name).replace("_", " ").lower()


def _value(lang: str, name: str, value: Any) -> str:
    if isinstance(value, bool):
        return text(lang, "history.yes" if value else "history.no")
    if isinstance(value, int) and ("sek" in name.lower() or "amount" in name.lower()):
        return format_sek(lang, value)  # money is whole kronor (domain: int, never float)
    if isinstance(value, int):
        return f"{value:,}".replace(",", "\u00a0") if lang != "en" else f"{value:,}"
    return str(value)


def _specific(lang: str, action: str, fields: Mapping[str, str]) -> str | None:
    """The action's sentence, else its shorter one (an older entry lacking a figure)."""
    for texts in ("history.actions", "history.partly"):
        try:
            return str(entry(lang, f"{texts}.{action}")).format(**fields)
        except (KeyError, IndexError, ValueError):  # no text for it, or a figure it names is missing
            continue
    return None


def _generic(lang: str, item: AuditEntry, fields: Mapping[str, str]) -> str:
    try:
        kind = text(lang, f"history.kinds.{item.kind}")
    except KeyError:
        kind = _words(item.kind)
    if lang != "en":  # the action's and its figures' names are the code's English words
        return text(lang, "history.generic_kind", who=fields["who"], kind=kind)
    figures = ", ".join(f"{_words(k)}: {fields[k]}" for k in item.detail)
    what = text(lang, "history.generic", who=fields["who"], kind=kind, action=_words(item.action))
    return f"{what} ({figures})" if figures else what


def line(lang: str, item: AuditEntry, actor: str | None) -> str:
    fields = {k: _value(lang, k, v) for k, v in item.detail.items() if isinstance(k, str)}
    fields["who"] = actor or text(lang, "history.system")
    what = _specific(lang, item.action, fields) or _generic(lang, item, fields)
    shown = text(lang, "history.line", date=format_date(lang, stockholm_date(item.at)), what=what)
    return shown + (" " + text(lang, "history.why", why=item.why) if item.why else "")


def history(lang: str, person: str, entries: Sequence[AuditEntry], actors: Mapping[str, str], own: bool) -> str:
    """`actors`: names by employee id (an actor no longer known is shown by their id)."""
    heading = text(lang, "history.heading_own" if own else "history.heading", person=person)
    newest = list(entries)[-SHOWN:]
    lines = [line(lang, e, actors.get(e.actor_id, e.actor_id) if e.actor_id else None) for e in newest]
    footer = text(lang, "history.footer", shown=len(newest), total=len(entries))
    return "\n".join([heading, *(lines or [text(lang, "history.none")]), "", footer])


def refused(lang: str, person: str) -> str:
    return text(lang, "history.refused", person=person)
