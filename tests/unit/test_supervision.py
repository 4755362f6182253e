"""Supervision: the lead (or the platform) assigns a Senior Coach to a coach; the least-loaded
Senior Coach is suggested when none is; the pair get one nudge a month in a group DM, and the
month's session counts once, marked by one of the two."""

from __future__ import annotations

from datetime import date

from devplan.domain.calendar import Quarter
from devplan.services import supervision
from devplan.services.plan_status import plan_status_for
from devplan.services.quarterly_cycle import apply_day
from tests.unit.goal_support import event, handle, person, sent, workspace


def team():
    """Anna coaches (not Senior); Sara and Tove are Senior Coaches; Tove supervises Ulf already."""
    store = workspace()
    for employee_id, name, slack, level, supervisor in (
        ("sara", "Sara Senior", "U_SARA", "senior_coach", None),
        ("tove", "Tove Senior", "U_TOVE", "senior_coach", None),
        ("ulf", "Ulf Coach", "U_ULF", None, "tove"),
    ):
        doc = person(name, f"{employee_id}@innerjourney.se", "coach", "bo", slack)
        store.set(f"employees/{employee_id}", {**doc, "level": level, "supervisorId": supervisor})
    return store


def assigned(coach: str = "anna", supervisor: str = "sara", **kwargs):
    return event("coaching.supervisor_assigned", {"coachId": coach, "supervisorId": supervisor}, **kwargs)


def command(store, text: str, user: str = "U_BO"):
    return supervision.assign_command(store, user, text)


def test_the_platform_assigns_a_senior_coach_and_both_are_told_once():
    store = team()
    assert handle(store, assigned(event_id="a1"), assigned(event_id="a1")) == ["assigned", "duplicate"]
    assert handle(store, assigned()) == ["already_assigned"]
    assert store.get("employees/anna")["supervisorId"] == "sara"
    told = sent(store, "supervisor assigned")
    assert sorted(m["users"][0] for m in told.values()) == ["U_ANNA", "U_SARA"]
    [entry] = store.audit_of("anna")
    assert (entry.action, entry.actor_id, entry.detail["supervisorId"]) == ("supervisor_assigned", None, "sara")


def test_a_supervisor_must_be_a_senior_coach_and_the_coach_not_senior_yet():
    store = team()
    assert handle(store, assigned(supervisor="ulf")) == ["not_senior"]
    assert handle(store, assigned(coach="sara", supervisor="tove")) == ["not_a_coach"]
    assert handle(store, assigned(supervisor="nobody")) == ["unknown_supervisor"]
    assert handle(store, assigned(coach="nya")) == ["held"]  # the coach is onboarded later
    assert store.get("employees/anna").get("supervisorId") is None


def test_only_the_lead_assigns_in_slack():
    store = team()
    assert command(store, "handledare <@U_ANNA> <@U_SARA>", user="U_ERIK")["outcome"] == "only_lead"
    assert "`/utveckling handledare" in command(store, "handledare <@U_ANNA>")["text"]
    answer = command(store, "handledare <@U_ANNA|anna> <@U_SARA|sara>")
    assert answer["outcome"] == "assigned" and "Sara Senior" in answer["text"]
    assert store.get("employees/anna")["supervisorId"] == "sara"
    assert store.audit_of("anna")[0].actor_id == "bo"


def test_the_least_loaded_senior_coach_is_suggested_in_the_coachs_plan():
    store = team()
    shown = plan_status_for("U_ANNA", store, date(2025, 4, 8)).text
    assert "Mot Senior Coach: 0 av 20 sessioner, 3 av 6 månader" in shown  # started 7 January
    assert "Förslag till din lead: Sara Senior" in shown  # Tove already supervises Ulf
    assert "Anna Lindqvist → Sara Senior" in plan_status_for("U_BO", store, date(2025, 4, 8)).text  # to the lead
    handle(store, assigned())
    assert "Handledare: Sara Senior (0 handledningar" in plan_status_for("U_ANNA", store, date(2025, 4, 8)).text
    assert "Handledare" not in plan_status_for("U_SARA", store, date(2025, 4, 8)).text  # a Senior Coach
    assert "Förslag på handledare" not in plan_status_for("U_BO", store, date(2025, 4, 8)).text


def tick(store, day: date) -> str:
    lead = store.atomically(lambda uow: uow.employee("bo"))
    return store.atomically(lambda uow: apply_day(uow, "anna", Quarter.of(day), day, lead))


def test_one_nudge_a_month_to_the_pair_and_the_session_counts_once():
    store = team()
    handle(store, assigned())
    assert "supervision_nudge" in tick(store, date(2025, 5, 2))  # 1 May is a holiday: Friday the 2nd
    assert "supervision_nudge" not in tick(store, date(2025, 5, 5))
    [(message_id, nudge)] = sent(store, "supervision nudge").items()
    assert message_id == "supervision-nudge:2025-05:anna:2025-Q2" and nudge["users"] == ["U_ANNA", "U_SARA"]
    [value] = [b["value"] for block in nudge["blocks"] if block["type"] == "actions" for b in block["elements"]]
    assert value == "anna|2025-05"
    assert supervision.mark_held(store, value, "U_ERIK", date(2025, 5, 9))["outcome"] == "not_yours"
    assert supervision.mark_held(store, value, "U_SARA", date(2025, 5, 9))["outcome"] == "held"
    assert supervision.mark_held(store, value, "U_ANNA", date(2025, 5, 9))["outcome"] == "already_held"
    assert store.get("employees/anna/tallies/supervision_sessions")["count"] == 1
    tick(store, date(2025, 6, 2))
    assert len(sent(store, "supervision nudge")) == 2
    assert supervision.mark_held(store, "anna|2025-06", "U_ANNA", date(2025, 6, 3))["held"] == 2
