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

from devplan.domain.digest import TeamDigest
from devplan.messages.catalog import text
from devplan.messages.dates import quarter_label

WIDTH_INCHES, HEIGHT_INCHES, DPI = 10.0, 5.0, 100  # 1000 × 500 pixels
COUNTS = ("goals_set", "achieved", "missed", "reviews_held", "reflections")
COLOURS = ("#4C72B0", "#55A868", "#C44E52", "#8172B2", "#CCB974")
TRAINING_COLOUR = "#64B5CD"
EMPTY_SCALE_SEK = 1000


def size_pixels() -> tuple[int, int]:
    return int(WIDTH_INCHES * DPI), int(HEIGHT_INCHES * DPI)


def png(lang: str, digest: TeamDigest) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_INCHES, HEIGHT_INCHES), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    counts, money = figure.subplots(1, 2, width_ratios=(3, 1))
    first = [p.name.split()[0] for p in digest.people]
    names = (first if len(set(first)) == len(first) else [p.name for p in digest.people]) or ["–"]
    _counts(counts, lang, digest, names)
    _training(money, lang, digest, names)
    figure.suptitle(text(lang, "digest.title", quarter=quarter_label(lang, digest.quarter)))
    out = io.BytesIO()
    # metadata None: no "Software" (matplotlib's version) in the file, so the bytes are stable
    figure.savefig(out, format="png", dpi=DPI, metadata={"Software": None})
    return out.getvalue()


def _counts(axes: Any, lang: str, digest: TeamDigest, names: list[str]) -> None:
    width, highest = 0.8 / len(COUNTS), 0
    for i, (figure_name, colour) in enumerate(zip(COUNTS, COLOURS, strict=True)):
        values = [getattr(p.figures, figure_name) for p in digest.people] or [0]
        highest = max(highest, *values)
        xs = [x + (i - (len(COUNTS) - 1) / 2) * width for x in range(len(names))]
        axes.bar(xs, values, width, label=text(lang, f"digest.figure_{figure_name}"), color=colour)
    axes.set_xticks(range(len(names)), names)
    axes.set_ylim(0, max(highest, 1) * 1.05)  # from 0, also when nothing happened
    axes.set_ylabel(text(lang, "digest.axis_count"))
    axes.yaxis.get_major_locator().set_params(integer=True)
    # below the bars, never over them
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08), ncols=len(COUNTS), fontsize="small", frameon=False)


def _training(axes: Any, lang: str, digest: TeamDigest, names: list[str]) -> None:
    values = [p.figures.training_sek for p in digest.people] or [0]
    axes.bar(range(len(names)), values, 0.6, color=TRAINING_COLOUR)
    axes.set_ylim(0, max(*values, EMPTY_SCALE_SEK) * 1.05)  # no training at all: 0–1 000, not ±0
    axes.set_xticks(range(len(names)), names)
    axes.set_title(text(lang, "digest.figure_training_sek"), fontsize="medium")
    axes.set_ylabel(text(lang, "digest.axis_sek"))
    thousands = "\u00a0" if lang == "sv" else ","  # 4 200 kr / 4,200 SEK, as the text says it
    axes.yaxis.set_major_formatter(lambda value, _: f"{value:,.0f}".replace(",", thousands))
