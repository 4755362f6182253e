"""check_draft at its edges: the SMART fields of a proposed goal, named by field when they are wrong,
and the seed's four example goals expressible as the seed writes them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from devplan.domain.calendar import Quarter
from devplan.domain.limits import MAX_MEASURE_LENGTH, MAX_TITLE_LENGTH
from devplan.domain.metrics import COACHING_SESSIONS, FUNDING_SEK, MAX_AMOUNT, USERS_GUIDED
from devplan.domain.smart import MAX_UNIT_LENGTH, Draft, Measure, check_draft

Q2 = Quarter.parse("2025-Q2")
TODAY = date(2025, 4, 8)
VALID = {
    "outcome": "Genomföra minst 20 coachingsessioner",
    "metric": "genomförda coachingsessioner",
    "target": 20,
    "unit": "st",
    "source": COACHING_SESSIONS,
    "plan": "Två sessioner i veckan; handledning av Maria",
    "relevance": "Fler användare får stöd: kärnan i Inner Journey",
    "dueDate": "2025-06-30",
}


def problems(**changes) -> list[tuple[str, str]]:
    fields = {k: v for k, v in {**VALID, **changes}.items() if v is not ...}
    draft, found = check_draft(fields, Q2, TODAY)
    assert (draft is None) == bool(found)
    return [(p.field, p.code) for p in found]


# --- the seed's examples, as written ---------------------------------------------------------------


def test_genomfora_minst_20_coachingsessioner():
    draft, found = check_draft(VALID, Q2, TODAY)
    assert found == []
    assert draft == Draft(
        outcome="Genomföra minst 20 coachingsessioner",
        measure=Measure("genomförda coachingsessioner", 20, 0, "st", COACHING_SESSIONS),
        plan="Två sessioner i veckan; handledning av Maria",
        relevance="Fler användare får stöd: kärnan i Inner Journey",
        due=date(2025, 6, 30),
    )


def test_aktivt_guida_minst_10_nya_anvandare_under_q3_2025():
    q3 = Quarter.parse("2025-Q3")
    fields = {
        "outcome": "Aktivt guida minst 10 nya användare genom onboardingprocessen under Q3 2025",
        "metric": "nya användare guidade genom onboardingprocessen",
        "target": "10",  # as the modal sends it
        "unit": "användare",
        "source": USERS_GUIDED,
        "plan": "Boka onboardingsamtal med varje ny användare första veckan",
        "relevance": "Nya användare som kommer igång stannar",
        "dueDate": "2025-09-30",
    }
    draft, found = check_draft(fields, q3, date(2025, 7, 1))
    assert found == [] and draft is not None
    assert draft.measure == Measure("nya användare guidade genom onboardingprocessen", 10, 0, "användare", USERS_GUIDED)
    assert draft.due == q3.end


def test_sakra_minst_465_865_sek_fran_vinnova_senast_maj_2025():
    fields = {
        **VALID,
        "outcome": "Säkra minst 465 865 SEK i finansiering från Vinnova senast maj 2025",
        "metric": "beviljad finansiering från Vinnova",
        "target": "465 865",  # with the Swedish thousands space, as people write it
        "unit": "SEK",
        "source": FUNDING_SEK,
        "dueDate": "2025-05-31",
    }
    draft, found = check_draft(fields, Q2, TODAY)
    assert found == [] and draft is not None
    assert draft.measure is not None and draft.measure.target == 465_865 and draft.measure.unit == "SEK"
    assert draft.due == date(2025, 5, 31)
    for spaced in ("465\u00a0865", "465\u202f865"):  # a no-break or narrow no-break space, as Slack pastes it
        assert check_draft({**fields, "target": spaced}, Q2, TODAY)[0] == draft


def test_implementera_och_driftsatta_vedastro_api_senast_slutet_av_maj_2025():
    fields = {
        **VALID,
        "outcome": "Implementera och driftsätta VedAstro API för astrologiska beräkningar i plattformen",
        "metric": "VedAstro API driftsatt i produktion",
        "target": 1,
        "unit": "",
        "source": None,  # no live source: the platform or the lead says when it is done
        "dueDate": "2025-05-31",
    }
    draft, found = check_draft(fields, Q2, TODAY)
    assert found == [] and draft is not None
    assert draft.measure == Measure("VedAstro API driftsatt i produktion", 1, 0, "", None)


# --- the measure ---------------------------------------------------------------------------------


@pytest.mark.parametrize("target", [1, MAX_AMOUNT, "1", " 20 "])
def test_a_target_is_a_whole_number_from_1_to_the_maximum(target):
    assert problems(target=target) == []


@pytest.mark.parametrize(
    "target", [0, -1, "-5", MAX_AMOUNT + 1, 20.0, 20.5, "20,5", "tjugo", "", None, True, [20], "1" * 17, ...]
)
def test_a_missing_or_nonsensical_target_is_named(target):
    assert problems(target=target)[0] == ("target", "target_invalid")
    assert {f for f, _ in problems(target=target)} == {"target"}


def test_the_target_must_be_above_the_baseline():
    assert problems(baseline=19) == []
    assert problems(baseline="") == [] and problems(baseline=None) == []  # an empty baseline is 0
    assert problems(baseline=20) == [("target", "target_not_above_baseline")]
    assert problems(baseline=-1) == [("baseline", "baseline_invalid")]
    assert problems(baseline="noll") == [("baseline", "baseline_invalid")]


def test_a_missing_measure_names_both_of_its_fields():
    assert problems(metric=..., target=...) == [("metric", "metric_missing"), ("target", "target_invalid")]


def test_a_source_is_one_of_the_live_sources_or_none():
    assert problems(source=None) == [] and problems(source="") == []
    assert problems(source="sessions") == [("source", "source_unknown")]


def test_a_unit_is_optional_and_short():
    assert problems(unit=...) == [] and problems(unit="") == []
    assert problems(unit="x" * MAX_UNIT_LENGTH) == []
    assert problems(unit="x" * (MAX_UNIT_LENGTH + 1)) == [("unit", "unit_missing")]


# --- the texts -----------------------------------------------------------------------------------


def test_texts_have_their_limits_and_the_outcome_is_one_line():
    assert problems(outcome="x" * MAX_TITLE_LENGTH, plan="p" * MAX_MEASURE_LENGTH) == []
    assert problems(outcome="x" * (MAX_TITLE_LENGTH + 1)) == [("outcome", "outcome_missing")]
    assert problems(outcome="två\nrader") == [("outcome", "outcome_missing")]
    assert problems(plan="steg 1\nsteg 2\tklart") == []  # plans and relevance are free text
    assert problems(relevance="p" * (MAX_MEASURE_LENGTH + 1)) == [("relevance", "relevance_missing")]


@pytest.mark.parametrize("blank", ["", " ", "\n", None, 5, "\x00", "a\ud800"])
def test_blank_or_unusable_texts_are_named(blank):
    assert problems(outcome=blank, plan=blank) == [("outcome", "outcome_missing"), ("plan", "plan_missing")]


def test_texts_are_stripped():
    draft, _ = check_draft({**VALID, "outcome": "  Genomföra 20 sessioner "}, Q2, TODAY)
    assert draft is not None and draft.outcome == "Genomföra 20 sessioner"


# --- the due date --------------------------------------------------------------------------------


def test_the_due_date_is_from_today_to_the_end_of_the_quarter():
    assert problems(dueDate=TODAY.isoformat()) == []
    assert problems(dueDate=Q2.end.isoformat()) == []
    assert problems(dueDate=(TODAY - timedelta(days=1)).isoformat()) == [("due", "due_outside_quarter")]
    assert problems(dueDate=(Q2.end + timedelta(days=1)).isoformat()) == [("due", "due_outside_quarter")]


def test_on_the_quarters_first_day_its_first_day_is_allowed():
    draft, found = check_draft({**VALID, "dueDate": "2025-04-01"}, Q2, Q2.start)
    assert found == [] and draft is not None


@pytest.mark.parametrize("due", ["2025-6-30", "20250630", "30/6 2025", "2025-06-31", "", None, 20250630, ...])
def test_a_due_date_not_written_yyyy_mm_dd_is_missing(due):
    assert problems(dueDate=due) == [("due", "due_missing")]


def test_every_problem_is_named_at_once():
    found = problems(outcome="", metric=..., target=-3, source="x", plan=" ", relevance=None, dueDate="2025-07-01")
    assert {f for f, _ in found} == {"outcome", "metric", "plan", "relevance", "target", "source", "due"}
    draft, listed = check_draft({}, Q2, TODAY)
    assert draft is None and all(p.detail for p in listed)  # the webhook's English, one per problem


# --- found while testing (domain/smart.py is the Slack helper's: reported, not fixed here) ----------


def test_a_superscript_digit_in_the_target_is_a_problem_not_a_crash():
    # str.isdigit() accepts digits int() cannot read ("²", "①"): the modal would answer 500.
    assert problems(target="²") == [("target", "target_invalid")]


@pytest.mark.parametrize("target", [0, -1, "-5"])
def test_a_field_is_named_once(target):
    # The modal shows one error per input (response_action: errors is a map field → text): the
    # second problem of the same field either hides the first or says something beside the point.
    assert problems(target=target) == [("target", "target_invalid")]
