"""App Home's time off and open 1:1 actions: the person's periods with Avboka and the Ledig modal
(through the very service of `/utveckling ledig`), the moved deadline, the open actions with the
agenda's Klar; the lead's table with who is away today and the count of open actions. Both
languages, every view through the Block Kit validator, and both Homes refreshed on a change."""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime

import pytest

from devplan.domain.calendar import Quarter
from devplan.domain.cycle_record import CycleRecord
from devplan.domain.goals import first_goal_deadline
from devplan.domain.meeting_notes import ActionItem
from devplan.messages.dates import format_range
from devplan.messages.home_team import compact_line
from devplan.messages.meeting_notes import NOTE_ACTION_DONE, action_ref
from devplan.messages.time_off_form import TIME_OFF_CANCEL, TIME_OFF_FORM, TIME_OFF_OPEN
from devplan.messages.time_off_form import time_off_form as modal_view
from devplan.services import home, meeting_notes, time_off, time_off_form
from devplan_tools.stand_in import block_kit
from devplan_tools.stand_in.views import Views
from tests.fakes import FakeSlack, InMemoryStore

DAY = date(2025, 6, 16)  # a Monday in Q2
NOW = datetime(2025, 6, 16, 8, tzinfo=UTC)
Q2 = Quarter(2025, 2)
START = date(2025, 1, 7)


def person(name, *, lead, role="coach", language="sv", start=START):
    first = name.split()[0]
    return {
        "name": name,
        "email": f"{first.lower()}@ij.se",
        "role": role,
        "leadId": lead,
        "startDate": start.isoformat(),
        "status": "active",
        "language": language,
        "goals": {"deadline": first_goal_deadline(start).isoformat()},
        "slack": {"userId": f"U_{first.upper()}", "homeOpened": True},
        "onboarding": {"status": "welcomed"},
    }


@pytest.fixture
def store():
    s = InMemoryStore(NOW)
    s.set("employees/bo", person("Bo Kvarnsmyr", lead=None, role="project_lead"))
    s.set("employees/maja", person("Maja Berg", lead="bo"))
    s.set("employees/ella", person("Ella Ek", lead="bo", language="en", role="developer"))
    s.set("employees/olle", person("Olle Ek", lead=None, role="project_lead"))
    return s


@pytest.fixture
def slack():
    return FakeSlack()


def valid(view):
    kind = "home" if view["type"] == "home" else "modal"
    assert block_kit.problems(kind, view["blocks"], view) == []
    return view


def shown(view) -> str:
    return json.dumps(view, ensure_ascii=False)


def elements(view) -> list[dict]:
    found = []
    for block in view["blocks"]:
        found += [e for e in block.get("elements", []) if e.get("type") == "button"]
        if block.get("accessory", {}).get("type") == "button":
            found.append(block["accessory"])
    return found


def opened(store, slack, user="U_MAJA", on=DAY) -> dict:
    answer = time_off_form.open_form(store, slack, user, slack.issue_trigger(), on)
    assert answer == {"opened": True}
    return slack.views[-1]


def submission(view: dict, values: dict, user: str, view_id: str = "V0LEDIG1") -> dict:
    view = {**copy.deepcopy(view), "id": view_id, "state": Views.submitted_state(view, values)}
    view.pop("trigger_id", None)
    return {"type": "view_submission", "user": {"id": user}, "view": view}


JULY = {"from": "2025-07-01", "to": "2025-07-31", "kind": "vacation"}


def book_july(store, slack, user="U_MAJA", values=JULY) -> dict[str, str]:
    return time_off_form.submit(store, user, submission(opened(store, slack, user), values, user), NOW)


def homes_emitted(store, before: set[str] = frozenset()) -> set[str]:
    """Whose Home was refreshed (the Slack ids), by outbox messages not in `before`."""
    return {v["users"][0] for k, v in store.collection("outbox").items() if k.startswith("home:") and k not in before}


# --- the modal ---------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_modal_has_two_date_pickers_and_the_three_kinds_in_either_language(lang):
    view = valid(modal_view(lang, employee_id="maja", on=DAY))
    assert view["callback_id"] == TIME_OFF_FORM
    inputs = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert inputs["from"]["type"] == inputs["to"]["type"] == "datepicker"
    assert inputs["from"]["initial_date"] == "2025-06-16"
    assert [o["value"] for o in inputs["kind"]["options"]] == ["vacation", "parental_leave", "other"]
    words = {"sv": ("Semester", "Föräldraledig", "Annat"), "en": ("Vacation", "Parental leave", "Other")}[lang]
    assert [o["text"]["text"] for o in inputs["kind"]["options"]] == list(words)


def test_a_submitted_period_is_booked_as_the_command_books_it_and_both_homes_refreshed(store, slack):
    assert book_july(store, slack) == {}
    [period] = store.employee("maja").time_off.active
    assert (period.time_off_id, period.start, period.end, period.kind) == (
        "slack-2025-07-01-2025-07-31",
        date(2025, 7, 1),
        date(2025, 7, 31),
        "vacation",
    )
    outbox = store.collection("outbox")
    [answer] = [m for k, m in outbox.items() if k.startswith("reply:time-off:maja:")]
    assert answer["users"] == ["U_MAJA"] and "du är ledig från den 1 juli 2025 till den 31 juli 2025" in answer["text"]
    assert any(k.startswith("time-off:maja:") for k in outbox)  # the lead told, as for the command
    assert homes_emitted(store) == {"U_MAJA", "U_BO"}


def test_booking_twice_is_one_period_and_the_command_agrees(store, slack):
    assert book_july(store, slack) == {}
    assert book_july(store, slack) == {}  # a second modal with the same days
    answer = time_off.command(store, "U_MAJA", ["2025-07-01", "2025-07-31", "semester"], NOW)
    assert answer["outcome"] == "unchanged"
    assert len(store.employee("maja").time_off.periods) == 1


@pytest.mark.parametrize(
    ("values", "field", "words"),
    [
        ({**JULY, "from": "2025-08-01"}, "to", "före startdatumet"),
        ({**JULY, "to": "2027-01-31"}, "to", "Högst 550 dagar"),
        ({**JULY, "from": "31 juli"}, "from", "Välj ett datum"),
        ({**JULY, "to": "2025-02-30"}, "to", "Välj ett datum"),
        ({"kind": "vacation"}, "from", "Välj ett datum"),
    ],
)
def test_a_period_that_cannot_be_is_answered_under_its_field_and_nothing_written(store, slack, values, field, words):
    view = opened(store, slack)
    before = copy.deepcopy(store.docs)
    errors = time_off_form.submit(store, "U_MAJA", submission(view, values, "U_MAJA"), NOW)
    assert field in errors and words in errors[field]
    assert store.docs == before


def test_the_errors_come_in_the_persons_language(store, slack):
    view = opened(store, slack, "U_ELLA")
    errors = time_off_form.submit(store, "U_ELLA", submission(view, {**JULY, "to": "2025-06-01"}, "U_ELLA"), NOW)
    assert errors == {"to": "The last day cannot be before the first."}


def test_someone_else_submitting_the_modal_books_nothing(store, slack):
    view = opened(store, slack)  # opened for Maja, submitted by her lead
    before = copy.deepcopy(store.docs)
    errors = time_off_form.submit(store, "U_BO", submission(view, JULY, "U_BO"), NOW)
    assert "någon annan" in errors["from"]
    assert store.docs == before


# --- the person's Home -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "words"),
    [("U_MAJA", "🌴 Ledig 1–31 juli 2025 (semester)"), ("U_ELLA", "🌴 Away 1–31 July 2025 (vacation)")],
)
def test_the_home_shows_a_booked_period_with_avboka_and_the_ledig_button(store, slack, user, words):
    book_july(store, slack, user)
    view = valid(home.view_for(store, user, DAY))
    assert words in shown(view)
    by_action = {e["action_id"]: e for e in elements(view)}
    assert by_action[TIME_OFF_CANCEL]["value"].endswith("|slack-2025-07-01-2025-07-31")
    assert TIME_OFF_OPEN in by_action


def test_a_period_already_over_is_not_shown_and_nothing_booked_says_how_to_pause(store, slack):
    book_july(store, slack)
    view = valid(home.view_for(store, "U_MAJA", date(2025, 8, 4)))
    assert "1 juli" not in shown(view) and "Ingen ledighet inlagd" in shown(view)
    assert TIME_OFF_CANCEL not in {e["action_id"] for e in elements(view)}


def test_the_home_says_the_goal_deadline_moved_by_the_time_off(store, slack):
    start = date(2025, 6, 2)  # new: the first goals are due 10 business days later
    store.set("employees/nya", person("Nya Persson", lead="bo", start=start))
    deadline = first_goal_deadline(start)
    values = {"from": "2025-06-09", "to": "2025-06-13", "kind": "other"}
    assert book_july(store, slack, "U_NYA", values) == {}
    text = shown(valid(home.view_for(store, "U_NYA", date(2025, 6, 5))))
    assert "Din deadline för målen är flyttad till" in text
    assert f"(var den {deadline.day} juni 2025)" in text


def test_avboka_cancels_the_persons_own_period_and_refreshes_both_homes(store, slack):
    book_july(store, slack)
    value = "maja|slack-2025-07-01-2025-07-31"
    before = set(store.collection("outbox"))
    store.now = datetime(2025, 6, 16, 9, tzinfo=UTC)  # a later transaction: a Home version of its own
    refused = time_off_form.cancel_click(store, "U_BO", value, DAY)  # her lead cannot cancel it
    assert refused["outcome"] == "not_yours" and store.employee("maja").time_off.active
    answer = time_off_form.cancel_click(store, "U_MAJA", value, DAY)
    assert answer["outcome"] == "cancelled" and "avbokad" in answer["text"]
    assert not store.employee("maja").time_off.active
    assert homes_emitted(store, before) == {"U_MAJA", "U_BO"}
    assert time_off_form.cancel_click(store, "U_MAJA", value, DAY)["outcome"] == "already_cancelled"


def action_record(store, employee_id="maja", texts=("Boka kursen i motiverande samtal", "Läs boken")) -> CycleRecord:
    actions = tuple(ActionItem(f"2025-Q1-{i}", t, Quarter(2025, 1)) for i, t in enumerate(texts))
    record = CycleRecord(employee_id, Q2, opened_on=date(2025, 4, 1), actions=actions)
    store.atomically(lambda uow: uow.save_cycle(record))
    return record


def test_the_persons_home_shows_the_open_actions_each_with_the_agendas_klar(store):
    action_record(store)
    view = valid(home.view_for(store, "U_MAJA", DAY))
    assert "Boka kursen i motiverande samtal" in shown(view) and "Läs boken" in shown(view)
    klar = [e for e in elements(view) if e["action_id"] == NOTE_ACTION_DONE]
    assert [e["value"] for e in klar] == [action_ref("maja", Q2, "2025-Q1-0"), action_ref("maja", Q2, "2025-Q1-1")]


def test_klar_from_the_home_ticks_it_off_and_refreshes_both_homes(store):
    action_record(store)
    value = action_ref("maja", Q2, "2025-Q1-1")
    assert meeting_notes.tick(store, value, "U_MAJA", DAY) == "done"
    assert homes_emitted(store) == {"U_MAJA", "U_BO"}
    view = valid(home.view_for(store, "U_MAJA", DAY))
    assert "Läs boken" not in shown(view) and "Boka kursen" in shown(view)


def test_before_the_quarter_opens_the_last_quarters_open_actions_are_shown(store):
    record = CycleRecord("maja", Q2, opened_on=date(2025, 4, 1), actions=(ActionItem("2025-Q2-a", "Ring Bo", Q2),))
    store.atomically(lambda uow: uow.save_cycle(record))
    view = valid(home.view_for(store, "U_MAJA", date(2025, 7, 1)))  # Q3: no record yet
    [klar] = [e for e in elements(view) if e["action_id"] == NOTE_ACTION_DONE]
    assert klar["value"] == action_ref("maja", Q2, "2025-Q2-a") and "Ring Bo" in shown(view)


# --- the lead's table --------------------------------------------------------------------------


def test_the_leads_table_shows_who_is_away_today_and_until_when(store, slack):
    book_july(store, slack)
    on_leave = shown(valid(home.view_for(store, "U_BO", date(2025, 7, 14))))
    assert "*Ledig*\\ntill den 31 juli 2025 (semester)" in on_leave
    before = shown(valid(home.view_for(store, "U_BO", DAY)))  # booked, not away yet
    assert "*Ledig*" not in before


def test_the_leads_table_shows_the_count_and_the_first_action_clipped_never_the_rest(store):
    long_one = "Boka kursen i motiverande samtal och läs de tre kapitlen om öppna frågor före nästa 1:1"
    action_record(store, texts=(long_one, "Hemlig andra punkt"))
    view = valid(home.view_for(store, "U_BO", DAY))
    text = shown(view)
    assert "*Åtgärder från 1:1*\\n2 öppna: Boka kursen i motiverande samtal och läs de tre kapitlen om…" in text
    assert "Hemlig andra punkt" not in text and long_one not in text
    assert NOTE_ACTION_DONE not in {e["action_id"] for e in elements(view)}  # Bo has no actions of his own


def test_another_leads_home_shows_nothing_of_maja(store, slack):
    book_july(store, slack)
    action_record(store)
    text = shown(valid(home.view_for(store, "U_OLLE", date(2025, 7, 14))))
    assert "Maja" not in text and "Boka kursen" not in text and "31 juli" not in text


def test_the_homes_are_refreshed_as_of_the_day_the_modal_was_opened_a_simulated_one_too(store, slack):
    may = date(2025, 5, 6)  # the demo's day, while the clock says 16 June
    view = opened(store, slack, on=may)
    assert time_off_form.submit(store, "U_MAJA", submission(view, JULY, "U_MAJA"), NOW) == {}
    days = {k.split(":")[2] for k in store.collection("outbox") if k.startswith("home:")}
    assert days == {"2025-05-06"}


@pytest.mark.parametrize(
    ("lang", "start", "end", "written"),
    [
        ("sv", date(2025, 7, 1), date(2025, 7, 31), "1–31 juli 2025"),
        ("sv", date(2025, 6, 30), date(2025, 8, 4), "30 juni – 4 augusti 2025"),
        ("sv", date(2025, 12, 22), date(2026, 1, 6), "22 december 2025 – 6 januari 2026"),
        ("en", date(2025, 7, 1), date(2025, 7, 1), "1 July 2025"),
        ("en", date(2025, 6, 30), date(2025, 8, 4), "30 June – 4 August 2025"),
    ],
)
def test_a_period_is_written_with_its_shared_month_and_year_once(lang, start, end, written):
    assert format_range(lang, start, end) == written


def test_a_member_listed_in_one_line_still_says_until_when_they_are_away(store, slack):
    book_july(store, slack)
    lead = store.employee("bo")
    facts = home.team_facts(store, lead, date(2025, 7, 14))
    maja = next(f for f in facts if f.member.employee_id == "maja")
    assert compact_line("sv", maja, Quarter(2025, 3)).endswith(" · ledig till den 31 juli 2025")
    ella = next(f for f in facts if f.member.employee_id == "ella")
    assert "ledig" not in compact_line("sv", ella, Quarter(2025, 3))
