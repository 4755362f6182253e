"""Senior Coach in the services: asked once the last criterion is met (the 20th session, or the
tick on the tenure's day), whatever order and duplicates the sessions come in; only the lead
decides; Godkänn recognises once in #coaching and #general; Inte än waits for the next quarter."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from devplan.domain.calendar import Quarter
from devplan.services import senior_coach
from devplan.services.quarterly_cycle import apply_day
from tests.unit.goal_support import cancelled, completed, event, handle, sent, workspace

ASKED = "senior coach"
TENURE = date(2025, 7, 7)  # Anna started 2025-01-07


def sessions(store, n: int, *, day: str = "2025-07-10", first: int = 0) -> list[str]:
    return handle(store, *(completed(f"s{i}", day=day) for i in range(first, first + n)))


def questions(store) -> dict:
    return {k: v for k, v in sent(store, ASKED).items() if k.startswith("senior-coach-ask:")}


def click(store, action, user: str = "U_BO", value: str = "anna|first", on: date = date(2025, 7, 15)):
    return action(store, senior_coach.read_click(value, user, on))


def tick(store, day: date) -> str:
    lead = store.atomically(lambda uow: uow.employee("bo"))
    return store.atomically(lambda uow: apply_day(uow, "anna", Quarter.of(day), day, lead))


def test_the_20th_session_after_six_months_asks_the_lead_once():
    store = workspace()
    sessions(store, 19)
    assert questions(store) == {}
    assert sessions(store, 1, first=19) == ["counted"]
    [(message_id, question)] = questions(store).items()
    assert message_id == "senior-coach-ask:anna:first" and question["users"] == ["U_BO"]
    assert "20 genomförda" in question["text"] and "6 månader" in question["text"]
    values = {b["value"] for block in question["blocks"] if block["type"] == "actions" for b in block["elements"]}
    assert values == {"anna|first"}
    sessions(store, 3, first=20)  # more sessions ask nothing more
    assert len(questions(store)) == 1


def test_sessions_before_six_months_wait_for_the_tick_on_the_tenure_day():
    store = workspace()
    sessions(store, 22, day="2025-06-10")
    assert questions(store) == {}
    assert "senior_coach_check" not in tick(store, date(2025, 7, 4))  # Friday: 5.9 months
    assert questions(store) == {}
    assert "senior_coach_check" in tick(store, TENURE)  # Monday 7 July: 6 months
    assert list(questions(store)) == ["senior-coach-ask:anna:first"]
    tick(store, date(2025, 7, 8))
    assert len(questions(store)) == 1


@settings(max_examples=40, deadline=None)
@given(
    held=st.lists(st.booleans(), min_size=15, max_size=26),  # cancelled?
    order=st.randoms(use_true_random=False),
    repeats=st.integers(0, 6),
)
def test_a_shuffled_stream_asks_exactly_when_the_truth_reaches_20(held, order, repeats):
    store = workspace()
    stream = [completed(f"s{i}", day="2025-07-10") for i in range(len(held))]
    stream += [cancelled(f"s{i}") for i, is_cancelled in enumerate(held) if is_cancelled]
    stream += [order.choice(stream) for _ in range(repeats)]
    stream += [cancelled("unknown-session")]  # absorbed: remembered, counts for nobody
    order.shuffle(stream)
    outcomes = handle(store, *stream)
    assert "cancelled_before_completion" in outcomes
    truth = sum(1 for is_cancelled in held if not is_cancelled)
    assert store.get("employees/anna/tallies/coaching_sessions")["count"] == truth
    # Asked at most once; surely when the truth is 20 or more, never with fewer than 20 sessions
    # ever completed (a cancellation after the ask cannot unask it: the lead then decides).
    assert len(questions(store)) <= 1
    if truth >= 20:
        assert len(questions(store)) == 1
    if len(held) < 20:
        assert questions(store) == {}


def test_someone_else_than_the_lead_is_refused_and_nothing_changes():
    store = workspace()
    sessions(store, 20)
    answer = click(store, senior_coach.approve, user="U_ERIK")
    assert answer["outcome"] == "not_yours" and "Bo Joel Kvarnsmyr" in answer["text"]
    answer = click(store, senior_coach.approve, user="U_ANNA")  # not her own either
    assert answer["outcome"] == "not_yours"
    assert store.get("employees/anna").get("level") is None
    assert not store.collection("audit") and not sent(store, "senior coach → #general")


def test_godkann_certifies_once_with_posts_in_coaching_and_general():
    store = workspace()
    sessions(store, 21)
    assert click(store, senior_coach.approve)["outcome"] == "approved"
    assert click(store, senior_coach.approve)["outcome"] == "already_senior"
    assert click(store, senior_coach.not_yet)["outcome"] == "already_senior"
    assert store.get("employees/anna")["level"] == "senior_coach"
    posts = {**sent(store, "senior coach → #coaching"), **sent(store, "senior coach → #general")}
    assert sorted(p["channel"] for p in posts.values()) == ["coaching", "general"]
    assert all("<@U_ANNA>" in p["text"] and "21" in p["text"] for p in posts.values())
    assert store.get("outbox/senior-coach-approved:anna")["users"] == ["U_ANNA"]
    [entry] = store.audit_of("anna")
    assert (entry.action, entry.actor_id, entry.kind) == ("senior_coach_approved", "bo", "advancement")
    assert entry.detail["sessions"] == 21 and entry.detail["months"] == 6
    sessions(store, 1, first=30)  # a Senior Coach is never asked again
    tick(store, date(2025, 10, 1))
    assert len(questions(store)) == 1


def test_inte_an_is_recorded_and_asked_again_only_at_the_next_quarters_opening():
    store = workspace()
    sessions(store, 20)
    assert click(store, senior_coach.not_yet, on=date(2025, 7, 15))["outcome"] == "not_yet"
    assert click(store, senior_coach.not_yet, on=date(2025, 7, 16))["outcome"] == "already_not_yet"
    assert store.get("employees/anna")["seniorCoach"] == {"notYetOn": "2025-07-15"}
    [entry] = store.audit_of("anna")
    assert (entry.action, entry.kind, entry.actor_id) == ("senior_coach_not_yet", "refusal", "bo")
    sessions(store, 2, first=20, day="2025-08-10")
    tick(store, date(2025, 9, 30))
    assert list(questions(store)) == ["senior-coach-ask:anna:first"]
    assert "senior_coach_check" in tick(store, date(2025, 10, 1))
    assert sorted(questions(store)) == ["senior-coach-ask:anna:after-2025-07-15", "senior-coach-ask:anna:first"]
    assert click(store, senior_coach.approve, value="anna|after-2025-07-15", on=date(2025, 10, 2))["outcome"] == (
        "approved"
    )


def test_the_thresholds_come_from_configuration():
    store = workspace()
    senior_coach.configure(senior_coach.Criteria(months=3, sessions=5))
    try:
        sessions(store, 5, day="2025-04-10")
        assert list(questions(store)) == ["senior-coach-ask:anna:first"]
    finally:
        senior_coach.configure(senior_coach.Criteria())


def test_a_developer_is_never_asked():
    store = workspace()
    handle(
        store,
        *(
            event(
                "coaching.session_completed",
                {"sessionId": f"e{i}", "coachId": "erik", "completedAt": "2025-08-01T10:00:00Z"},
            )
            for i in range(25)
        ),
    )
    assert questions(store) == {}


def test_a_session_held_before_six_months_but_reported_after_asks_on_the_day_it_is_known():
    store = workspace()
    sessions(store, 19, day="2025-06-10")
    tick(store, TENURE)  # 19 on the tenure day: not yet
    assert questions(store) == {}
    late = completed("s-late", day="2025-06-30", at="2025-07-21T09:00:00+02:00")
    assert handle(store, late) == ["counted"]
    assert list(questions(store)) == ["senior-coach-ask:anna:first"]
