"""The messages floor: both languages say everything, dates read as people write them."""

from __future__ import annotations

import string
from datetime import date, timedelta

import pytest

from devplan.domain.calendar import Quarter
from devplan.messages.catalog import _catalog, role_name, text
from devplan.messages.dates import format_date, format_date_sv, quarter_label, weekday, weekday_sv


def _keys(node, prefix=""):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _keys(value, f"{prefix}{key}.")
    else:
        yield prefix.rstrip("."), node


def _placeholders(value) -> set[str]:
    values = value if isinstance(value, list) else [value]
    return {name for v in values for _, name, _, _ in string.Formatter().parse(str(v)) if name}


def test_swedish_and_english_have_the_same_keys_and_placeholders():
    sv, en = dict(_keys(_catalog("sv"))), dict(_keys(_catalog("en")))
    assert sorted(sv) == sorted(en), f"only in sv: {set(sv) - set(en)}; only in en: {set(en) - set(sv)}"
    for key in sv:
        assert _placeholders(sv[key]) == _placeholders(en[key]), key
        assert isinstance(sv[key], list) == isinstance(en[key], list), key


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_every_role_has_a_name_in_both_languages(lang):
    names = {role: role_name(lang, role) for role in ("developer", "coach", "funding_manager", "project_lead")}
    assert all(names.values())


def test_dates_weekdays_and_quarters_in_both_languages():
    assert format_date_sv(date(2025, 4, 2)) == format_date("sv", date(2025, 4, 2)) == "den 2 april 2025"
    assert format_date("en", date(2025, 4, 2)) == "2 April 2025"
    assert format_date("sv", date(2026, 1, 1)) == "den 1 januari 2026"
    assert format_date("xx", date(2025, 12, 31)) == "den 31 december 2025"  # unknown language: Swedish
    monday = date(2025, 3, 31)
    assert [weekday_sv(monday + timedelta(days=i)) for i in range(7)] == [
        "måndag",
        "tisdag",
        "onsdag",
        "torsdag",
        "fredag",
        "lördag",
        "söndag",
    ]
    assert weekday("en", monday) == "Monday"
    assert quarter_label("sv", Quarter(2025, 2)) == quarter_label("en", Quarter(2025, 2)) == "Q2 2025"


def test_an_english_line_is_english():
    assert "Welcome" in text("en", "welcome.title", first_name="Anna")
    assert "Välkommen" in text("sv", "welcome.title", first_name="Anna")
