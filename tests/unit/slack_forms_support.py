"""Shared by the tests of goals and reflections in Slack: the team in the in-memory store, and
Slack requests as the decoder hands them to the route table (commands with a trigger_id, clicks
with Slack's action_ts, modal submissions whose view.state.values are shaped by the stand-in's
own code, as Slack shapes them)."""

from __future__ import annotations

import copy
import itertools
from datetime import UTC, date, datetime, time
from typing import Any

from devplan.services.inputs import SlackRequest
from devplan.services.slack_routes import route, routes
from devplan_tools.stand_in.views import Views
from tests.fakes import FakeSlack, InMemoryStore
from tests.fixtures.documents import ANNA

ANNA_SLACK, BO_SLACK, MAJA_SLACK = "U_ANNA", "U_BO", "U_MAJA"
BO = {**ANNA, "name": "Bo Joel Kvarnsmyr", "email": "bo@innerjourney.se", "role": "project_lead", "leadId": None}
MAJA = {**ANNA, "name": "Maja Berg", "email": "maja@innerjourney.se", "role": "coach"}
GOOD_GOAL = {
    "outcome": "Genomföra minst 20 coachingsessioner",
    "metric": "genomförda coachingsessioner",
    "baseline": "0",
    "target": "20",
    "unit": "st",
    "source": "coaching_sessions",
    "plan": "Två sessioner i veckan, handledning av en Senior Coach.",
    "relevance": "Fler coacher med erfarenhet är vad plattformen behöver.",
    "due": "2025-06-30",
}
_views = itertools.count(1)


class Team:
    """Bo leads Anna and Maja; everyone has a Slack account."""

    def __init__(self, now: datetime = datetime(2025, 4, 8, 7, 0, tzinfo=UTC)):
        self.store, self.slack = InMemoryStore(now), FakeSlack()
        for employee_id, doc, user in (("bo", BO, BO_SLACK), ("anna", ANNA, ANNA_SLACK), ("maja", MAJA, MAJA_SLACK)):
            self.store.docs[f"employees/{employee_id}"] = {
                **copy.deepcopy(doc),
                "slack": {"userId": user},
                "onboarding": {"status": "welcomed"},
            }
        self.table = routes(self.store, self.slack, lambda: self.store.now)

    def snapshot(self) -> dict[str, Any]:
        return copy.deepcopy(self.store.docs)

    def outbox(self, prefix: str = "") -> dict[str, dict[str, Any]]:
        return {k: v for k, v in self.store.collection("outbox").items() if k.startswith(prefix)}

    def goals(self, employee_id: str = "anna") -> list[dict[str, Any]]:
        return self.store.docs[f"employees/{employee_id}"].get("goals", {}).get("items", [])

    def command(self, user: str, text: str) -> dict[str, Any]:
        payload = {"command": "/utveckling", "user_id": user, "text": text, "trigger_id": self.slack.issue_trigger()}
        return route(SlackRequest("command", "/utveckling", user, payload), self.table)

    def click(self, user: str, action_id: str, value: str | None, on: date) -> dict[str, Any]:
        stamp = f"{datetime.combine(on, time(9), UTC).timestamp():.6f}"
        action = {"action_id": action_id, "action_ts": stamp, **({"value": value} if value is not None else {})}
        payload = {"type": "block_actions", "user": {"id": user}, "actions": [action]}
        payload["trigger_id"] = self.slack.issue_trigger()
        return route(SlackRequest("block_actions", action_id, user, payload), self.table)

    def last_view(self) -> dict[str, Any]:
        return self.slack.views[-1]

    def submit(
        self, user: str, values: dict[str, Any], view: dict[str, Any] | None = None, **metadata: Any
    ) -> dict[str, Any]:
        """Submit `view` (the last opened) with `values`; `metadata` changes its private_metadata."""
        import json

        view = copy.deepcopy(view or self.last_view())
        if metadata:
            view["private_metadata"] = json.dumps({**json.loads(view["private_metadata"]), **metadata})
        view.setdefault("id", f"V{next(_views):08d}")
        view["state"] = Views.submitted_state(view, values)
        payload = {"type": "view_submission", "user": {"id": user}, "view": view}
        return route(SlackRequest("view_submission", view["callback_id"], user, payload), self.table)

    def button(self, message_prefix: str, action_id: str) -> str:
        """The value of `action_id`'s button in the outbox message whose id starts with the prefix."""
        (message,) = self.outbox(message_prefix).values()
        return next(
            e["value"]
            for b in message["blocks"]
            if b.get("type") == "actions"
            for e in b["elements"]
            if e["action_id"] == action_id
        )
