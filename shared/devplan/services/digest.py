"""The quarterly digest: a lead's team in figures (domain/digest.py), read through the Store.

The business day after a quarter opens whoever led someone (any role) gets last quarter's digest
(services/cycle_actions.py: one outbox message `digest:{lead}:{quarter}`, so it is sent once),
as a chart file with the same figures as its comment. The message keeps the figures; the PNG is drawn only when the
sender sends it (`chart_file`), so no bytes are stored in Firestore. `devplan report` reads the
same figures for HR (`team_digests`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from devplan.domain.calendar import Quarter
from devplan.domain.cycle_record import CycleRecord
from devplan.domain.digest import TeamDigest, team_digest, was_here
from devplan.domain.employees import Employee
from devplan.domain.outbox import OutboxMessage
from devplan.errors import UnusableRecord
from devplan.messages import digest as render
from devplan.messages import digest_chart
from devplan.services.ports import Loaded, Store

log = logging.getLogger(__name__)
LANGUAGE = "language"  # kept with the figures: the chart's labels follow the lead's language


def team_digest_of(store: Store, lead: Employee, quarter: Quarter) -> TeamDigest:
    return team_digests_of(store, [lead], quarter)[lead.employee_id]


def team_digests_of(store: Store, leads: Sequence[Employee], quarter: Quarter) -> dict[str, TeamDigest]:
    """Whoever was on each lead's team in the quarter, with their quarter's cycle and wallet: those
    whose record of the quarter names the lead (their lead at its opening), and those the lead
    leads now whose record names nobody (not opened, or opened before the lead was kept). Two
    queries for up to 30 leads, not two per lead: everyone is asked once a quarter
    (services/cycle_actions.py) and most lead nobody, and a query costs a read even when it
    finds nobody. A lead who led nobody gets a digest of nobody."""
    ids = [lead.employee_id for lead in leads]
    recorded = {c.employee_id: c for c in store.cycles_led_by(ids, quarter)}
    led_now = {e.employee_id: e for e in store.employees_led_by_any(ids)}
    unrecorded = [i for i in led_now if i not in recorded]
    moved_since = [i for i in recorded if i not in led_now]  # led by someone else (or nobody) now
    loaded = store.load(employees=moved_since, cycles=[(i, quarter) for i in unrecorded])
    cycles: dict[str, CycleRecord | None] = {**recorded, **{i: _cycle(loaded, i, quarter) for i in unrecorded}}
    candidates = [*led_now.values(), *(e for e in (_employee(loaded, i) for i in moved_since) if e is not None)]
    teams: dict[str, list[Employee]] = {i: [] for i in ids}
    for person in candidates:
        if (led_by := _lead_in(person, cycles)) in teams:
            teams[led_by].append(person)
    members = [e for team in teams.values() for e in team if was_here(e, quarter)]
    wallets = store.wallets(members, quarter.year) if members else {}  # one round trip for all teams
    return {lead.employee_id: team_digest(lead, quarter, teams[lead.employee_id], cycles, wallets) for lead in leads}


def team_digests(store: Store, quarter: Quarter, lead_id: str | None = None) -> list[TeamDigest]:
    """For HR: every lead's team of the quarter (or one lead's), leads in name order. Everyone is
    read, offboarded too: a lead or a member who left since was still there in the quarter."""
    if lead_id is not None:
        lead = store.employee(lead_id)
        return [team_digest_of(store, lead, quarter)] if lead is not None else []
    ids = store.employee_ids()
    loaded = store.load(employees=ids, cycles=[(i, quarter) for i in ids])
    people = {e.employee_id: e for e in (_employee(loaded, i) for i in ids) if e is not None}
    cycles = {i: _cycle(loaded, i, quarter) for i in people}
    teams: dict[str, list[Employee]] = {}
    for person in people.values():
        if (led_by := _lead_in(person, cycles)) is not None:
            teams.setdefault(led_by, []).append(person)
    leads = sorted((people[i] for i in teams if i in people), key=lambda e: (e.name, e.employee_id))
    digests = [_digest(store, lead, quarter, teams[lead.employee_id], cycles) for lead in leads]
    return [d for d in digests if d.people]  # a team everyone had left before the quarter: no line


def _lead_in(person: Employee, cycles: Mapping[str, CycleRecord | None]) -> str | None:
    cycle = cycles.get(person.employee_id)
    return cycle.lead_in_quarter(person.lead_id) if cycle is not None else person.lead_id


def _digest(
    store: Store, lead: Employee, quarter: Quarter, team: list[Employee], cycles: Mapping[str, CycleRecord | None]
) -> TeamDigest:
    members = [e for e in team if was_here(e, quarter)]  # no wallets read for those who had left
    return team_digest(lead, quarter, members, cycles, store.wallets(members, quarter.year))


def _employee(loaded: Loaded, employee_id: str) -> Employee | None:
    """One unreadable record leaves that person out of a digest, not the digest out."""
    try:
        return loaded.employee(employee_id)
    except UnusableRecord as exc:
        log.warning("digest: %s", exc, extra={"employeeId": employee_id})
        return None


def _cycle(loaded: Loaded, employee_id: str, quarter: Quarter) -> CycleRecord | None:
    """An unreadable record leaves the person's row empty (and their lead today's), not the digest out."""
    try:
        return loaded.cycle(employee_id, quarter)
    except UnusableRecord as exc:
        log.warning("digest: %s", exc, extra={"employeeId": employee_id})
        return None


def digest_message(message_id: str, lead: Employee, digest: TeamDigest, why: str = "") -> OutboxMessage | None:
    """The DM to the lead; None when the lead has no Slack account yet or nobody to show. `why`:
    the line saying which rule sent it (messages/why.py), last in the text."""
    if lead.slack_user_id is None or not digest.people:
        return None
    return OutboxMessage(
        message_id,
        users=(lead.slack_user_id,),
        text=render.digest_text(lead.language, digest) + (f"\n\n_{why}_" if why else ""),
        topic="quarterly digest",
        chart={**digest.as_data(), LANGUAGE: lead.language},
        about=(digest.lead_id, *(p.employee_id for p in digest.people)),
    )


@dataclass(frozen=True)
class ChartFile:
    filename: str  # one per outbox message: how a retry finds a file already shared
    title: str
    render: Callable[[], bytes]  # the PNG, drawn when called (matplotlib is imported only then)


def chart_filename(message_id: str) -> str:
    """The file's name, one per outbox message (a retry finds the file by it)."""
    return message_id.replace(":", "-") + ".png"


def chart_file(message: OutboxMessage) -> ChartFile:
    if message.chart is None:
        raise ValueError(f"outbox {message.id} carries no chart")
    digest = TeamDigest.from_data(message.chart)
    lang = str(message.chart.get(LANGUAGE) or "sv")
    return ChartFile(chart_filename(message.id), render.title(lang, digest), lambda: digest_chart.png(lang, digest))
