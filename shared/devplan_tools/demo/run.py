"""`devplan demo`: the seed's year 2025 on the local stack, on an accelerated clock.

Every day of 2025 the manifest's daily tick is published to Pub/Sub (as Cloud Scheduler would
at 07:00 Stockholm), then the day's platform events (onboarding, goals, reflections) are
POSTed to the signed webhook and the day's clicks are made in the Slack stand-in. What Slack
received is printed as a timeline; the first message of each kind in full. The year ends
with a summary per person, read back from Firestore.
"""

from __future__ import annotations

import hashlib
import sys
import time
from datetime import date, datetime, timedelta
from typing import Any

from devplan.domain.calendar import Quarter
from devplan.messages.catalog import role_name
from devplan.messages.dates import format_date_sv, weekday_sv
from devplan_tools import manifest
from devplan_tools.demo import digest_files
from devplan_tools.demo.app_home import show_app_home
from devplan_tools.demo.plan import CLICK_HOUR, EVENT_HOUR, at
from devplan_tools.demo.script import TEAM, YEAR, Day, Person
from devplan_tools.demo.slack_actions import describe, in_slack
from devplan_tools.demo.summary import summary
from devplan_tools.local import control, platform_client, timeline
from devplan_tools.local.control import StackClient
from devplan_tools.local.scheduler import fire_times


class Timeline:
    """Prints what the Slack stand-in received since the last look, under the day's heading."""

    def __init__(self, stack: StackClient, out=sys.stdout):
        self.stack, self.out, self.seen, self.posts = stack, out, 0, 0
        self.kinds_shown: set[str] = set()
        self.day_shown: date | None = None

    def heading(self, day: date) -> None:
        if self.day_shown != day:
            print(f"\n── {weekday_sv(day)} {format_date_sv(day)} " + "─" * 40, file=self.out)
            self.day_shown = day

    def show(self, day: date) -> None:
        fresh = self.stack.slack_calls(since=self.seen)
        self.seen = max([self.seen] + [c["seq"] for c in fresh])
        calls = [c for c in fresh if _interesting(c)]
        charts = digest_files.uploads(fresh)
        if not calls and not charts:
            return
        self.heading(day)
        for chart in charts:  # a lead's quarterly digest: written where the README says
            print(digest_files.save(self.stack.slack_stand_in_url, chart, day), file=self.out)
        names = {u["id"]: u["real_name"] for u in self.stack.slack_users()}
        for call in calls:
            self.posts += call["method"] == "chat.postMessage"
            kind = _kind(call)
            text = timeline.describe(call, names)
            assert text is not None  # _interesting() keeps only calls that describe() renders
            lines = text.splitlines()
            if kind in self.kinds_shown and len(lines) > 2:
                lines = [lines[0], lines[1][:110] + ("…" if len(lines[1]) > 110 or len(lines) > 2 else "")]
            self.kinds_shown.add(kind)
            print("\n".join(lines), file=self.out)
        self.out.flush()


def _interesting(call: dict[str, Any]) -> bool:
    return call["ok"] and call["method"] in ("chat.postMessage", "conversations.invite")


def _kind(call: dict[str, Any]) -> str:
    outbox_id = (((call.get("args") or {}).get("metadata") or {}).get("event_payload") or {}).get("outbox_id", "")
    return outbox_id.split(":")[0] or call["method"]


class Year:
    def __init__(self, stack: StackClient, out=sys.stdout):
        self.stack, self.out, self.timeline = stack, out, Timeline(stack, out)
        self.daily = next(s for s in manifest.load().schedules if s.topic == "devplan-daily-tick")
        self.slack_ids: dict[str, str] = {}

    def say(self, day: date, text: str) -> None:
        self.timeline.heading(day)
        print(f"  ▶ {text}", file=self.out, flush=True)

    def platform(self, event_type: str, data: dict[str, Any], when: datetime) -> None:
        body = platform_client.envelope(event_type, data, occurred_at=when)
        response = platform_client.post_signed(self.stack.webhook_url, self.stack.platform_secret, body)
        response.raise_for_status()

    def create_slack_account(self, person: Person) -> None:
        self.slack_ids[person.employee_id] = self.stack.add_slack_user(person.email, person.name)["id"]

    def run_day(self, day: date) -> None:
        morning = False
        for person in TEAM:
            if person.start_date - timedelta(days=1) == day:
                morning = True
                self.say(
                    day,
                    f"Plattformen: {person.name} ({role_name('sv', person.role)}) "
                    f"börjar {format_date_sv(person.start_date)}",
                )
                if person.slack_from is None:
                    self.create_slack_account(person)
                self.platform("employee.onboarded", person.onboarding_data(), at(day, EVENT_HOUR))
            if person.slack_from == day:
                morning = True
                self.say(day, f"Slack: kontot för {person.name} skapas (team_join)")
                self.create_slack_account(person)
        if morning:
            self.stack.wait_settled()
        for _ in fire_times(self.daily, day):  # 07:00 Stockholm
            self.stack.tick(day)
            self.stack.wait_for_tick(day)
        self.events(day, YEAR.get(day, Day()))
        self.timeline.show(day)

    def events(self, day: date, plan: Day) -> None:
        if not (plan.goals or plan.reflections or plan.held or plan.counted or plan.slack):
            return
        self.timeline.show(day)  # the morning's tick first, then what people do
        for n, counted in enumerate(plan.counted):
            self.say(day, f"Plattformen: {counted.event_type} {describe(counted.data)}")
            self.platform(counted.event_type, counted.data, at(day, EVENT_HOUR) + timedelta(seconds=n))
        for goals in plan.goals:
            self.say(day, f"Plattformen: {self.name(goals.employee_id)} sätter mål: {'; '.join(goals.titles)}")
            self.platform(
                "goals.set",
                {
                    "employeeId": goals.employee_id,
                    "goals": [{"goalId": goal_id(goals.employee_id, t), "title": t} for t in goals.titles],
                },
                at(day, EVENT_HOUR),
            )
        for reflection in plan.reflections:
            self.say(day, f"Dynamisk Journal: {self.name(reflection.employee_id)} loggar en reflektion")
            self.platform(
                "journal.reflection_logged",
                {
                    "employeeId": reflection.employee_id,
                    "entryId": reflection.entry_id,
                    "occurredAt": at(day, EVENT_HOUR).isoformat(),
                },
                at(day, EVENT_HOUR),
            )
        for held in plan.held:
            invite = self.invite_of(held.employee_id, Quarter.of(day))
            self.say(
                day,
                f"Slack: {self.name(held.clicked_by)} klickar »Markera som genomfört« på 1:1 med "
                f"{self.name(held.employee_id)}",
            )
            answer = self.stack.click(
                self.slack_ids[held.clicked_by],
                invite["channel"],
                invite["ts"],
                "review_mark_held",
                action_ts=f"{at(day, CLICK_HOUR).timestamp():.6f}",
            )
            if not answer.get("ok"):
                raise RuntimeError(f"click failed: {answer}")
        for action in plan.slack:
            self.before_slack()
            self.stack.wait_settled()  # what the last action sent is in Slack before the next one
            self.timeline.show(day)
            in_slack(self, day, action)
        self.stack.wait_settled()

    def before_slack(self) -> None:
        """What must have happened before people act in Slack (the chaos year delivers late events)."""

    @staticmethod
    def name(employee_id: str) -> str:
        return next(p.name for p in TEAM if p.employee_id == employee_id)

    def invite_of(self, employee_id: str, quarter: Quarter) -> dict[str, Any]:
        wanted = f"review-invite:{employee_id}:{quarter.key}"
        return next(
            c
            for c in self.stack.slack_calls()
            if c["method"] == "chat.postMessage"
            and c["ok"]
            and _kind(c) == "review-invite"
            and wanted in str(c["args"].get("metadata"))
        )


def goal_id(employee_id: str, title: str) -> str:
    """The platform's id of a goal: the same goal set again in a later quarter keeps its id."""
    return f"{employee_id}-{hashlib.sha256(title.encode()).hexdigest()[:8]}"


def run_demo(*, keep: bool = False, year: int = 2025) -> int:
    started = time.monotonic()
    if control.running():
        print("Stoppa den lokala stacken först (`devplan local down`): demot startar en egen.", file=sys.stderr)
        return 1
    print("▶ Startar lokal stack: Firestore- och Pub/Sub-emulatorer, funktionerna, Slack-ersättaren …", flush=True)
    stack = StackClient(control.up_detached())
    try:
        print(f"▶ Simulerar {year} dag för dag (daglig tick kl 07:00, Europe/Stockholm)", flush=True)
        run = Year(stack)
        day = date(year, 1, 1)
        while day.year == year:
            run.run_day(day)
            day += timedelta(days=1)
        show_app_home(stack, run.slack_ids, date(year, 12, 19), ("anna", "bo"))  # one person and one lead
        summary(stack)
        print(f"\n▶ Klart på {time.monotonic() - started:.0f} s: {run.timeline.posts} meddelanden i Slack.", flush=True)
        if keep:
            print(f"Stacken är kvar ({control.STATE_FILE}); stoppa den med `devplan local down`.")
        return 0
    finally:
        if not keep:
            control.down()
