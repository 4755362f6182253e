"""The Swedish copy is true to the seed (../shared/seed/, quoted here): its own goal examples with
their own deadlines, the budget adjustable after approval, reflections recommended and not
ordered, the 1:1 naming who meets whom with the seed's three agenda points; dates read as
people write them ("den 2 april 2025"), never as ISO; English says the same, key for key."""

import re
from dataclasses import replace
from datetime import date
from types import SimpleNamespace

import pytest

from devplan.domain.calendar import Quarter
from devplan.domain.goals import GoalPlan
from devplan.domain.smart import Draft, Measure
from devplan.messages import cycle, onboarding
from devplan.messages.catalog import _catalog, text
from devplan.services import quarterly_cycle
from devplan.services.inputs import EmployeeChunk
from devplan.services.plan_status import plan_status_for
from tests.fakes import InMemoryStore

ISO_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
# The seed's examples per role, as written there (backticks dropped), deadlines included.
SEED_EXAMPLES = {
    "developer": [
        "Lära sig optimera Firebase-databaser för förbättrad skalbarhet inom Q2 2025.",
        "Implementera och driftsätta VedAstro API på Google Cloud Engine (GCE) senast slutet av maj 2025.",
    ],
    "coach": [
        "Genomföra minst 20 coachingsessioner och uppnå status som Senior Coach inom 6 månader.",
        "Aktivt guida minst 10 nya användare genom onboardingprocessen under Q3 2025.",
    ],
    "funding_manager": [
        "Säkra minst 465 865 SEK i finansiering från Vinnova senast maj 2025",
        "Färdigställa och skicka in Vinnova-ansökan gällande projektbidrag på 465 865 SEK senast i mitten av maj 2025.",
    ],
}


def shown(rendered):
    """Everything a person reads of a message: the notification text and every block's text."""
    parts = [rendered.text]
    for block in rendered.blocks:
        for node in (block.get("text"), *(block.get("elements") or []), block.get("accessory")):
            if isinstance(node, dict):
                inner = node.get("text")
                parts.append(inner["text"] if isinstance(inner, dict) else str(inner or ""))
    return "\n".join(parts)


@pytest.mark.parametrize("role", sorted(SEED_EXAMPLES))
@pytest.mark.parametrize("deadline", [date(2025, 1, 21), date(2026, 10, 15)])
def test_the_welcome_shows_the_seeds_examples_with_their_own_deadlines(role, deadline):
    welcome = shown(onboarding.welcome(lang="sv", name="Anna L", role=role, lead_name="Bo", deadline=deadline))
    for example in SEED_EXAMPLES[role]:
        assert example in welcome  # whatever the person's own deadline is


def test_the_welcome_says_the_budget_can_be_adjusted_and_reflections_are_recommended():
    for lang, adjustable, recommended in (
        ("sv", "Budgeten kan justeras vid behov och efter godkännande", "rekommenderas"),
        ("en", "The budget can be adjusted when needed, after approval", "recommended"),
    ):
        welcome = shown(
            onboarding.welcome(lang=lang, name="Anna L", role="developer", lead_name="Bo", deadline=date(2025, 1, 21))
        )
        assert adjustable in welcome and recommended in welcome
    sv = text("sv", "welcome.plan_rest", budget="5 000 kr", channels="#dev")
    assert "utan pekpinnar" in sv and "Logga minst" not in sv
    nudge = text("sv", "reminder.reflection_nudge", first_name="Anna", quarter_end="den 30 juni 2025")
    assert "rekommenderas" in nudge and "utan pekpinnar" in nudge


def test_the_1_1_names_who_meets_whom_and_lists_the_seeds_three_agenda_points():
    facts = cycle.ReviewFacts(
        employee="Anna Lindqvist",
        lead="Bo Joel Kvarnsmyr",
        quarter=Quarter(2025, 2),
        goals=(),
        last_quarter=(),
        revision_deadline=date(2025, 4, 15),
        new_starter_deadline=None,
        start_date=date(2025, 1, 7),
        latest_reflection=None,
    )
    for lang, meets in (
        ("sv", "Anna Lindqvist träffar Bo Joel Kvarnsmyr"),
        ("en", "Anna Lindqvist meets Bo Joel Kvarnsmyr"),
    ):
        invite = cycle.review_invite(lang, facts, "anna")
        assert meets in invite.text and meets in shown(invite)
        agenda = text(lang, "review.agenda").splitlines()
        assert [line[:2] for line in agenda] == ["1.", "2.", "3."]
    sv = text("sv", "review.agenda")
    assert (
        "Framsteg mot varje mål" in sv and "Hinder och nya utvecklingsbehov" in sv and "Feedback åt båda hållen" in sv
    )
    assert "hinder och nya utvecklingsbehov, feedback åt båda hållen" in cycle.review_invite("sv", facts, "anna").text


def test_dates_read_den_2_april_and_fit_every_sentence_they_are_in():
    assert text("sv", "reminder.goal_nudge_no_lead", first_name="Anna", deadline="X").count("senast *X*") == 1
    line = cycle.line("sv", "reminder.goal_nudge_no_lead", first_name="Anna", deadline=date(2025, 4, 2))
    assert "senast *den 2 april 2025*" in line.blocks[0]["text"]["text"]
    english = cycle.line("en", "reminder.goal_nudge_no_lead", first_name="A", deadline=date(2025, 4, 2))
    assert "by *2 April 2025*" in english.blocks[0]["text"]["text"]


def _year_of_messages(lang: str) -> list[str]:
    """Every message a year of the cycle sends (invites, reminders, nudges) and the status asked on the way."""
    store = InMemoryStore()
    for employee_id, lead in (("bo", None), ("anna", "bo")):
        store.set(
            f"employees/{employee_id}",
            {
                "name": employee_id.title() + " Svensson",
                "email": f"{employee_id}@ij.se",
                "role": "developer" if lead else "project_lead",
                "leadId": lead,
                "startDate": "2025-01-07",
                "status": "active",
                "language": lang,
                "goals": {"deadline": "2025-01-21"},
                "slack": {"userId": f"U_{employee_id.upper()}"},
                "onboarding": {"status": "welcomed"},
            },
        )
    draft = Draft("Tjugo sessioner", Measure("sessioner", 20), None, None, date(2025, 6, 30))
    plan, _ = GoalPlan(deadline=date(2025, 1, 21)).propose("g1", Quarter(2025, 1), draft, "employee", date(2025, 3, 3))
    store.atomically(lambda uow: uow.save_employee(replace(uow.employee("anna"), goals=plan)))
    seen = []
    day = date(2025, 1, 2)
    while day.year == 2025:
        quarterly_cycle.run_chunk(EmployeeChunk(day, ("bo", "anna"), f"m-{day}"), store)
        if day.day == 2:
            seen += [plan_status_for("U_ANNA", store, day).text, plan_status_for("U_BO", store, day).text]
        day = date.fromordinal(day.toordinal() + 1)
    outbox = [doc for path, doc in store.docs.items() if path.startswith("outbox/")]
    assert len(outbox) > 10  # invites, nudges, notices: the year said something
    return seen + [shown(SimpleNamespace(text=doc["text"], blocks=doc.get("blocks") or ())) for doc in outbox]


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_no_message_of_a_year_shows_a_date_as_iso(lang):
    for message in _year_of_messages(lang):
        assert not ISO_DAY.search(message), message


def test_every_key_in_swedish_exists_in_english_and_the_other_way_round():
    def keys(node, prefix=""):
        if isinstance(node, dict):
            return {k for key, value in node.items() for k in keys(value, f"{prefix}{key}.")}
        return {prefix.rstrip(".")}

    sv, en = keys(_catalog("sv")), keys(_catalog("en"))
    assert sv == en, f"only in sv: {sv - en}; only in en: {en - sv}"
    assert all(isinstance(k, str) for k in _catalog("sv")["review"]["missed_confirm"])  # YAML's yes/no are booleans


def _leaves(node, prefix=""):
    """(dotted key, text) of every catalog entry."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, f"{prefix}{key}.")
    else:
        yield prefix.rstrip("."), str(node)


def test_every_entry_has_the_same_placeholders_in_swedish_and_english():
    """A {field} only one language has would raise KeyError in the other, or show a hole."""
    english = dict(_leaves(_catalog("en")))
    placeholder = re.compile(r"(?<!\{)\{([a-z_]+)\}(?!\})")
    differing = {
        key: (sorted(set(placeholder.findall(sv))), sorted(set(placeholder.findall(english[key]))))
        for key, sv in _leaves(_catalog("sv"))
        if key in english and set(placeholder.findall(sv)) != set(placeholder.findall(english[key]))
    }
    assert not differing, differing


def test_the_placeholder_check_finds_a_field_only_one_language_has():
    placeholder = re.compile(r"(?<!\{)\{([a-z_]+)\}(?!\})")
    assert set(placeholder.findall("Hej {first_name}, senast {deadline}")) != set(placeholder.findall("Hi {name}"))
    assert placeholder.findall("{{huddle_url}} {day}") == ["day"]  # the sender's token is no field
