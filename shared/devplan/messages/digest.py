"""The quarterly digest as text: the same figures the chart shows, in the lead's language."""

from __future__ import annotations

from devplan.domain.digest import Figures, PersonFigures, TeamDigest
from devplan.domain.limits import MAX_SLACK_TEXT_LENGTH
from devplan.messages.catalog import format_sek, text
from devplan.messages.dates import quarter_label

# Slack takes 40,000 characters of text; the sender adds the line saying why (one sentence) after it.
TEXT_BUDGET = MAX_SLACK_TEXT_LENGTH - 2000


def figure_fields(lang: str, figures: Figures) -> dict[str, object]:
    return {
        "goals_set": figures.goals_set,
        "achieved": figures.achieved,
        "missed": figures.missed,
        "reflections": figures.reflections,
        "training": format_sek(lang, figures.training_sek),
    }


def title(lang: str, digest: TeamDigest) -> str:
    return text(lang, "digest.title", quarter=quarter_label(lang, digest.quarter))


def digest_text(lang: str, digest: TeamDigest) -> str:
    """Intro, one line per person, the total (Slack mrkdwn: the file's comment). A team too large
    for one message (names are up to 200 characters) shows the people that fit, then how many
    more and the command that lists them all; the total is always there."""
    intro = text(lang, "digest.intro", lead=digest.lead_name.split()[0], quarter=quarter_label(lang, digest.quarter))
    if not digest.people:
        return "\n".join((intro, text(lang, "digest.empty")))
    people = [_person_line(lang, person) for person in digest.people]
    total = text(
        lang,
        "digest.total",
        reviews_held=digest.total.reviews_held,
        people=len(people),
        **figure_fields(lang, digest.total),
    )
    whole = "\n".join((intro, *people, total))
    if len(whole) <= TEXT_BUDGET:
        return whole
    # The "more" line at its longest (every person left out) is reserved before any person fits.
    room = TEXT_BUDGET - len(intro) - len(total) - len(_more_line(lang, digest, len(people))) - 3
    shown: list[str] = []
    for line in people:
        room -= len(line) + 1
        if room < 0:
            break
        shown.append(line)
    return "\n".join((intro, *shown, _more_line(lang, digest, len(people) - len(shown)), total))


def _person_line(lang: str, person: PersonFigures) -> str:
    held = text(lang, "digest.held" if person.figures.reviews_held else "digest.not_held")
    return "• " + text(
        lang, "digest.person", name=person.name, reviews_held=held, **figure_fields(lang, person.figures)
    )


def _more_line(lang: str, digest: TeamDigest, more: int) -> str:
    return text(lang, "digest.more", more=more, quarter=digest.quarter.key, lead_id=digest.lead_id)
