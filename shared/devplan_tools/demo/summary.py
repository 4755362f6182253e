"""The demo's closing summary: each person's year, quarter by quarter, read from Firestore."""

from __future__ import annotations

import sys
from collections import Counter
from datetime import date

from devplan.adapters.firestore.mapping import employee_from
from devplan.domain.calendar import Quarter
from devplan.domain.goals import SmartGoal
from devplan.messages.catalog import role_name
from devplan.messages.dates import format_date_sv, quarter_label
from devplan.messages.goals import amount
from devplan_tools.demo.script import TEAM
from devplan_tools.local.control import StackClient

REMINDER_SV = {
    "goal-nudge": "mål snart",
    "goal-overdue": "mål försenade",
    "review-reminder": "1:1 påminnelse",
    "review-escalation": "1:1 eskalerad",
    "reflection-nudge": "reflektion",
    "senior-coach-check": "Senior Coach prövad",
    "supervision-nudge": "handledning",
    "funding-reminder": "ansökan snart",
}


def summary(stack: StackClient, out=sys.stdout) -> None:
    db = stack.firestore()
    print("\n══ Året 2025 per person " + "═" * 50, file=out)
    for person in TEAM:
        employee = db.document(f"employees/{person.employee_id}").get().to_dict()
        print(
            f"\n{person.name} ({role_name('sv', person.role)}), började {format_date_sv(person.start_date)}", file=out
        )
        plan = employee_from(person.employee_id, employee).goals
        for quarter in (Quarter(2025, n) for n in range(1, 5)):
            cycle = (db.document(f"cycles/{person.employee_id}:{quarter.key}").get().to_dict()) or {}
            review = cycle.get("review") or {}
            held = (
                f"hölls {format_date_sv(date.fromisoformat(review['heldOn']))}"
                if review.get("heldOn")
                else {"no_lead": "ingen (projektledare)", "invited": "ej markerat"}.get(review.get("status") or "", "–")
            )
            revision = cycle.get("revision") or {}
            goals_done = (
                f"klara {format_date_sv(date.fromisoformat(revision['doneOn']))}"
                if revision.get("doneOn")
                else ("ej klara" if revision.get("deadline") else "–")
            )
            sent = Counter(k.split(":")[0] for k in (cycle.get("done") or {}) if k != "open")
            reminders = ", ".join(
                f"{REMINDER_SV.get(k, k)}{f' ×{n}' if n > 1 else ''}" for k, n in sorted(sent.items())
            )
            print(
                f"  {quarter_label('sv', quarter)}: 1:1 {held} · mål {goals_done}"
                f" · reflektioner {cycle.get('reflections', 0)}"
                f" · påminnelser: {reminders or 'inga'}",
                file=out,
            )
            for goal in plan.of_quarter(quarter):
                print(f"      {goal_line(goal)}", file=out)


STATUS_SV = {
    "proposed": "○ föreslaget",
    "agreed": "● överenskommet",
    "awaiting_confirmation": "⏳ väntar på bekräftelse",
    "achieved": "✅ uppnått",
    "missed": "✗ ej uppnått",
    "carried_over": "↪ fört vidare",
    "withdrawn": "– ersatt",
}
PERK_SV = {"extra_day_off": "extra ledig dag", "gift_card": "presentkort", "none": "ingen förmån"}


def goal_line(goal: SmartGoal) -> str:
    """One goal of a quarter: how it ended, its measure's progress, the perk it earned."""
    measure = goal.draft.measure
    shown = ""
    if measure is not None and goal.progress is not None:
        shown = f" ({amount('sv', goal.progress, '')} av {amount('sv', measure.target, measure.unit)})"
    perk = f", 🎁 {PERK_SV[goal.perk]}" if goal.perk else ""
    return f"{STATUS_SV.get(goal.status, goal.status)}: {goal.title}{shown}{perk}"
