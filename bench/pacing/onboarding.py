"""The onboarding of a batch of new people at once (a bulk import): each needs a Slack look-up,
a welcome DM, an invite to their mentoring channel and a word to their lead."""

from __future__ import annotations

from opening import BATCH_LIMIT


def new_people(stack, how_many: int) -> list[tuple[str, dict]]:
    """Their Slack accounts exist (they were invited to the workspace first); not linked yet."""
    events_url, stack.stand_in.events_url = stack.stand_in.events_url, None  # no team_join: not measured
    try:
        people = []
        for i in range(how_many):
            eid = f"new{i:05d}"
            email = f"{eid}@bench.innerjourney.se"
            stack.stand_in.add_user(email, f"Ny Person{i:05d}")
            people.append(
                (
                    eid,
                    {
                        "name": f"Ny Person{i:05d}",
                        "email": email,
                        "role": "developer",
                        "leadId": "lead",
                        "startDate": "2025-08-04",
                        "status": "active",
                        "onboarding": {"status": "pending"},
                    },
                )
            )
        return people
    finally:
        stack.stand_in.events_url = events_url


def write(db, people: list[tuple[str, dict]]):
    def start() -> None:
        for first in range(0, len(people), BATCH_LIMIT):
            batch = db.batch()
            for eid, doc in people[first : first + BATCH_LIMIT]:
                batch.set(db.document(f"employees/{eid}"), doc)
            batch.commit()

    return start


def expected(people: list[tuple[str, dict]]) -> set[str]:
    return {f"{kind}:{eid}" for eid, _ in people for kind in ("welcome", "lead-notice:new-employee")}
