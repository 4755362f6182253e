"""Firestore documents (employees/{id}, outbox/{id}) with generated fields, and Pub/Sub message
data for the ticks and the employee chunks."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from hypothesis import strategies as st

from tests.generated.values import DAYS, IDS, json_bytes, mutated

NEW_EMPLOYEE = {
    "name": "Nya Nilsson",
    "email": "nya@innerjourney.se",
    "role": "developer",
    "leadId": "bo",
    "startDate": "2025-04-14",
    "status": "active",
    "language": "sv",
    "onboardedAt": datetime(2025, 4, 8, 7, 0, tzinfo=UTC),
    "sourceEventId": "evt-nya",
    "onboarding": {"status": "pending"},
    # a SMART goal as mapping/goals.py writes it: its fields are mutated like the rest
    "goals": {
        "deadline": "2025-04-28",
        "items": [
            {
                "goalId": "g-sessions",
                "quarter": "2025-Q2",
                "title": "Genomföra minst 20 coachingsessioner",
                "measure": {
                    "metric": "sessioner",
                    "target": 20,
                    "baseline": 0,
                    "unit": "st",
                    "source": "coaching_sessions",
                },
                "plan": "Två i veckan",
                "relevance": "Fler användare får stöd",
                "dueDate": "2025-06-30",
                "status": "agreed",
                "proposedBy": "employee",
                "proposedOn": "2025-04-08",
                "agreedOn": "2025-04-09",
                "progress": 3,
                "countsFrom": "2025-04-08",
            }
        ],
    },
}
WELCOME = {
    "kind": "message",
    "users": ["U_ANNA"],
    "channel": None,
    "text": "Välkommen till Inner Journey, Anna!",
    "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Sätt 1–3 SMART-mål senast *21 januari*."}}],
    "topic": "welcome",
    "state": "pending",
    "attempts": 0,
    "createdAt": datetime(2025, 4, 8, 7, 0, tzinfo=UTC),
}
DOCUMENT_IDS = st.one_of(IDS, st.sampled_from([".", "..", "__x__", "a:b", "welcome:anna"]))


def employee_document() -> st.SearchStrategy[dict[str, Any]]:
    return mutated(NEW_EMPLOYEE, surrogates=False, firestore=True, most=4)


def outbox_document() -> st.SearchStrategy[dict[str, Any]]:
    return mutated(WELCOME, surrogates=False, firestore=True, most=4)


def tick_data() -> st.SearchStrategy[Any]:
    tick = st.fixed_dictionaries({}, optional={"asOf": DAYS, "force": st.booleans()})
    return st.one_of(tick, tick.flatmap(lambda t: mutated(t)))


def chunk_data() -> st.SearchStrategy[Any]:
    chunk = st.fixed_dictionaries(
        {
            "asOf": st.one_of(st.sampled_from(["2025-04-01", "2025-04-15", "2025-06-10", "2025-07-01"]), DAYS),
            "employeeIds": st.lists(st.one_of(st.sampled_from(["anna", "bo", "erik"]), IDS), max_size=4),
            "chunk": st.integers(0, 3),
        }
    )
    return st.one_of(chunk, chunk.flatmap(lambda c: mutated(c)))


def message_data(data: st.SearchStrategy[Any]) -> st.SearchStrategy[bytes | str]:
    """A Pub/Sub message's data: base64 of JSON (the strategy's), of odd JSON or of random bytes;
    or a text that is not base64 at all; or empty (a push always carries `data`)."""
    return st.one_of(
        data.flatmap(json_bytes),
        data.flatmap(json_bytes),
        st.binary(max_size=64),
        st.sampled_from(["not base64!", "%%%", "e30", "W10=", ""]),
    )
