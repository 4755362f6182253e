"""`/utveckling språk [sv|en]`: a person chooses the language they read the plan in.

Slack offers no Swedish interface, so most Swedish staff have an English Slack locale; the plan
reads it only as a hint (domain/language.py). Whoever reads the wrong language can say so here,
and their own choice wins over both the platform's and Slack's from then on (onboarding keeps a
decided language). Choosing the language one already reads changes nothing and writes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from devplan.domain.language import FROM_PERSON
from devplan.messages.catalog import text
from devplan.services import home_refresh
from devplan.services.language import speaker_language
from devplan.services.ports import Store, UnitOfWork
from devplan.services.slack_replies import ephemeral

log = logging.getLogger(__name__)
LANGUAGE_WORDS = ("språk", "sprak", "language", "lang")
CHOICES = {"sv": "sv", "svenska": "sv", "swedish": "sv", "en": "en", "engelska": "en", "english": "en"}


def command(store: Store, slack_user_id: str, words: Sequence[str], on: date) -> dict[str, Any]:
    """`words`: what follows `språk`, lower case. No word, or one the plan does not know: the
    language they read now and how to change it; `sv`/`en` (or the languages' names): chosen."""
    chosen = CHOICES.get(words[0]) if words else None
    if chosen is None:
        lang = speaker_language(store, slack_user_id)
        return {"outcome": "shown", **ephemeral(text(lang, "language_choice.now"))}

    asker = store.employee_with_slack_user(slack_user_id)
    if asker is None or not asker.active:
        return {"outcome": "unknown", **ephemeral(text(chosen, "status.unknown"))}

    def work(uow: UnitOfWork) -> str:
        person = uow.employee(asker.employee_id)  # read again inside the transaction
        if person is None:
            return "unknown"
        if person.language == chosen and person.language_from == FROM_PERSON:
            return "unchanged"
        chose = replace(person, language=chosen, language_from=FROM_PERSON)
        uow.save_employee(chose)
        home_refresh.refresh(uow, chose, on)  # their Home (if they opened it) in the language they chose
        log.info("language of %s: %s, their own choice", person.employee_id, chosen)
        return "chosen"

    outcome: str = store.atomically(work)
    return {"outcome": outcome, **ephemeral(text(chosen, "language_choice.chosen"))}
