"""The platform's event types (the onboarding, the journal, the goal events and the live sources) as
generated envelopes: mostly plausible data, a third mutated, and headers mostly signed. The people
are mostly the seeded ones (tests/generated/world.py), whose goals the events can move."""

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


REFLECTION_TEXT = st.one_of(st.text(min_size=1, max_size=80), st.sampled_from(["Bra vecka\nmed tabb\t", " "]), HUGE)


def reflection_data() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"employeeId": st.one_of(st.just("anna"), IDS), "entryId": IDS},
        optional={
            "occurredAt": TIMES,
            "goalIds": st.lists(IDS, max_size=25),
            "wentWell": REFLECTION_TEXT,
            "challenges": REFLECTION_TEXT,
            "nextSteps": REFLECTION_TEXT,
            "visibility": st.sampled_from(["private", "shared", "public", None]),
        },
    )


PEOPLE = st.one_of(st.sampled_from(["anna", "anna", "bo", "erik"]), IDS)  # mostly seeded people
GOAL_IDS = st.one_of(st.sampled_from(["g-sessions", "g-api", "g-new"]), IDS)  # anna's seeded goals, a new one
SOURCES = ["coaching_sessions", "users_guided", "funding_sek", "courses_completed"]
# Whole numbers around the seeded targets, the limits, and what JSON also calls a number.
AMOUNTS = st.one_of(
    st.integers(0, 25),
    st.sampled_from([465_865, 10**12, 10**12 + 1, -1, 0]),
    st.sampled_from([20.0, 465865.5, "465 865", True]),
)
ITEM_IDS = st.one_of(st.sampled_from(["s-1", "s-2", "s-3", "s-4"]), IDS)  # the same items, often


def proposed_data() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {
            "employeeId": PEOPLE,
            "goalId": GOAL_IDS,
            "outcome": st.one_of(st.just("Genomföra minst 20 coachingsessioner under Q2 2025"), st.text(max_size=40)),
            "metric": st.one_of(st.just("genomförda coachingsessioner"), st.text(max_size=20), HUGE),
            "target": AMOUNTS,
            "plan": st.one_of(st.just("Boka två sessioner i veckan"), st.text(max_size=40), HUGE),
            "relevance": st.one_of(st.just("Fler coachade användare"), st.text(max_size=40)),
            "dueDate": st.one_of(st.sampled_from(["2025-06-30", "2025-04-08", "2025-04-07", "2025-07-01"]), DAYS),
        },
        optional={
            "baseline": AMOUNTS,
            "unit": st.sampled_from(["st", "SEK", "", " ", "x" * 41]),
            "source": st.sampled_from([*SOURCES, "", "sessions", None]),
            "proposedBy": st.sampled_from(["employee", "lead", "platform", None, ""]),
        },
    )


def goal_event_data(*, value: bool) -> st.SearchStrategy[dict[str, Any]]:
    extra = {"value": AMOUNTS} if value else {}
    return st.fixed_dictionaries({"employeeId": PEOPLE, "goalId": GOAL_IDS, **extra})


def item_data(person: str, item: str, at: str, **extra: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    moments = st.datetimes(datetime(2025, 4, 1), datetime(2025, 6, 30), timezones=OFFSETS).map(datetime.isoformat)
    return st.fixed_dictionaries({person: PEOPLE, item: ITEM_IDS, at: st.one_of(moments, TIMES), **extra})


EVENT_DATA = {
    "employee.onboarded": onboarded_data(),
    "goals.set": goals_data(),
    "journal.reflection_logged": reflection_data(),
    "goals.proposed": proposed_data(),
    "goals.progress": goal_event_data(value=True),
    "goals.achieved": goal_event_data(value=False),
    "coaching.session_completed": item_data("coachId", "sessionId", "completedAt"),
    "coaching.session_cancelled": st.fixed_dictionaries({"sessionId": ITEM_IDS}),
    "onboarding.user_guided": item_data("coachId", "userId", "guidedAt"),
    "funding.granted": item_data("employeeId", "applicationId", "grantedAt", amountSek=AMOUNTS).flatmap(
        lambda d: st.one_of(st.just(d), st.sampled_from(["SEK", "EUR", None, 752]).map(lambda c: {**d, "currency": c}))
    ),
    "course.completed": item_data("employeeId", "courseId", "completedAt"),
    "coaching.supervisor_assigned": st.fixed_dictionaries({"coachId": PEOPLE, "supervisorId": PEOPLE}),
    "training.requested": item_data(
        "employeeId",
        "requestId",
        "requestedAt",
        course=st.one_of(st.just("Kubernetes"), st.text(max_size=20), HUGE),
        provider=st.one_of(st.just("Kurs AB"), st.text(max_size=20)),
        costSek=st.one_of(AMOUNTS, st.sampled_from([4200, 5000, 5001, 1_000_000, 1_000_001])),
    ).flatmap(
        lambda d: st.one_of(st.just(d), st.sampled_from(["g-api", "x", None, 7]).map(lambda g: {**d, "goalId": g}))
    ),
    "funding.application_updated": item_data(
        "employeeId",
        "applicationId",
        "updatedAt",
        funder=st.one_of(st.just("Vinnova"), st.text(max_size=20), HUGE),
        programme=st.one_of(st.just("Innovationsprojekt"), st.text(max_size=20)),
        amountSek=AMOUNTS,
        deadline=st.one_of(st.sampled_from(["2025-05-30", "2025-04-10"]), DAYS),
        status=st.sampled_from(["draft", "submitted", "granted", "rejected", "won", None]),
    ).flatmap(lambda d: st.one_of(st.just(d), AMOUNTS.map(lambda g: {**d, "grantedSek": g}))),
}
# Whom an event names (services/held_events.NAMED_BY): the person a carried-through event is shown to.
NAMED_BY = {
    "coaching.session_completed": "coachId",
    "onboarding.user_guided": "coachId",
    "coaching.supervisor_assigned": "coachId",
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
