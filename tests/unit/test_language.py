"""Language per person: Swedish by default, English when the platform or the Slack locale says so
(the platform's choice wins), read once when the Slack account is found; answers to whoever
clicked or typed in their own language; no Swedish-only words where English is expected."""

from __future__ import annotations

import re
from datetime import date

import pytest

from devplan.domain.employees import parse_new_employee
from devplan.domain.language import chosen_language, language_of_locale
from devplan.errors import InvalidEvent
from devplan.messages import onboarding as onboarding_render
from devplan.messages.catalog import _catalog
from devplan.services import onboarding, senior_coach, slack_accounts, supervision
from devplan.services.inputs import SlackRequest
from devplan.services.language import request_language, speaker_language
from devplan.services.slack_routes import route, routes
from tests import people
from tests.fakes import NOW, FakeSlack, InMemoryStore
from tests.unit.goal_support import person, workspace
from tests.unit.test_copy import _leaves, _year_of_messages, shown
from tests.unit.test_onboarding import deliver_all, onboard

# Words a reader of English should never meet (none of them is also an English word).
SWEDISH_ONLY = {
    "och", "målen", "mål", "senast", "inte", "påminnelse", "kvartalet", "du", "din", "dina", "för",
    "att", "är", "med", "har", "ska", "eller", "hej", "nästa", "genomförd", "godkänn", "avslå",
    "reflektion", "kvar", "skickat", "varför", "den",
}  # fmt: skip


def swedish_words(shown_text: str) -> set[str]:
    """Swedish-only words outside `code` (the commands, /utveckling mål, are the same in both)."""
    prose = re.sub(r"`[^`]*`", "", shown_text)
    return {w for w in re.findall(r"[\wåäöÅÄÖ]+", prose.lower()) if w in SWEDISH_ONLY}


def test_the_swedish_word_check_finds_swedish():
    assert swedish_words("Påminnelse: målen ska vara satta senast den 21 januari") >= {"målen", "senast"}
    assert swedish_words("Reminder: goals due by 21 January. Type `/utveckling mål`") == set()


@pytest.mark.parametrize(
    ("locale", "language"),
    [
        ("en-US", "en"),
        ("en-GB", "en"),
        ("EN_us", "en"),
        ("en", "en"),
        ("sv-SE", "sv"),
        ("de-DE", "sv"),  # a language the catalog does not have: the plan's own
        ("", "sv"),
        (None, "sv"),
        (42, "sv"),
        ("english", "sv"),  # not a locale
    ],
)
def test_a_slack_locale_maps_to_english_or_swedish(locale, language):
    assert language_of_locale(locale) == language


def test_the_platforms_language_wins_over_the_slack_locale():
    assert chosen_language("sv", "en-US") == ("sv", "platform")
    assert chosen_language("en", "sv-SE") == ("en", "platform")
    assert chosen_language(None, "en-GB") == ("en", "slack")
    assert chosen_language(None, None) == ("sv", None)


def test_the_onboarding_event_takes_an_optional_language_and_refuses_any_other():
    assert parse_new_employee(people.ANNA).platform_language is None
    assert parse_new_employee({**people.ANNA, "language": "en"}).platform_language == "en"
    for wrong in ("de", None, "EN", 1):
        with pytest.raises(InvalidEvent, match="language must be one of sv, en"):
            parse_new_employee({**people.ANNA, "language": wrong})


def _welcome(store, slack, who="anna"):
    deliver_all(store, slack)
    return next(p for p in slack.posted if p["outbox_id"] == f"welcome:{who}")


def test_an_english_slack_locale_makes_the_welcome_english_and_is_asked_once():
    store, slack = InMemoryStore(), FakeSlack({"anna@innerjourney.se": "U_ANNA", "bo@innerjourney.se": "U_BO"})
    slack.locales["U_ANNA"] = "en-GB"
    onboard(store, slack, people.BO, "e-bo")
    asked = slack.locale_asks
    onboard(store, slack, people.ANNA, "e-anna")
    assert slack.locale_asks == asked + 1
    anna = store.get("employees/anna")
    assert (anna["language"], anna["languageFrom"]) == ("en", "slack")
    welcome = _welcome(store, slack)
    assert "Welcome" in welcome["text"] and not swedish_words(shown_from(welcome))
    # A later write of the record (the trigger fires again): nothing asked, nothing changed.
    onboard(store, slack, people.ANNA, "e-anna-again")
    assert slack.locale_asks == asked + 1 and store.get("employees/anna")["language"] == "en"


def test_the_platforms_language_wins_and_slack_is_not_asked():
    store, slack = InMemoryStore(), FakeSlack({"anna@innerjourney.se": "U_ANNA", "bo@innerjourney.se": "U_BO"})
    slack.locales["U_ANNA"] = "en-US"
    onboard(store, slack, people.BO, "e-bo")
    asked = slack.locale_asks
    onboard(store, slack, {**people.ANNA, "language": "sv"}, "e-anna")
    assert slack.locale_asks == asked
    assert (store.get("employees/anna")["language"], store.get("employees/anna")["languageFrom"]) == ("sv", "platform")
    assert "Välkommen" in _welcome(store, slack)["text"]


def test_without_a_locale_swedish_and_the_lead_is_told_in_the_leads_own_language():
    store, slack = InMemoryStore(), FakeSlack({"anna@innerjourney.se": "U_ANNA", "bo@innerjourney.se": "U_BO"})
    onboard(store, slack, {**people.BO, "language": "en"}, "e-bo")
    onboard(store, slack, people.ANNA, "e-anna")  # Slack has no locale for her: Swedish, decided
    anna = store.get("employees/anna")
    assert (anna["language"], anna["languageFrom"]) == ("sv", "slack")
    deliver_all(store, slack)
    notice = next(p for p in slack.posted if p["outbox_id"] == "lead-notice:new-employee:anna")
    assert not swedish_words(shown_from(notice)), notice["text"]
    assert "Välkommen" in _welcome(store, slack)["text"]


def test_an_account_that_appears_later_is_asked_for_its_locale_when_linked():
    store, slack = InMemoryStore(), FakeSlack({"bo@innerjourney.se": "U_BO"})
    onboard(store, slack, people.BO, "e-bo")
    onboard(store, slack, people.ERIK, "e-erik")  # no Slack account yet: nothing to ask
    assert store.get("employees/erik")["onboarding"]["status"] == "waiting_for_slack"
    assert "languageFrom" not in store.get("employees/erik")
    asked = slack.locale_asks
    slack.users["erik@innerjourney.se"], slack.locales["U_ERIK"] = "U_ERIK", "en-US"
    assert slack_accounts.link_account("erik@innerjourney.se", "U_ERIK", store) == 1
    from tests.unit.test_onboarding import change_of

    onboarding.welcome_new_employee(change_of(store, "employees/erik", "fs-linked"), store, slack)
    assert slack.locale_asks == asked + 1 and store.get("employees/erik")["language"] == "en"
    assert "Welcome" in _welcome(store, slack, "erik")["text"]


def shown_from(post) -> str:
    from types import SimpleNamespace

    return shown(SimpleNamespace(text=post["text"], blocks=post["blocks"] or ()))


def test_a_request_carries_a_locale_only_sometimes():
    assert request_language({"user": {"id": "U1", "locale": "en-US"}}) == "en"
    assert request_language({"locale": "en-GB"}) == "en"
    assert request_language({"user": {"id": "U1"}}) == "sv"
    assert request_language(None) == "sv"


def test_someone_unknown_gets_the_unknown_command_and_the_empty_plan_in_the_requests_language():
    store, slack = InMemoryStore(), FakeSlack()
    table = routes(store, slack, lambda: NOW)

    def ask(words: str, **payload):
        request = SlackRequest("command", "/utveckling", "U_NOBODY", {"text": words, **payload})
        return route(request, table)["text"]

    assert ask("nonsense") == _catalog("sv")["slack_answers"]["unknown_command"]
    assert ask("nonsense", locale="en-US") == _catalog("en")["slack_answers"]["unknown_command"]
    assert not swedish_words(ask("", locale="en-US")) and swedish_words(ask(""))
    unknown = route(SlackRequest("command", "/annat", "U_NOBODY", {"locale": "en-US"}), table)["text"]
    assert unknown == _catalog("en")["slack_answers"]["unknown_command"]


def test_a_known_asker_reads_their_own_language_whatever_the_request_says():
    store = workspace()
    store.set("employees/erik", {**person("Erik Holm", "erik@innerjourney.se", "funding_manager", "bo", "U_ERIK"),
                                 "language": "en"})  # fmt: skip
    assert speaker_language(store, "U_ERIK", {"locale": "sv-SE"}) == "en"
    assert speaker_language(store, "U_ANNA", {"locale": "en-US"}) == "sv"
    assert speaker_language(store, "U_NOBODY", {"locale": "en-US"}) == "en"


def test_not_yours_refusals_of_senior_coach_and_supervision_are_in_the_clickers_language():
    store = workspace()
    store.set("employees/erik", {**person("Erik Holm", "erik@innerjourney.se", "funding_manager", "bo", "U_ERIK"),
                                 "language": "en"})  # fmt: skip
    store.set("employees/sara", {**person("Sara Senior", "sara@innerjourney.se", "coach", "bo", "U_SARA"),
                                 "level": "senior_coach", "language": "en"})  # fmt: skip
    store.set("employees/anna", {**store.get("employees/anna"), "supervisorId": "sara"})
    click = senior_coach.read_click("anna|first", "U_ERIK", date(2025, 7, 15))
    refused = senior_coach.approve(store, click)
    assert refused["outcome"] == "not_yours" and not swedish_words(refused["text"]), refused["text"]
    refused = supervision.mark_held(store, "anna|2025-05", "U_ERIK", date(2025, 5, 9))
    assert refused["outcome"] == "not_yours" and not swedish_words(refused["text"]), refused["text"]
    # The supervisor (English) and the coach (Swedish) each read the answer in their own language.
    held = supervision.mark_held(store, "anna|2025-05", "U_SARA", date(2025, 5, 9))
    assert held["outcome"] == "held" and not swedish_words(held["text"]), held["text"]
    again = supervision.mark_held(store, "anna|2025-05", "U_ANNA", date(2025, 5, 9))
    assert again["outcome"] == "already_held" and swedish_words(again["text"]), again["text"]


def test_every_english_catalog_text_is_free_of_swedish_only_words():
    found = {key: swedish_words(value) for key, value in _leaves(_catalog("en")) if swedish_words(value)}
    assert not found, found


def test_a_year_of_english_messages_has_no_swedish_only_words_and_the_swedish_one_has():
    english = [m for m in _year_of_messages("en") if swedish_words(m)]
    assert not english, english[:3]
    assert all(swedish_words(m) for m in _year_of_messages("sv") if "Påminnelse" in m)


@pytest.mark.parametrize("role", ["developer", "coach", "funding_manager", "project_lead"])
def test_the_english_welcome_and_lead_notices_have_no_swedish_only_words(role):
    from types import SimpleNamespace

    welcome = onboarding_render.welcome(
        lang="en", name="Anna L", role=role, lead_name="Bo", deadline=date(2025, 1, 21), team=["Anna"]
    )
    assert not swedish_words(shown(welcome))
    for key in ("new_employee", "no_slack"):
        notice = onboarding_render.lead_notice(
            lang="en", key=key, name="Anna L", role=role, email="a@ij.se", start_date=date(2025, 1, 7),
            deadline=date(2025, 1, 21),
        )  # fmt: skip
        assert not swedish_words(shown(SimpleNamespace(text=notice.text, blocks=notice.blocks)))
