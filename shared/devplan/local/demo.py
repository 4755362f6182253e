"""`devplan demo`: the plan on the local stack, with the Slack conversation as it happens."""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass

from devplan.local import control, platform_client, timeline
from devplan.local.control import StackClient


@dataclass(frozen=True)
class Person:
    employee_id: str
    name: str
    email: str
    role: str
    lead_id: str | None
    start_date: str
    has_slack: bool = True


# The seed's team: a project lead, a developer, a coach and a funding manager. The funding
# manager's Slack account is made after onboarding, to show the welcome that waits for it.
TEAM = (
    Person("bo", "Bo Joel Kvarnsmyr", "bo@innerjourney.se", "project_lead", None, "2025-01-02"),
    Person("anna", "Anna Lindqvist", "anna@innerjourney.se", "developer", "bo", "2025-01-07"),
    Person("maja", "Maja Berg", "maja@innerjourney.se", "coach", "bo", "2025-01-13"),
    Person("erik", "Erik Holm", "erik@innerjourney.se", "funding_manager", "bo", "2025-02-03", has_slack=False),
)


class Timeline:
    """Prints what the Slack stand-in received since the last look."""

    def __init__(self, stack: StackClient, out=sys.stdout):
        self.stack, self.out, self.seen, self.messages = stack, out, 0, 0

    def follow(self, settle: float = 0.8) -> None:
        self.stack.wait_quiet(timeout=120, settle=settle)
        calls = self.stack.slack_calls(since=self.seen)
        for call in calls:
            self.seen = max(self.seen, call["seq"])
            self.messages += call["method"] == "chat.postMessage" and bool(call["ok"])
        for line in timeline.render(calls):
            print(line, file=self.out)
        self.out.flush()


def say(text: str) -> None:
    print(f"\n▶ {text}", flush=True)


def onboard(stack: StackClient, person: Person) -> None:
    response = platform_client.send(stack.webhook_url, stack.platform_secret, "employee.onboarded", {
        "employeeId": person.employee_id, "name": person.name, "email": person.email, "role": person.role,
        "leadId": person.lead_id, "startDate": person.start_date})
    response.raise_for_status()


def run_demo(*, keep: bool = False) -> int:
    started = time.monotonic()
    if control.running():
        print("Stoppa den lokala stacken först (`devplan local down`): demot startar en egen.", file=sys.stderr)
        return 1
    say("Startar lokal stack: Firestore- och Pub/Sub-emulatorer, funktionerna, Slack-ersättaren …")
    stack = StackClient(control.up_detached())
    try:
        follow = Timeline(stack)
        for person in TEAM:
            if person.has_slack:
                stack.add_slack_user(person.email, person.name)
        follow.follow(settle=0.2)
        for person in TEAM:
            say(f"Plattformen: {person.name} ({person.role}) börjar {person.start_date}")
            onboard(stack, person)
            follow.follow()
        for person in (p for p in TEAM if not p.has_slack):
            say(f"Slack: kontot för {person.name} skapas (team_join)")
            stack.add_slack_user(person.email, person.name)
            follow.follow(settle=1.5)
        say(f"Klart på {time.monotonic() - started:.0f} s: {follow.messages} meddelanden i Slack.")
        if keep:
            print(f"Stacken är kvar ({control.STATE_FILE}); stoppa den med `devplan local down`.")
        return 0
    finally:
        if not keep:
            control.down()
