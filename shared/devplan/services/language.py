"""In which language to answer whoever typed or clicked in Slack.

A person the plan knows reads their own language (Employee.language: the platform's choice, else
their Slack locale, domain/language.py). Someone it does not know (no employee with that Slack
account) reads the Slack locale their request carries, if it carries one, else Swedish.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from devplan.domain.language import DEFAULT_LANGUAGE, language_of_locale
from devplan.services.ports import Store


def request_language(payload: Mapping[str, Any] | None) -> str:
    """The Slack locale a request may carry (an interaction's `user.locale`, a `locale` field)."""
    if not payload:
        return DEFAULT_LANGUAGE
    user = payload.get("user")
    locale = (user.get("locale") if isinstance(user, dict) else None) or payload.get("locale")
    return language_of_locale(locale) if locale else DEFAULT_LANGUAGE


def speaker_language(store: Store, slack_user_id: str, payload: Mapping[str, Any] | None = None) -> str:
    person = store.employee_with_slack_user(slack_user_id) if slack_user_id else None
    return person.language if person is not None else request_language(payload)
