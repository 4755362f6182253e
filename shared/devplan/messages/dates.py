"""Dates, weekdays and quarters as people read them, in Swedish and English.

Hand-written so messages do not depend on which locales the runtime has installed.
"""

from __future__ import annotations

from datetime import date

from devplan.domain.calendar import Quarter

_MONTHS = {
    "sv": (
        "januari",
        "februari",
        "mars",
        "april",
        "maj",
        "juni",
        "juli",
        "augusti",
        "september",
        "oktober",
        "november",
        "december",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}
_WEEKDAYS = {
    "sv": ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}


def _language(language: str) -> str:
    return language if language in _MONTHS else "sv"


def format_date(language: str, d: date) -> str:
    """ "den 2 april 2025" / "2 April 2025": Swedish writes "den" before the day and the month in
    lower case, no leading zero, so "senast den 2 april 2025", "börjar den 7 januari 2025"."""
    lang = _language(language)
    day = f"{d.day} {_MONTHS[lang][d.month - 1]} {d.year}"
    return f"den {day}" if lang == "sv" else day


def weekday(language: str, d: date) -> str:
    """ "onsdag" (lower case, as mid-sentence in Swedish) / "Wednesday"."""
    return _WEEKDAYS[_language(language)][d.weekday()]


def quarter_label(language: str, quarter: Quarter) -> str:
    """ "Q2 2025": how Swedish and English colleagues alike write a quarter."""
    return f"Q{quarter.number} {quarter.year}"


def format_date_sv(d: date) -> str:
    return format_date("sv", d)


def weekday_sv(d: date) -> str:
    return weekday("sv", d)


def format_range(language: str, start: date, end: date) -> str:
    """A period as people write it, the shared month and year once: "1–31 juli 2025",
    "30 juni – 4 augusti 2025", "22 december 2025 – 6 januari 2026" (no "den": it heads a line)."""
    months = _MONTHS[_language(language)]
    last = f"{end.day} {months[end.month - 1]} {end.year}"
    if start == end:
        return last
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{last}"
    first = f"{start.day} {months[start.month - 1]}" + ("" if start.year == end.year else f" {start.year}")
    return f"{first} – {last}"
