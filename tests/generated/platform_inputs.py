"""The platform's three event types (employee.onboarded, goals.set, journal.reflection_logged) as
generated envelopes: mostly plausible data, a third mutated, and headers mostly signed."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from hypothesis import strategies as st

from tests.generated.values import DAYS, EMAILS, EVENT_IDS, HUGE, IDS, NAMES, ODD_TIMESTAMPS, OFFSETS, TIMES, mutated

ROLES = ["developer", "coach", "funding_manager", "project_lead"]


def onboarded_data() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {
            "employeeId": IDS,
            "name": NAMES,
            "email": EMAILS,
            "role": st.sampled_from(ROLES),
            "leadId": st.one_of(st.just("bo"), st.none(), IDS),
            "startDate": st.one_of(st.dates(date(2024, 6, 1), date(2026, 6, 1)).map(date.isoformat), DAYS),
        }
    )


def goal() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"goalId": IDS, "title": st.one_of(st.text(min_size=1, max_size=60), HUGE)},
        optional={"measure": st.one_of(st.text(min_size=1, max_size=80), HUGE), "dueDate": DAYS},
    )


def goals_data() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"employeeId": st.one_of(st.just("anna"), IDS), "goals": st.lists(goal(), min_size=0, max_size=4)}
    )


def reflection_data() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"employeeId": st.one_of(st.just("anna"), IDS), "entryId": IDS},
        optional={"occurredAt": TIMES, "goalIds": st.lists(IDS, max_size=25)},
    )


EVENT_DATA = {
    "employee.onboarded": onboarded_data(),
    "goals.set": goals_data(),
    "journal.reflection_logged": reflection_data(),
}


@st.composite
def platform_envelope(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from([*EVENT_DATA, *EVENT_DATA, "employee.offboarded", ""]))
    data = draw(EVENT_DATA.get(kind, onboarded_data()))
    envelope = {
        "id": draw(EVENT_IDS),
        "type": kind,
        "occurredAt": draw(
            st.one_of(
                st.datetimes(datetime(2025, 1, 1), datetime(2025, 6, 30), timezones=OFFSETS).map(datetime.isoformat),
                TIMES,
            )
        ),
        "data": data,
    }
    return draw(st.one_of(st.just(envelope), st.just(envelope), mutated(envelope)))


@st.composite
def platform_headers(draw: st.DrawFn, world: Any, body: bytes) -> dict[str, str]:
    """Mostly correctly signed; else unsigned, wrongly signed, stale, or with odd header values."""
    headers = world.platform_headers(body)
    how = draw(st.sampled_from(["signed"] * 10 + ["drop", "secret", "stale", "timestamp", "signature", "delivery"]))
    if how == "drop":
        del headers[draw(st.sampled_from(["X-Devplan-Timestamp", "X-Devplan-Signature", "X-Devplan-Delivery"]))]
    elif how == "secret":
        headers = world.platform_headers(body, secret="not-the-secret")
    elif how == "stale":
        skew = draw(st.sampled_from([301, -301, 10**6, -(10**6)]))
        headers["X-Devplan-Timestamp"] = str(int(headers["X-Devplan-Timestamp"]) + skew)
    elif how == "timestamp":
        headers["X-Devplan-Timestamp"] = draw(st.sampled_from(ODD_TIMESTAMPS))
    elif how == "signature":
        headers["X-Devplan-Signature"] = draw(st.sampled_from(["v1=", "v1=zz", "v0=" + "0" * 64, "v1=²", "x" * 300]))
    elif how == "delivery":
        headers["X-Devplan-Delivery"] = draw(st.sampled_from(["x" * 300, " ", "\x00", "ÿ"]))
    return headers
