"""`devplan report --quarter 2025-Q2 [--csv] [--lead ID] [--lang sv|en] [--project P]`: each
lead's team in figures for HR, the same figures as the quarterly digest (services/digest.py):
goals set, achieved, missed or carried over, 1:1 held, reflections, training used (kr), per
person and a total per lead. A table, or CSV (whole numbers, no formatting, names never read as
formulas) for a spreadsheet.
Reads the running local stack by default, or a real project with --project, as `devplan tick`."""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TextIO

from devplan.domain.calendar import Quarter
from devplan.domain.digest import FIGURES, Figures, TeamDigest
from devplan.domain.limits import FIRST_SUPPORTED_DAY, LAST_SUPPORTED_DAY
from devplan.messages.catalog import format_sek, text


def add_command(commands: argparse._SubParsersAction) -> None:
    report = commands.add_parser("report", help="the teams' figures of a quarter for HR (table or CSV)")
    report.add_argument("--quarter", required=True, metavar="YYYY-QN", help="e.g. 2025-Q2")
    report.add_argument("--csv", action="store_true", help="CSV instead of a table")
    report.add_argument("--lead", metavar="ID", help="one lead's team (default: every lead's)")
    report.add_argument("--lang", choices=("sv", "en"), default="sv", help="column names (default: sv)")
    report.add_argument("--project", help="a Google Cloud project (default: the running local stack)")
    report.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        quarter = Quarter.parse(args.quarter)
    except ValueError:
        years = f"{FIRST_SUPPORTED_DAY.year}–{LAST_SUPPORTED_DAY.year}"
        print(f"Not a quarter: {args.quarter!r} (write it as 2025-Q2, a year {years}).", file=sys.stderr)
        return 2
    from google.cloud import firestore

    from devplan.adapters.firestore.documents import FirestoreDocuments
    from devplan.adapters.firestore.store import Store
    from devplan.services.digest import team_digests
    from devplan_tools import targets

    where = targets.project_or_local(args.project)
    if where is None:
        return 1
    store = Store(FirestoreDocuments(firestore.Client(project=where[0])), clock=lambda: datetime.now(UTC))
    digests = team_digests(store, quarter, args.lead)
    if args.lead and not digests:
        print(f"No employee {args.lead!r}.", file=sys.stderr)
        return 1
    (write_csv if args.csv else write_table)(digests, args.lang, sys.stdout)
    return 0


def header(lang: str) -> list[str]:
    return [text(lang, "digest.report_lead"), text(lang, "digest.report_person")] + [
        text(lang, f"digest.figure_{f}") for f in FIGURES
    ]


def rows(digests: Sequence[TeamDigest], lang: str) -> list[tuple[str, str, Figures]]:
    """Per lead: their people, then the total."""
    total = text(lang, "digest.report_total")
    found: list[tuple[str, str, Figures]] = []
    for digest in digests:
        found += [(digest.lead_name, p.name, p.figures) for p in digest.people]
        found.append((digest.lead_name, total, digest.total))
    return found


# A spreadsheet runs a cell starting with one of these as a formula (a tab or CR too: some trim
# it first). Names come from the platform and Slack, not from us.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_text(cell: str) -> str:
    """The cell as text a spreadsheet shows, never runs: a leading ' before a formula's start."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def write_csv(digests: Sequence[TeamDigest], lang: str, out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header(lang))
    for lead, person, figures in rows(digests, lang):
        writer.writerow([as_text(lead), as_text(person), *(getattr(figures, f) for f in FIGURES)])


def write_table(digests: Sequence[TeamDigest], lang: str, out: TextIO) -> None:
    if not digests:
        out.write(text(lang, "digest.empty") + "\n")
        return
    table = [header(lang)] + [
        [lead, person, *(str(getattr(figures, f)) for f in FIGURES[:-1]), format_sek(lang, figures.training_sek)]
        for lead, person, figures in rows(digests, lang)
    ]
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    for n, row in enumerate(table):
        cells = [c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))]
        out.write("  ".join(cells).rstrip() + "\n")
        if n == 0:
            out.write("  ".join("-" * w for w in widths) + "\n")
