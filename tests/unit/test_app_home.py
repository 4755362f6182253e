"""App Home: what the person and a lead see, the buttons that act from it, who sees what, and
when it is published (through the outbox, rendered at send time from the newest state)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from devplan.domain.calendar import Quarter
from devplan.domain.cycle_record import INVITED, CycleRecord, Review
from devplan.domain.goals import first_goal_deadline
from devplan.domain.reflections import Reflection
from devplan.domain.smart import Draft, Measure
from devplan.domain.wallet import TrainingRequest
from devplan.messages import goals as goal_messages
from devplan.messages import wallet as wallet_messages
from devplan.messages.cycle import MARK_HELD_ACTION
from devplan.messages.goals import OPEN_GOAL_FORM, OPEN_REFLECTION_FORM
from devplan.messages.home import HOME_MORE
from devplan.messages.time_off_form import TIME_OFF_OPEN
from devplan.services import delivery, goals, home, home_refresh, journal, wallet
from devplan_tools.stand_in import block_kit
from tests.fakes import FakeSlack, InMemoryStore

START = date(2025, 1, 7)
Q2 = Quarter(2025, 2)
DAY = date(2025, 4, 14)
SESSIONS = Measure("genomförda coachingsessioner", 20, unit="sessioner")
SECRET = "HEMLIGT: det här skrev Maja bara för sig själv"


def person(name, *, lead, role="coach", language="sv"):
    first = name.split()[0]
    return {
        "name": name,
        "email": f"{first.lower()}@ij.se",
        "role": role,
        "leadId": lead,
        "startDate": START.isoformat(),
        "status": "active",
        "language": language,
        "goals": {"deadline": first_goal_deadline(START).isoformat()},
        "slack": {"userId": f"U_{first.upper()}"},
        "onboarding": {"status": "welcomed"},
    }


@pytest.fixture
def store():
    s = InMemoryStore(datetime(2025, 4, 14, 8, tzinfo=UTC))
    s.set("employees/bo", person("Bo Joel Kvarnsmyr", lead=None, role="project_lead"))
    s.set("employees/maja", person("Maja Berg", lead="bo"))
    s.set("employees/anna", person("Anna Svensson", lead="bo", role="developer"))
    s.set("employees/eva", person("Eva Lind", lead=None, role="project_lead"))
    s.set("employees/olle", person("Olle Ek", lead="eva", role="developer"))
    return s


def plan_step(store, employee_id, change, day=DAY):
    store.atomically(
        lambda uow: goals.save_plan(uow, uow.employee(employee_id), change(uow.employee(employee_id).goals), day)
    )


def propose(goal_id, title, *, by="employee", measure=SESSIONS):
    return lambda plan: plan.propose(goal_id, Q2, Draft(title, measure, None, None, None), by, DAY)[0]


def agree(goal_id, by="lead"):
    return lambda plan: plan.agree(goal_id, Q2, by, DAY)[0]


def progress(goal_id, value):
    return lambda plan: plan.with_progress(goal_id, Q2, value, DAY)[0]


def shown(view) -> str:
    return json.dumps(view, ensure_ascii=False)


def valid(view) -> dict:
    assert block_kit.problems(view["type"], view["blocks"], view) == []
    return view


def buttons(view) -> list[dict]:
    found = []
    for block in view["blocks"]:
        found += [e for e in block.get("elements", []) if e.get("type") == "button"]
    return found


def seed_maja(store):
    """Maja: a goal agreed at 12 of 20 sessions, the 1:1 invited, one private reflection, a course."""
    plan_step(store, "maja", propose("g1", "Tjugo coachingsessioner"))
    plan_step(store, "maja", agree("g1"))
    plan_step(store, "maja", progress("g1", 12))
    review = Review(status=INVITED, invited_on=date(2025, 4, 1))
    store.atomically(lambda uow: uow.save_cycle(CycleRecord("maja", Q2, opened_on=date(2025, 4, 1), review=review)))
    reflection = Reflection("maja", "j1", datetime(2025, 4, 10, 9, tzinfo=UTC), date(2025, 4, 10), went_well=SECRET)
    store.atomically(lambda uow: journal.record(uow, reflection))
    course = TrainingRequest("r1", "Motiverande samtal", "Coachakademin", 1200, datetime(2025, 3, 3, tzinfo=UTC))
    store.atomically(lambda uow: wallet.add_request(uow, uow.employee("maja"), course))


def test_the_persons_home_shows_goals_deadline_1_1_reflections_budget_advancement_and_the_form_buttons(store):
    seed_maja(store)
    view = valid(home.view_for(store, "U_MAJA", DAY))
    text = shown(view)
    assert view["type"] == "home" and "Din utvecklingsplan, Maja Berg" in text
    assert "Tjugo coachingsessioner* – överenskommet" in text and "▓▓▓▓░░░░ 12/20 sessioner" in text
    assert "Nästa målrevidering: i början av Q3 2025" in text  # the deadline that applies now (goals agreed)
    assert "1:1 Q2 2025" in text and "Med Bo Joel Kvarnsmyr: inbjudan skickad den 1 april 2025" in text
    assert "Reflektioner Q2 2025" in text and "1 st, den senaste den 10 april 2025" in text
    assert (
        "Utbildningsbudget 2025" in text and "1\u00a0200\u00a0kr använt" in text and "3\u00a0800\u00a0kr kvar" in text
    )
    assert "sessioner" in text and "/20" in text  # the way toward Senior Coach (advancement_status)
    assert {b["action_id"] for b in buttons(view)} == {OPEN_GOAL_FORM, OPEN_REFLECTION_FORM, TIME_OFF_OPEN}


def test_a_held_1_1_says_when_and_with_whom(store):
    seed_maja(store)
    review = Review(status="held", invited_on=date(2025, 4, 1), held_on=date(2025, 4, 9))
    store.atomically(lambda uow: uow.save_cycle(replace(uow.cycle("maja", Q2), review=review)))
    assert "Med Bo Joel Kvarnsmyr: genomförd den 9 april 2025 ✅" in shown(home.view_for(store, "U_MAJA", DAY))


def test_a_person_without_goals_sees_where_to_start_and_the_button_to_do_it(store):
    view = valid(home.view_for(store, "U_ANNA", DAY))
    text = shown(view)
    assert "Inga mål för Q2 2025 ännu. Börja med att föreslå ett mål" in text
    assert "Inga ännu. En kort reflektion när det passar räcker" in text
    assert "5\u00a0000\u00a0kr kvar" in text
    assert OPEN_GOAL_FORM in {b["action_id"] for b in buttons(view)}


def test_someone_not_in_the_plan_gets_a_short_explanation():
    view = valid(home.view_for(InMemoryStore(), "U_NOBODY", DAY))
    assert "Jag hittar ingen plan för dig ännu" in shown(view) and not buttons(view)


def test_the_lead_sees_the_team_as_a_table_with_the_very_buttons_of_the_messages(store):
    seed_maja(store)
    plan_step(store, "anna", propose("a1", "Driftsätta VedAstro API", measure=Measure("steg", 3, unit="steg")))
    plan_step(store, "maja", progress("g1", 20))  # reached: awaiting Bo's confirmation
    over = TrainingRequest("r2", "AWS-certifiering", "Amazon", 9000, datetime(2025, 4, 2, tzinfo=UTC))
    store.atomically(lambda uow: wallet.add_request(uow, uow.employee("anna"), over))
    view = valid(home.view_for(store, "U_BO", DAY))
    text = shown(view)
    assert "Ditt team" in text and "*Anna Svensson* · " in text and "*Maja Berg* · " in text
    assert "*Mål att godkänna*\\n1" in text and "*1:1 Q2 2025*\\ninte genomförd" in text
    anna, maja = store.employee("anna"), store.employee("maja")
    proposal = goal_messages.proposal(
        "sv", proposer="Anna", employee="Anna", employee_id="anna", goal=anna.goals.goal("a1")
    )
    confirm = goal_messages.achievement_request("sv", employee="Maja", employee_id="maja", goal=maja.goals.goal("g1"))
    wallet_year = store.atomically(lambda uow: uow.wallet("anna", 2025, None))
    ask = wallet_messages.over_budget(
        "sv", employee="Anna", employee_id="anna", wallet=wallet_year, request=wallet_year.requests["r2"]
    )
    in_messages = {(e["action_id"], e["value"]) for r in (proposal, confirm, ask) for e in r.blocks[-1]["elements"]}
    on_home = {(b["action_id"], b.get("value")) for b in buttons(view)}
    assert in_messages <= on_home  # Godkänn/Föreslå ändring, Bekräfta/Inte än, Godkänn ökning/Avslå: the same
    assert (MARK_HELD_ACTION, "maja|2025-Q2") in on_home


def test_privacy_nobody_sees_a_reflections_text_and_a_lead_sees_only_their_own_team(store):
    seed_maja(store)
    olle = TrainingRequest("r9", "Olles hemliga kurs", "X", 99_000, datetime(2025, 4, 2, tzinfo=UTC))
    store.atomically(lambda uow: wallet.add_request(uow, uow.employee("olle"), olle))
    views = {user: shown(home.view_for(store, user, DAY)) for user in ("U_MAJA", "U_BO", "U_EVA", "U_ANNA", "U_OLLE")}
    assert all(SECRET not in v for v in views.values())
    assert "Olle" not in views["U_BO"] and "Olles hemliga kurs" not in views["U_BO"]
    assert (
        "Maja" not in views["U_EVA"]
        and "Motiverande samtal" not in views["U_EVA"]
        and "Olles hemliga kurs" in views["U_EVA"]
    )
    assert "Ditt team" not in views["U_MAJA"] and "Anna" not in views["U_MAJA"]  # no team, nor a colleague's data
    assert "Maja" not in views["U_ANNA"] and "1\u00a0200" not in views["U_ANNA"]  # not Maja's wallet


def test_english_home(store):
    store.set("employees/bo", {**person("Bo Joel Kvarnsmyr", lead=None, role="project_lead", language="en")})
    seed_maja(store)
    text = shown(valid(home.view_for(store, "U_BO", DAY)))
    assert "Your development plan, Bo Joel Kvarnsmyr" in text and "Your team" in text and "*Goals to agree*" in text


def test_visa_mer_opens_the_whole_team_in_a_modal(store):
    slack = FakeSlack()
    answer = home.open_more(store, slack, "U_BO", slack.issue_trigger(), DAY)
    assert answer == {"opened": True}
    modal = valid(slack.views[0])
    assert "Anna Svensson" in shown(modal) and "Maja Berg" in shown(modal) and "Olle" not in shown(modal)


# --- publication -------------------------------------------------------------------------------


def home_outbox(store) -> list[str]:
    return sorted(k for k in store.collection("outbox") if k.startswith("home:"))


def send_all(store, slack) -> None:
    for message_id in home_outbox(store):
        delivery.deliver(message_id, "event-1", store, slack, store.now)


def test_opening_home_publishes_it_once_per_event_and_remembers_to_keep_it_fresh(store):
    slack = FakeSlack()
    assert home_refresh.opened(store, "U_MAJA", "Ev1", DAY) == {"outcome": "published"}
    assert home_refresh.opened(store, "U_MAJA", "Ev1", DAY) == {"outcome": "duplicate"}  # Slack's retry
    assert home_outbox(store) == ["home:maja:2025-04-14:Ev1"] and store.employee("maja").home_opened
    send_all(store, slack)
    send_all(store, slack)  # sent: never again
    assert len(slack.homes["U_MAJA"]) == 1 and "Din utvecklingsplan, Maja Berg" in shown(slack.homes["U_MAJA"][0])


def test_a_change_refreshes_the_home_of_the_person_and_their_lead_once_they_opened_it(store):
    plan_step(store, "maja", propose("g1", "Tjugo coachingsessioner"))
    assert home_outbox(store) == []  # nobody opened a Home: nothing to keep fresh, no views.publish spent
    home_refresh.opened(store, "U_BO", "EvBo", DAY)
    home_refresh.opened(store, "U_MAJA", "EvMaja", DAY)
    before = set(home_outbox(store))
    plan_step(store, "maja", agree("g1"))
    added = set(home_outbox(store)) - before
    assert {m.split(":")[1] for m in added} == {"maja", "bo"}


def test_the_home_is_rendered_when_sent_so_the_newest_state_wins(store):
    slack = FakeSlack()
    home_refresh.opened(store, "U_MAJA", "Ev1", DAY)
    plan_step(store, "anna", propose("a1", "Anna's mål"))  # not Maja's: no refresh of hers
    store.set(
        "employees/maja", {**store.docs["employees/maja"], "name": "Maja Berg-Ek"}
    )  # changed since it was emitted
    send_all(store, slack)
    assert "Maja Berg-Ek" in shown(slack.homes["U_MAJA"][-1])


def test_a_view_slack_would_refuse_is_marked_failed_not_retried_forever(store, monkeypatch):
    slack = FakeSlack()
    home_refresh.opened(store, "U_MAJA", "Ev1", DAY)
    broken = {"type": "home", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}]}
    monkeypatch.setattr(home, "view_for", lambda *args: broken)
    assert delivery.deliver("home:maja:2025-04-14:Ev1", "event-1", store, slack, store.now) == "failed"
    assert "U_MAJA" not in slack.homes


def test_the_more_button_is_routed(store):
    from devplan.services.slack_routes import routes

    assert ("block_actions", HOME_MORE) in routes(store, FakeSlack(), lambda: store.now)
    assert ("event", "app_home_opened") in routes(store, FakeSlack(), lambda: store.now)


def test_a_click_on_homes_bekrafta_confirms_once_and_refreshes_both_homes(store):
    from devplan.messages.goals import GOAL_CONFIRM
    from devplan.services.inputs import SlackRequest
    from devplan.services.slack_routes import routes

    seed_maja(store)
    plan_step(store, "maja", progress("g1", 20))  # reached: waiting for Bo
    home_refresh.opened(store, "U_BO", "EvBo", DAY)
    home_refresh.opened(store, "U_MAJA", "EvMaja", DAY)
    view = home.view_for(store, "U_BO", DAY)
    value = next(b["value"] for b in buttons(view) if b["action_id"] == GOAL_CONFIRM)
    before = set(home_outbox(store))
    stamp = f"{datetime(2025, 4, 14, 9, tzinfo=UTC).timestamp():.6f}"
    payload = {"actions": [{"action_id": GOAL_CONFIRM, "value": value, "action_ts": stamp}], "user": {"id": "U_BO"}}
    table = routes(store, FakeSlack(), lambda: store.now)
    answer = table[("block_actions", GOAL_CONFIRM)](SlackRequest("block_actions", GOAL_CONFIRM, "U_BO", payload))
    assert answer["outcome"] == "achieved" and store.employee("maja").goals.goal("g1").status == "achieved"
    assert {m.split(":")[1] for m in set(home_outbox(store)) - before} == {"maja", "bo"}
    assert GOAL_CONFIRM not in {b["action_id"] for b in buttons(home.view_for(store, "U_BO", DAY))}


def test_the_quarters_opening_refreshes_each_home_once_and_the_lead_once_for_the_whole_team(store):
    from devplan.services import quarterly_cycle
    from devplan.services.inputs import EmployeeChunk

    for user in ("U_BO", "U_MAJA", "U_ANNA"):
        home_refresh.opened(store, user, f"Ev{user}", DAY)
    before = set(home_outbox(store))
    quarterly_cycle.run_chunk(EmployeeChunk(date(2025, 7, 1), ("bo", "maja", "anna"), "m-q3"), store)
    opened = sorted(set(home_outbox(store)) - before)
    assert opened == [f"home:{e}:2025-07-01:opened-2025-Q3" for e in ("anna", "bo", "maja")]
    slack = FakeSlack()
    send_all(store, slack)
    assert "inbjudan skickad den 1 juli 2025" in shown(slack.homes["U_MAJA"][-1])
    assert "*1:1 Q3 2025*\\ninte genomförd" in shown(slack.homes["U_BO"][-1])
