"""The quarterly digest's chart: a PNG of the team's quarter, bars per person and figure.

matplotlib is imported here only, inside `png`, so importing the product (the Slack endpoint's
cold start) costs nothing: only the sender of a digest pays for it. It draws on an Agg canvas of
its own (no pyplot, no global state: safe in a threaded function host), at a fixed size and
resolution, with the PNG's metadata left out, so the same figures give the same bytes (a test
compares them).
"""

from __future__ import annotations

import io
from typing import Any

from devplan.domain.digest import PersonFigures, TeamDigest
from devplan.messages.catalog import text
from devplan.messages.dates import quarter_label

WIDTH_INCHES, HEIGHT_INCHES, DPI = 10.0, 5.0, 100  # 1000 × 500 pixels
COUNTS = ("goals_set", "achieved", "missed", "reviews_held", "reflections")
COLOURS = ("#4C72B0", "#55A868", "#C44E52", "#8172B2", "#CCB974")
TRAINING_COLOUR = "#64B5CD"
EMPTY_SCALE_SEK = 1000
# Six bars a person in 1000 pixels: beyond 20 people the bars are hairlines and the names overlap
# (and drawing 141 of them took seconds of the send's budget). The text and the report list all.
MOST_PEOPLE = 20
LABEL_LENGTH = 12  # a name under its bars: rotated, it must not push the bars off the image


def size_pixels() -> tuple[int, int]:
    return int(WIDTH_INCHES * DPI), int(HEIGHT_INCHES * DPI)


def png(lang: str, digest: TeamDigest) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_INCHES, HEIGHT_INCHES), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    counts, money = figure.subplots(1, 2, width_ratios=(3, 1))
    people = people_shown(digest)
    names = labels(people) or ["–"]
    _counts(counts, lang, people, names)
    _training(money, lang, people, names)
    title = text(lang, "digest.title", quarter=quarter_label(lang, digest.quarter))
    figure.suptitle("\n".join(filter(None, (title, note(lang, digest)))))
    out = io.BytesIO()
    # metadata None: no "Software" (matplotlib's version) in the file, so the bytes are stable
    figure.savefig(out, format="png", dpi=DPI, metadata={"Software": None})
    return out.getvalue()


def people_shown(digest: TeamDigest) -> tuple[PersonFigures, ...]:
    return digest.people[:MOST_PEOPLE]


def labels(people: tuple[PersonFigures, ...]) -> list[str]:
    """First names when they tell the people apart, else whole names; cut to fit under the bars."""
    first = [p.name.split()[0] for p in people]
    names = first if len(set(first)) == len(first) else [p.name for p in people]
    return [name if len(name) <= LABEL_LENGTH else name[: LABEL_LENGTH - 1] + "…" for name in names]


def note(lang: str, digest: TeamDigest) -> str:
    """Under the title when the chart shows part of the team: how much, and where the rest is."""
    if len(digest.people) <= MOST_PEOPLE:
        return ""
    fields = {"shown": MOST_PEOPLE, "people": len(digest.people), "quarter": digest.quarter.key}
    return text(lang, "digest.chart_more", lead_id=digest.lead_id, **fields)


def _ticks(axes: Any, names: list[str]) -> None:
    """Many names are slanted (and smaller) so each stays under its own bars."""
    many = len(names) > 6
    axes.tick_params(axis="x", labelsize="small" if many else "medium")
    axes.set_xticks(range(len(names)), names, rotation=45 if many else 0, ha="right" if many else "center")


def _counts(axes: Any, lang: str, people: tuple[PersonFigures, ...], names: list[str]) -> None:
    width, highest = 0.8 / len(COUNTS), 0
    for i, (figure_name, colour) in enumerate(zip(COUNTS, COLOURS, strict=True)):
        values = [getattr(p.figures, figure_name) for p in people] or [0]
        highest = max(highest, *values)
        xs = [x + (i - (len(COUNTS) - 1) / 2) * width for x in range(len(names))]
        axes.bar(xs, values, width, label=text(lang, f"digest.figure_{figure_name}"), color=colour)
    _ticks(axes, names)
    axes.set_ylim(0, max(highest, 1) * 1.05)  # from 0, also when nothing happened
    axes.set_ylabel(text(lang, "digest.axis_count"))
    axes.yaxis.get_major_locator().set_params(integer=True)
    # under the whole figure, below the names: never over the bars or the names
    axes.figure.legend(loc="outside lower center", ncols=len(COUNTS), fontsize="small", frameon=False)


def _training(axes: Any, lang: str, people: tuple[PersonFigures, ...], names: list[str]) -> None:
    values = [p.figures.training_sek for p in people] or [0]
    axes.bar(range(len(names)), values, 0.6, color=TRAINING_COLOUR)
    axes.set_ylim(0, max(*values, EMPTY_SCALE_SEK) * 1.05)  # no training at all: 0–1 000, not ±0
    _ticks(axes, names)
    axes.set_title(text(lang, "digest.figure_training_sek"), fontsize="medium")
    axes.set_ylabel(text(lang, "digest.axis_sek"))
    thousands = "\u00a0" if lang == "sv" else ","  # 4 200 kr / 4,200 SEK, as the text says it
    axes.yaxis.set_major_formatter(lambda value, _: f"{value:,.0f}".replace(",", thousands))
