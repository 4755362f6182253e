"""The quarterly digest: a lead's team in figures (domain/digest.py), read through the Store.

At a quarter's opening each project lead gets last quarter's digest (services/cycle_actions.py:
one outbox message `digest:{lead}:{quarter}`, so it is sent once), as a chart file with the
same figures as its comment. The message keeps the figures; the PNG is drawn only when the
sender sends it (`chart_file`), so no bytes are stored in Firestore. `devplan report` reads the
same figures for HR (`team_digests`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from devplan.domain.calendar import Quarter
from devplan.domain.cycle_record import CycleRecord
from devplan.domain.digest import TeamDigest, team_digest
from devplan.domain.employees import Employee
from devplan.domain.outbox import OutboxMessage
from devplan.errors import UnusableRecord
from devplan.messages import digest as render
from devplan.messages import digest_chart
from devplan.services.ports import Store

log = logging.getLogger(__name__)
LANGUAGE = "language"  # kept with the figures: the chart's labels follow the lead's language


def team_digest_of(store: Store, lead: Employee, quarter: Quarter) -> TeamDigest:
    """Everyone led by `lead` (as the records say now), with their quarter's cycle and wallet."""
    team = store.employees_led_by(lead.employee_id)
    loaded = store.load(cycles=[(e.employee_id, quarter) for e in team])

    def cycle_of(member: Employee) -> CycleRecord | None:
        try:
            return loaded.cycle(member.employee_id, quarter)
        except UnusableRecord as exc:  # one member's unreadable record leaves their row empty, not the digest
            log.warning("digest of %s: %s", lead.employee_id, exc, extra={"employeeId": member.employee_id})
            return None

    cycles = {e.employee_id: cycle_of(e) for e in team}
    return team_digest(lead, quarter, team, cycles, store.wallets(team, quarter.year))


def team_digests(store: Store, quarter: Quarter, lead_id: str | None = None) -> list[TeamDigest]:
    """For HR: every lead's team (or one lead's), leads in name order."""
    if lead_id is not None:
        lead = store.employee(lead_id)
        return [team_digest_of(store, lead, quarter)] if lead is not None else []
    ids = store.active_employee_ids()
    loaded = store.load(employees=ids)
    people = [e for e in (loaded.employee(i) for i in ids) if e is not None]
    lead_ids = {e.lead_id for e in people if e.lead_id}
    leads = [e for e in people if e.employee_id in lead_ids]
    return [team_digest_of(store, lead, quarter) for lead in sorted(leads, key=lambda e: (e.name, e.employee_id))]


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
