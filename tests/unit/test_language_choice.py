"""`/utveckling språk sv|en`: a person chooses their language, and it wins from then on over the
Slack locale (Slack has no Swedish interface) and over a later look-up at onboarding."""

from __future__ import annotations

from devplan.messages.catalog import text
from devplan.services import onboarding
from devplan.services.inputs import SlackRequest
from devplan.services.slack_routes import route, routes
from tests import people
from tests.fakes import NOW, FakeSlack, InMemoryStore
from tests.unit.goal_support import workspace
from tests.unit.test_onboarding import change_of, onboard


def command(store: InMemoryStore, user: str, words: str) -> dict:
    return route(SlackRequest("command", "/utveckling", user, {"text": words}), routes(store, FakeSlack(), lambda: NOW))


def test_a_swede_with_an_english_slack_locale_chooses_swedish_and_reads_swedish_from_then_on():
    store, slack = InMemoryStore(), FakeSlack({"anna@innerjourney.se": "U_ANNA", "bo@innerjourney.se": "U_BO"})
    slack.locales["U_ANNA"] = "en-US"  # Slack's default: no Swedish to choose in Slack
    onboard(store, slack, people.BO, "e-bo")
    onboard(store, slack, people.ANNA, "e-anna")
    assert store.get("employees/anna")["language"] == "en"
    answer = command(store, "U_ANNA", "språk sv")
    assert answer["outcome"] == "chosen" and answer["text"] == text("sv", "language_choice.chosen")
    anna = store.get("employees/anna")
    assert (anna["language"], anna["languageFrom"]) == ("sv", "person")
    # The record written again (its trigger): Slack is not asked, the choice stays.
    asked = slack.locale_asks
    onboarding.welcome_new_employee(change_of(store, "employees/anna", "fs-again"), store, slack)
    assert slack.locale_asks == asked and store.get("employees/anna")["language"] == "sv"
    assert command(store, "U_ANNA", "")["text"].startswith("Din utvecklingsplan")


def test_the_same_choice_again_writes_nothing_and_english_names_work():
    store = workspace()
    assert command(store, "U_ANNA", "språk english")["outcome"] == "chosen"
    before = store.get("employees/anna")
    again = command(store, "U_ANNA", "SPRÅK en")
    assert again["outcome"] == "unchanged" and again["text"] == text("en", "language_choice.chosen")
    assert store.get("employees/anna") == before
    assert command(store, "U_ANNA", "language svenska")["outcome"] == "chosen"
    assert store.get("employees/anna")["language"] == "sv"


def test_without_a_choice_or_with_an_unknown_one_it_says_which_language_and_how_to_change():
    store = workspace()
    assert command(store, "U_ANNA", "språk")["text"] == text("sv", "language_choice.now")
    shown = command(store, "U_ANNA", "språk tyska")
    assert shown["outcome"] == "shown" and shown["text"] == text("sv", "language_choice.now")
    assert store.get("employees/anna").get("languageFrom") is None
    command(store, "U_ANNA", "språk en")
    assert command(store, "U_ANNA", "sprak")["text"] == text("en", "language_choice.now")


def test_someone_the_plan_does_not_know_is_told_so_in_the_language_they_asked_for():
    store = workspace()
    answer = command(store, "U_NOBODY", "språk en")
    assert answer["outcome"] == "unknown" and answer["text"] == text("en", "status.unknown")
    assert store.get("employees/nobody") is None


def test_their_app_home_is_published_again_in_the_new_language_if_they_opened_it():
    store = workspace()
    store.set("employees/anna", {**store.get("employees/anna"), "slack": {"userId": "U_ANNA", "homeOpened": True}})
    command(store, "U_ANNA", "språk en")
    homes = [path for path in store.docs if path.startswith("outbox/home:")]
    assert len(homes) == 1, homes
    command(store, "U_ANNA", "språk en")  # unchanged: no second publication
    assert len([p for p in store.docs if p.startswith("outbox/home:")]) == 1
