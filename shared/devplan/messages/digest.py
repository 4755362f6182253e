"""The quarterly digest as text: the same figures the chart shows, in the lead's language."""

from __future__ import annotations

from devplan.domain.digest import Figures, TeamDigest
from devplan.messages.catalog import format_sek, text
from devplan.messages.dates import quarter_label


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
    """Intro, one line per person, the total (Slack mrkdwn: the file's comment)."""
    lines = [text(lang, "digest.intro", lead=digest.lead_name.split()[0], quarter=quarter_label(lang, digest.quarter))]
    for person in digest.people:
        held = text(lang, "digest.held" if person.figures.reviews_held else "digest.not_held")
        lines.append(
            "• "
            + text(lang, "digest.person", name=person.name, reviews_held=held, **figure_fields(lang, person.figures))
        )
    if not digest.people:
        lines.append(text(lang, "digest.empty"))
    else:
        total = digest.total
        lines.append(
            text(
                lang,
                "digest.total",
                reviews_held=total.reviews_held,
                people=len(digest.people),
                **figure_fields(lang, total),
            )
        )
    return "\n".join(lines)
