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
