"""App Home inside Slack's limits, for any team (with time off and open 1:1 actions on both the
person's part and each member's row): every rendered view (the Home and the Visa mer
modal) passes the Block Kit validator, and nobody of the team is silently lost: whoever is not
shown is counted under Visa mer. The validator itself is checked to refuse what Slack refuses."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devplan.domain.calendar import Quarter
from devplan.domain.cycle_record import HELD, INVITED, CycleRecord, Review
from devplan.domain.employees import Employee
from devplan.domain.goals import AGREED, AWAITING, PROPOSED, GoalPlan, SmartGoal
from devplan.domain.limits import MAX_NAME_LENGTH, MAX_TITLE_LENGTH
from devplan.domain.meeting_notes import MAX_ACTION_LENGTH, MAX_CARRIED, ActionItem
from devplan.domain.smart import Draft, Measure
from devplan.domain.time_off import KINDS, MAX_PERIOD_DAYS, TimeOff
from devplan.domain.wallet import PENDING, TrainingRequest, Wallet
from devplan.messages.home import HOME_MORE, HomeFacts, home_view, more_modal
from devplan.messages.home_fit import pack
from devplan.messages.home_team import MemberFacts
from devplan.messages.status import PlanFacts
from devplan_tools.stand_in import block_kit

Q2, TODAY = Quarter(2025, 2), date(2025, 5, 5)
NOW = datetime(2025, 5, 5, 8, tzinfo=UTC)
text_of = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1)


def titles(limit: int):
    return text_of.filter(lambda t: t.strip()).map(lambda t: t[:limit])


@st.composite
def goals(draw, who: str):
    items = []
    for i in range(draw(st.integers(0, 3))):
        status = draw(st.sampled_from([PROPOSED, AGREED, AWAITING]))
        target = draw(st.integers(1, 10**9))
        measure = Measure("m", target, unit=draw(st.sampled_from(["kr", "sessioner", ""])))
        progress = draw(st.none() | st.integers(0, target))
        draft = Draft(draw(titles(MAX_TITLE_LENGTH)), measure, None, None, None)
        items.append(
            SmartGoal(
                f"{who}-g{i}", Q2, draft, status, draw(st.sampled_from(["employee", "lead"])), TODAY, progress=progress
            )
        )
    return GoalPlan(items=tuple(items))


@st.composite
def members(draw, index: int):
    who = f"m{index}"
    name = draw(titles(MAX_NAME_LENGTH))
    employee = Employee(
        who, name, f"{who}@ij.se", draw(st.sampled_from(["developer", "coach"])), "lead", date(2025, 1, 7)
    )
    employee = Employee(**{**employee.__dict__, "goals": draw(goals(who))})
    requests = tuple(
        (
            2025,
            TrainingRequest(
                f"r{j}",
                draw(titles(MAX_TITLE_LENGTH)),
                draw(titles(MAX_TITLE_LENGTH)),
                9000,
                datetime(2025, 5, 1, tzinfo=UTC),
                status=PENDING,
                asked_sek=4000,
            ),
        )
        for j in range(draw(st.integers(0, 2)))
    )
    review = draw(st.sampled_from([None, INVITED, HELD]))
    actions = draw(action_items(who))
    cycle = CycleRecord(who, Q2, review=Review(status=review, invited_on=TODAY), actions=actions)
    return MemberFacts(employee, cycle if review or actions else None, requests, away=draw(st.none() | periods(who)))


@st.composite
def action_items(draw, who: str):
    """Open (and ticked) actions of the pair's 1:1s, as many as a record carries."""
    texts = draw(st.lists(titles(MAX_ACTION_LENGTH), max_size=MAX_CARRIED))
    done = st.none() | st.just(TODAY)
    return tuple(ActionItem(f"{who}-a{i}", t, Q2, done_on=draw(done)) for i, t in enumerate(texts))


@st.composite
def periods(draw, who: str, index: int = 0):
    start = draw(st.dates(date(2025, 1, 1), date(2026, 12, 31)))
    length = draw(st.integers(0, MAX_PERIOD_DAYS - 1))
    return TimeOff(f"{who}-t{index}", start, start + timedelta(days=length), draw(st.sampled_from(KINDS)), NOW)


@st.composite
def homes(draw):
    size = draw(st.integers(0, 120))
    team = tuple(draw(members(i)) for i in range(size))
    lead = Employee("lead", draw(titles(MAX_NAME_LENGTH)), "lead@ij.se", "project_lead", None, date(2025, 1, 2))
    lead = Employee(**{**lead.__dict__, "goals": draw(goals("lead"))})
    moved = draw(st.none() | st.dates(TODAY, date(2026, 12, 31)))
    advancement = tuple(draw(st.lists(titles(500), max_size=5)))
    plan = PlanFacts(lead, None, TODAY, None, False, advancement=advancement, moved_deadline=moved)
    away = tuple(draw(periods("lead", i)) for i in range(draw(st.integers(0, 8))))
    own = tuple(a for a in draw(action_items("lead")) if a.open)
    wallet = Wallet.opened("lead", 2025, None)
    facts = HomeFacts(plan, wallet, team, time_off=away, actions=own, actions_quarter=Q2 if own else None)
    return draw(st.sampled_from(["sv", "en"])), facts


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(homes())
def test_every_home_and_its_more_modal_is_one_slack_takes_and_nobody_is_lost(case):
    lang, facts = case
    view = home_view(lang, facts)
    assert block_kit.problems("home", view["blocks"], view) == []
    modal = more_modal(lang, facts)
    assert block_kit.problems("modal", modal["blocks"], modal) == []
    shown = json.dumps(view, ensure_ascii=False)
    has_more = any(e.get("action_id") == HOME_MORE for b in view["blocks"] for e in b.get("elements", []))
    missing = [f for f in facts.team if json.dumps(f.member.name, ensure_ascii=False)[1:-1] not in shown]
    assert not missing or has_more  # whoever is not on the Home is behind Visa mer


def test_a_large_team_is_cut_at_whole_people_and_the_rest_listed_then_counted():
    team = tuple(
        MemberFacts(
            Employee(f"m{i}", f"Person {i:03d}", f"m{i}@ij.se", "developer", "lead", date(2025, 1, 7)),
            CycleRecord(f"m{i}", Q2, review=Review(status=INVITED, invited_on=TODAY)),
        )
        for i in range(400)
    )
    lead = Employee("lead", "Bo", "bo@ij.se", "project_lead", None, date(2025, 1, 2))
    facts = HomeFacts(PlanFacts(lead, None, TODAY, None, False), None, team)
    view = home_view("sv", facts)
    assert len(view["blocks"]) <= 100 and block_kit.problems("home", view["blocks"], view) == []
    text = json.dumps(view, ensure_ascii=False)
    assert "Person 000" in text and "Person 399" not in text
    assert "… och" in text and "Visa mer" in text


def test_pack_never_exceeds_the_limit_and_keeps_every_line():
    lines = ["x" * 1000, "y" * 2500, "z" * 5000, "w"]
    packed = pack(lines)
    assert all(len(t) <= 3000 for t, _ in packed) and sum(n for _, n in packed) == len(lines)
    assert packed[2][0].endswith("…")


def section(text):
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def button(action_id, label="Ok"):
    return {"type": "button", "action_id": action_id, "text": {"type": "plain_text", "text": label}, "value": "v"}


def test_the_validator_refuses_what_slack_refuses():
    assert block_kit.problems("home", [section("ok")] * 100) == []
    assert block_kit.problems("home", [section("ok")] * 101)
    assert block_kit.problems("message", [section("ok")] * 51)
    assert block_kit.problems("home", [section("x" * 3001)])
    assert block_kit.problems("home", [{**section("ok"), "fields": [{"type": "mrkdwn", "text": "f"}] * 11}])
    assert block_kit.problems("home", [{"type": "actions", "elements": [button("a"), button("a")]}])
    assert block_kit.problems("home", [{"type": "actions", "elements": [button("a", "x" * 76)]}])
    assert block_kit.problems("home", [{"type": "actions", "block_id": "b", "elements": [button("a")]}] * 2)
    assert block_kit.problems("home", [{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}])
    assert block_kit.problems("modal", [], {"type": "modal", "title": {"type": "plain_text", "text": "t" * 25}})
