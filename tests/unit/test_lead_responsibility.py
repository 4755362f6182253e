"""A developer's lead responsibility: Slack's two mention shapes, only the person's own lead may
nominate and only a developer, the evidence in the lead's answer, and the same nomination twice
(or by command and event) recorded, audited and recognised once."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from devplan.domain.goals import ACHIEVED
from devplan.domain.reflections import SHARED, Reflection
from devplan.domain.responsibility import NOT_A_DEVELOPER, NOT_YOURS, Mention, parse_mention
from devplan.errors import InvalidEvent
from devplan.messages.responsibility import genitive
from devplan.services import journal
from devplan.services.inputs import PlatformEvent
from devplan.services.plan_status import plan_status_for
from devplan.services.responsibility import assigned_event
from tests.unit.goal_support import give_goals, live_goal
from tests.unit.slack_forms_support import ANNA_SLACK, BO_SLACK, MAJA_SLACK, Team

AT = datetime(2025, 4, 8, 7, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("<@U_ANNA|anna> VedAstro API", Mention("U_ANNA", "VedAstro API")),
        ("<@U_ANNA>   VedAstro  API ", Mention("U_ANNA", "VedAstro  API")),
        ("  <@W0123ABC|Anna Lindqvist>", Mention("W0123ABC", "")),
    ],
)
def test_a_mention_in_both_shapes_slack_sends(typed, expected):
    assert parse_mention(typed) == expected


@pytest.mark.parametrize("typed", ["@anna VedAstro", "anna <@U_ANNA>", "<#C123|dev> x", "", "<@>"])
def test_what_is_not_a_mention_first(typed):
    assert parse_mention(typed) is None


@pytest.fixture
def team() -> Team:
    """Bo leads Anna (a developer) and Maja (a coach)."""
    team = Team()
    achieved = replace(live_goal("g1", 3, None), status=ACHIEVED, achieved_on=date(2025, 5, 2))
    give_goals(team.store, "anna", achieved, live_goal("g2", 5, None))
    for entry, goals in (("r1", ("g1",)), ("r2", ("g1", "g2")), ("r3", ())):
        reflection = Reflection("anna", entry, AT, AT.date(), goals, visibility=SHARED)
        team.store.atomically(lambda uow, r=reflection: journal.record(uow, r))
    return team


def test_the_lead_nominates_and_sees_the_evidence_once_recorded_and_recognised(team):
    answer = team.command(BO_SLACK, "utse <@U_ANNA|anna> VedAstro  API")
    assert answer["outcome"] == "assigned"
    assert "Anna Lindqvist* är nu teknisk ledare för *VedAstro API" in answer["text"]
    assert "1 uppnådda mål, 2 reflektioner" in answer["text"] and "• Mål g1: 3 st – 2 reflektioner" in answer["text"]
    assert team.store.docs["employees/anna"]["responsibilities"] == ["Teknisk ledare: VedAstro API"]
    told, posted = team.outbox("lead-responsibility:anna:").values()
    assert told["users"] == [ANNA_SLACK] and "Bo Joel Kvarnsmyr har utsett dig" in told["text"]
    assert posted["channel"] == "dev" and "<@U_ANNA> är ny teknisk ledare för VedAstro API" in posted["text"]
    (entry,) = team.store.audit_of("anna")
    assert (entry.action, entry.actor_id, entry.detail["subProject"]) == (
        "lead_responsibility_assigned",
        "bo",
        "VedAstro API",
    )
    assert "Ansvar: Teknisk ledare: VedAstro API" in plan_status_for(ANNA_SLACK, team.store, date(2025, 4, 8)).text


def test_the_same_nomination_twice_changes_nothing(team):
    team.command(BO_SLACK, "utse <@U_ANNA> VedAstro API")
    before = team.snapshot()
    again = team.command(BO_SLACK, "utse <@U_ANNA|anna> vedastro api")
    assert again["outcome"] == "already_assigned" and "redan teknisk ledare" in again["text"]
    assert team.snapshot() == before
    event = PlatformEvent(
        "ev-1",
        "responsibility.assigned",
        AT,
        {"employeeId": "anna", "subProject": "VedAstro API", "assignedBy": "bo"},
        "d1",
    )
    assert assigned_event(event, team.store) == "already_assigned"
    assert len(team.outbox("lead-responsibility:")) == 2 and len(team.store.audit_of("anna")) == 1


@pytest.mark.parametrize(
    ("who", "typed", "outcome", "shown"),
    [
        (MAJA_SLACK, "utse <@U_ANNA> VedAstro API", NOT_YOURS, "Bara Anna Lindqvists närmaste chef"),
        (BO_SLACK, "utse <@U_MAJA> VedAstro API", NOT_A_DEVELOPER, "Maja Berg är inte utvecklare"),
        (BO_SLACK, "utse <@U_ANNA>", "no_sub_project", "Skriv delprojektets namn"),
        (BO_SLACK, "utse anna VedAstro", "usage", "Skriv så här"),
        (BO_SLACK, "utse <@U_NOBODY> VedAstro", "unknown_person", "ingen utvecklingsplan för den personen"),
        ("U_STRANGER", "utse <@U_ANNA> VedAstro", "not_a_lead", "hittar dig inte"),
    ],
)
def test_a_nomination_against_the_rules_is_refused_politely_and_writes_nothing(team, who, typed, outcome, shown):
    before = team.snapshot()
    answer = team.command(who, typed)
    assert (answer["outcome"], answer["response_type"]) == (outcome, "ephemeral") and shown in answer["text"]
    assert team.snapshot() == before


def test_the_platform_event_follows_the_same_rules(team):
    def event(event_id: str, **data: str) -> PlatformEvent:
        base = {
            "employeeId": "anna",
            "subProject": "Firebase",
            "assignedBy": "bo",
            "assignedAt": "2025-05-02T10:00:00+02:00",
        }
        return PlatformEvent(event_id, "responsibility.assigned", AT, {**base, **data}, event_id)

    with pytest.raises(InvalidEvent) as refused:
        assigned_event(event("ev-maja", assignedBy="maja"), team.store)
    assert (refused.value.status, refused.value.code) == (422, "nomination_refused")
    with pytest.raises(InvalidEvent):
        assigned_event(event("ev-coach", employeeId="maja"), team.store)
    assert assigned_event(event("ev-ok"), team.store) == "assigned"
    assert assigned_event(event("ev-ok"), team.store) == "duplicate"
    assert assigned_event(event("ev-later", employeeId="nyanstalld"), team.store) == "unknown_employee"
    (entry,) = team.store.audit_of("anna")
    assert entry.at == datetime(2025, 5, 2, 8, 0, tzinfo=UTC) and entry.detail["goalsAchieved"] == 1


@pytest.mark.parametrize(
    ("lang", "name", "owned"),
    [
        ("sv", "Anna Lindqvist", "Anna Lindqvists"),
        ("sv", "Hans Ros", "Hans Ros"),
        ("en", "Anna", "Anna's"),
        ("en", "Hans Ros", "Hans Ros'"),
    ],
)
def test_whose_lead_reads_right_in_both_languages(lang, name, owned):
    assert genitive(lang, name) == owned
