"""Which language a person reads: Swedish by default, English when the platform or Slack says so.

Two sources, in this order:
1. The platform's `language` on `employee.onboarded` ("sv" | "en"): the company's own record of the
   person wins, because it is a decision somebody made for them (HR, or the person on the platform).
2. The Slack account's locale (`users.info` with `include_locale`, e.g. "en-US", "en-GB", "sv-SE"),
   read once when the account is linked: a setting the person chose in Slack.
Any English locale means English; every other locale (Swedish, and languages the catalog does not
have, e.g. "de-DE") means Swedish, the plan's language. Without either, Swedish.
3. The person's own choice (`/utveckling språk en|sv`, services/language_choice.py) wins over both
   from the moment they make it: Slack has no Swedish interface, so a Swede's locale is often English.
"""

from __future__ import annotations

LANGUAGES = ("sv", "en")
DEFAULT_LANGUAGE = "sv"
FROM_PLATFORM, FROM_SLACK, FROM_PERSON = "platform", "slack", "person"  # where Employee.language came from


def language_of_locale(locale: object) -> str:
    """Slack's locale ("en-US", "sv-SE", "de-DE"; anything else, even None) → "en" or "sv"."""
    if isinstance(locale, str) and locale.strip().lower().replace("_", "-").split("-")[0] == "en":
        return "en"
    return DEFAULT_LANGUAGE


def is_language(value: object) -> bool:
    return value in LANGUAGES


def chosen_language(platform: str | None, slack_locale: str | None) -> tuple[str, str | None]:
    """(language, where it came from): the platform's choice wins over Slack's locale."""
    if platform is not None and is_language(platform):
        return platform, FROM_PLATFORM
    if slack_locale is not None:
        return language_of_locale(slack_locale), FROM_SLACK
    return DEFAULT_LANGUAGE, None
