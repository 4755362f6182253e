"""What people do in Slack in the demo: fill in and submit a modal, click a goal's button.
Through the Slack stand-in, which signs each request as Slack does (local/control.py)."""

from __future__ import annotations

import json
import time
from datetime import date
from typing import TYPE_CHECKING, Any

from devplan_tools.demo.plan import CLICK_HOUR, at
from devplan_tools.demo.script import Answer, Command, ProposeGoal, SlackReflection

if TYPE_CHECKING:
    from devplan_tools.demo.run import Year


def describe(data: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in data.items() if k not in ("outcome", "plan", "relevance", "clientId"))


def _buttons(call: dict[str, Any], action: Answer) -> list[dict[str, Any]]:
    blocks = call["args"].get("blocks") or []
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    return [
        e
        for b in blocks
        if b.get("type") == "actions"
        for e in b.get("elements", [])
        if e.get("action_id") == action.action and str(e.get("value", "")).endswith(action.value_ends)
    ]


def button_value(call: dict[str, Any], action: Answer) -> str | None:
    found = _buttons(call, action)
    return found[0].get("value") if found else None


def button_text(call: dict[str, Any], action: Answer) -> str:
    found = _buttons(call, action)
    return found[0]["text"]["text"] if found else action.action


def in_slack(year: Year, day: date, action: ProposeGoal | Answer | SlackReflection | Command) -> None:
    """A person in Slack: a modal filled in and submitted, a button on a goal's message, a command."""
    if isinstance(action, Command):
        typed = action.text.format(**{e: f"<@{u}|{e}>" for e, u in year.slack_ids.items()})
        shown = action.text.format(**{e: "@" + year.name(e).split()[0] for e in year.slack_ids})
        year.say(day, f"Slack: {year.name(action.by)} skriver /utveckling {shown}")
        answer = year.stack.command(year.slack_ids[action.by], typed)
        reply = json.loads(answer.get("app_answer") or "{}").get("text", "")
        if reply:
            year.say(day, "Svar (bara för " + year.name(action.by).split()[0] + "): " + reply.splitlines()[0])
    elif isinstance(action, Answer):
        call = message(year, f"{action.kind}:{action.employee_id}:", action)
        year.say(day, f"Slack: {year.name(action.clicked_by)} klickar »{button_text(call, action)}«")
        answer = year.stack.click(
            year.slack_ids[action.clicked_by],
            call["channel"],
            call["ts"],
            action.action,
            action_ts=f"{at(day, CLICK_HOUR).timestamp():.6f}",
            value=button_value(call, action),
        )
    else:
        goal = isinstance(action, ProposeGoal)
        user = year.slack_ids[action.employee_id]
        year.say(
            day,
            f"Slack: {year.name(action.employee_id)} skriver /utveckling {'mål' if goal else 'reflektera'} "
            f"och fyller i formuläret" + (f": {action.fields['outcome']}" if goal else ""),
        )
        year.stack.command(user, "mål" if goal else "reflektera")
        answer = year.stack.submit_view(
            user, "goal_form" if goal else "reflection_form", action.fields, {"on": day.isoformat()}
        )
        if answer.get("app_answer"):  # the modal stayed open with field errors
            raise RuntimeError(f"the form was refused: {answer['app_answer']}")
    if not answer.get("ok"):
        raise RuntimeError(f"Slack action failed: {answer}")


def message(year: Year, outbox_prefix: str, answer: Answer, timeout: float = 300.0) -> dict[str, Any]:
    """The newest message whose outbox id starts with `outbox_prefix` and that has `answer`'s
    button, waited for: a post the sender retries (Slack failing, a lease running out) comes
    later than the day's settling."""
    deadline = time.monotonic() + timeout
    while True:
        calls = reversed(year.stack.slack_calls())
        found = next(
            (
                c
                for c in calls
                if c["method"] == "chat.postMessage"
                and c["ok"]
                and outbox_prefix in str(c["args"].get("metadata"))
                and _buttons(c, answer)
            ),
            None,
        )
        if found is not None:
            return found
        if time.monotonic() > deadline:
            raise RuntimeError(f"no Slack message {outbox_prefix!r} within {timeout:.0f} s")
        year.stack.wait_settled()
        time.sleep(1.0)
