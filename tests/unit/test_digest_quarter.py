"""A past quarter's digest and HR report tell the quarter as it was: its teams as its opening
recorded them (a lead who left since, or a member who moved to another lead, changes no closed
quarter), without anyone who had left before it began, and a goal counted as set only in the
quarter it was agreed in. Whoever leads someone gets the digest, whatever their role; and the
CSV for HR never hands a spreadsheet a formula."""

import csv
import io
from dataclasses import replace
from datetime import date

from devplan.domain.calendar import Quarter
from devplan.domain.digest import Figures, PersonFigures, TeamDigest, person_figures
from devplan.domain.quarter_close import carried_over
from devplan.services import digest, platform_events, quarterly_cycle
from devplan.services.inputs import EmployeeChunk
from tests.unit.goal_support import Q2, event, give_goals, live_goal, person, workspace

Q3, Q4 = Quarter.parse("2025-Q3"), Quarter.parse("2025-Q4")
Q2_OPENING, Q3_OPENING, Q4_OPENING = date(2025, 4, 1), date(2025, 7, 1), date(2025, 10, 1)
EVERYONE = ("bo", "anna", "erik")


def open_on(store, day, ids=EVERYONE):
    return quarterly_cycle.run_chunk(EmployeeChunk(day, ids, f"tick-{day}"), store)


def teams(store, quarter):
    """The HR report's teams: (lead, members) by id."""
    return [(d.lead_id, [p.employee_id for p in d.people]) for d in digest.team_digests(store, quarter)]


def members(store, lead_id, quarter):
    return [p.employee_id for p in digest.team_digest_of(store, store.employee(lead_id), quarter).people]


def leaves(store, employee_id, at):
    platform_events.handle(event("employee.offboarded", {"employeeId": employee_id}, at=at), store)


def test_a_goal_carried_over_counts_as_set_only_in_the_quarter_it_was_agreed_in():
    store = workspace()
    give_goals(store, "anna", live_goal("a1", 5, None))  # agreed on 2 April: Q2
    anna = store.employee("anna")
    anna = replace(anna, goals=carried_over(anna.goals, Q3))  # still open at the close: into Q3
    assert person_figures(anna, Q2, None, None) == Figures(goals_set=1, missed=1)
    # In Q3 it was not agreed again: not set there, but still open (missed or carried over).
    assert person_figures(anna, Q3, None, None) == Figures(goals_set=0, missed=1)


def test_someone_who_left_before_a_quarter_began_is_not_in_its_digest_or_report():
    store = workspace()
    leaves(store, "erik", "2025-05-15T09:00:00+02:00")  # during Q2
    assert members(store, "bo", Q2) == ["anna", "erik"]  # he was on the team in Q2
    assert members(store, "bo", Q3) == ["anna"]
    assert teams(store, Q3) == [("bo", ["anna"])]


def test_the_opening_records_each_persons_lead_on_the_quarter():
    store = workspace()
    open_on(store, Q2_OPENING)
    assert store.get("cycles/anna:2025-Q2")["leadId"] == "bo"
    bo = store.get("cycles/bo:2025-Q2")
    assert "leadId" in bo and bo["leadId"] is None  # recorded: no lead (not "unknown")


def test_a_team_stays_in_its_quarters_report_after_its_lead_left():
    store = workspace()
    open_on(store, Q2_OPENING)
    assert teams(store, Q2) == [("bo", ["anna", "erik"])]
    leaves(store, "bo", "2025-07-20T09:00:00+02:00")
    assert teams(store, Q2) == [("bo", ["anna", "erik"])]
    # Quarters without a recorded lead (opened before it was kept) fall back to today's lead,
    # who is not asked to be active either.
    assert teams(store, Quarter.parse("2025-Q1")) == [("bo", ["anna", "erik"])]


def test_a_member_who_moved_to_another_lead_stays_in_the_old_leads_closed_quarter():
    store = workspace()
    store.set("employees/carl", person("Carl Ek", "carl@innerjourney.se", "project_lead", None, "U_CARL"))
    open_on(store, Q2_OPENING, (*EVERYONE, "carl"))
    moved = event("employee.updated", {"employeeId": "anna", "leadId": "carl"}, at="2025-08-10T09:00:00+02:00")
    platform_events.handle(moved, store)
    assert teams(store, Q2) == [("bo", ["anna", "erik"])]
    assert members(store, "carl", Q2) == [] and members(store, "bo", Q2) == ["anna", "erik"]
    # Q3 was not opened here: no lead recorded, so today's stands in; Q4's opening records Carl.
    assert teams(store, Q3) == [("bo", ["erik"]), ("carl", ["anna"])]
    open_on(store, Q4_OPENING, (*EVERYONE, "carl"))
    assert teams(store, Q4) == [("bo", ["erik"]), ("carl", ["anna"])]


def test_whoever_leads_someone_gets_the_digest_whatever_their_role():
    store = workspace()
    store.set("employees/erik", {**store.get("employees/erik"), "leadId": "anna"})  # Anna, a coach, leads Erik
    open_on(store, Q3_OPENING)
    outcome = open_on(store, date(2025, 7, 2))  # the business day after the opening
    anna = store.get("outbox/digest:anna:2025-Q2")
    assert anna["users"] == ["U_ANNA"] and [p["employeeId"] for p in anna["chart"]["people"]] == ["erik"]
    bo = store.get("outbox/digest:bo:2025-Q2")
    assert [p["employeeId"] for p in bo["chart"]["people"]] == ["anna"]
    # Erik leads nobody: nothing sent, and his quarter's record says it was looked at (not again).
    assert "outbox/digest:erik:2025-Q2" not in store.docs
    assert "quarter-digest" in store.get("cycles/erik:2025-Q3")["done"]
    assert sum(outcome.values()) == 3
    assert open_on(store, date(2025, 7, 3)) == {"nothing_due": 3}


def test_csv_cells_a_spreadsheet_would_run_as_formulas_stay_text():
    from devplan_tools import report

    q2 = Quarter.parse("2025-Q2")
    people = tuple(
        PersonFigures(f"p{n}", name, Figures(goals_set=n))
        for n, name in enumerate(('=HYPERLINK("https://x.example")', "+46 Anna", "-Maja", "@Bo", "Ann=a", "\tTab"))
    )
    out = io.StringIO()
    report.write_csv([TeamDigest("lead", "=1+1", q2, people)], "sv", out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert [r[1] for r in rows[1:-1]] == [
        '\'=HYPERLINK("https://x.example")',
        "'+46 Anna",
        "'-Maja",
        "'@Bo",
        "Ann=a",
        "'\tTab",
    ]
    assert {r[0] for r in rows[1:]} == {"'=1+1"}
    assert [r[2] for r in rows[1:]] == ["0", "1", "2", "3", "4", "5", "15"]  # figures stay numbers


def test_the_digests_day_asks_the_store_two_queries_for_a_chunk_not_two_per_person():
    """Firestore charges a read per query even when it finds nobody, and most people lead nobody:
    the whole chunk's teams are asked at once (one `in` query per 30 leads and kind)."""
    store = workspace()
    store.set("employees/carl", person("Carl Ek", "carl@innerjourney.se", "project_lead", None, "U_CARL"))
    store.set("employees/erik", {**store.get("employees/erik"), "leadId": "carl"})
    chunk = (*EVERYONE, "carl")
    open_on(store, Q2_OPENING, chunk)
    open_on(store, Q3_OPENING, chunk)
    asked: list[tuple[str, list]] = []
    query = store.memory.query

    def counted(collection, filters, **kwargs):
        asked.append((collection, list(filters)))
        return query(collection, filters, **kwargs)

    store.memory.query = counted
    open_on(store, date(2025, 7, 2), chunk)  # the digest's day: everyone asks about last quarter
    assert sorted(c for c, f in asked if any(field == "leadId" for field, _, _ in f)) == ["cycles", "employees"]
    bo, carl = store.get("outbox/digest:bo:2025-Q2"), store.get("outbox/digest:carl:2025-Q2")
    assert [p["employeeId"] for p in bo["chart"]["people"]] == ["anna"]
    assert [p["employeeId"] for p in carl["chart"]["people"]] == ["erik"]
    assert "outbox/digest:anna:2025-Q2" not in store.docs and "outbox/digest:erik:2025-Q2" not in store.docs
