"""The Slack endpoint's routing table: (kind, name) → one service call.

Slack wants an answer within 3 s, so routes do one quick Firestore read or write and return;
anything slow goes through the outbox. The one direct Slack call is views.open, which must
use the request's trigger_id within those 3 s. What a route reads of the payload was checked
when the request was decoded (adapters/decoding/slack.py): a team_join's event.user with an id,
a block_actions' actions[0] with an action_id and, if present, a text value, Slack timestamps
and a trigger_id; a command's text and trigger_id; a view_submission's view.id,
private_metadata and state.values.

A view_submission's answer is read by Slack itself: `{"response_action": "errors", ...}` keeps
the modal open with a message under each field, an empty body closes it (ViewAnswer: the
entry point adds nothing to it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from devplan.domain.calendar import stockholm_date
from devplan.domain.outbox import named
from devplan.errors import InvalidEvent
from devplan.messages.catalog import text
from devplan.messages.cycle import MARK_HELD_ACTION
from devplan.messages.funding import FUNDING_LARGER_APPROVE, FUNDING_LARGER_NOT_YET
from devplan.messages.goal_form import GOAL_FORM
from devplan.messages.goals import (
    GOAL_AGREE,
    GOAL_CHANGE,
    GOAL_CONFIRM,
    GOAL_NOT_YET,
    GOAL_PERK,
    OPEN_GOAL_FORM,
    OPEN_REFLECTION_FORM,
)
from devplan.messages.home import HOME_MORE
from devplan.messages.reflection_form import REFLECTION_FORM
from devplan.messages.wallet import WALLET_APPROVE, WALLET_REFUSE
from devplan.messages.wallet_form import WALLET_FORM
from devplan.messages.why import SNOOZE_ACTION
from devplan.services import (
    funding_approval,
    goal_agreement,
    goal_forms,
    home,
    home_refresh,
    meeting_notes,
    offboarded,
    reflection_forms,
    reviews,
    snooze,
    wallet,
    wallet_forms,
)
from devplan.services.advancement_routes import advancement_routes
from devplan.services.goal_revision import GOAL_MISSED, mark_missed_route
from devplan.services.inputs import SlackRequest, SlackRoute
from devplan.services.language import request_language
from devplan.services.leads import active_lead
from devplan.services.notes_routes import notes_routes
from devplan.services.ports import Slack, Store
from devplan.services.slack_accounts import link_account
from devplan.services.slack_command import utveckling_route
from devplan.services.slack_replies import answer_click, clicked_at, clicked_on, ephemeral
from devplan.services.time_off_form import time_off_routes

log = logging.getLogger(__name__)


class ViewAnswer(dict[str, Any]):
    """The answer to a view_submission, sent as it is: Slack reads `response_action` from the
    body and takes an empty body to mean "close"; anything else it shows as an error."""

    as_is = True  # adapters/entry.http_answer sends it without its {"ok": true}


def view_answer(errors: Mapping[str, str]) -> ViewAnswer:
    return ViewAnswer({"response_action": "errors", "errors": dict(errors)} if errors else {})


def routes(store: Store, slack: Slack, clock: Callable[[], datetime]) -> dict[tuple[str, str], SlackRoute]:
    """`clock`: when a command is typed or Home opened without a day (a click carries Slack's
    action_ts, a modal the day it was opened in its private_metadata)."""

    def today() -> date:
        return stockholm_date(clock())

    def app_home_opened(request: SlackRequest) -> dict[str, Any]:
        event = request.payload["event"]  # the decoder checked user and, if present, tab and event_ts
        if event.get("tab", "home") != "home" or not request.user_id:  # the Messages tab: nothing to show
            return {"outcome": "not_home"}
        on = home_refresh.opened_on(event.get("event_ts")) or today()  # Slack's day: a simulated year's own
        return home_refresh.opened(store, request.user_id, str(request.payload.get("event_id") or ""), on)

    def home_more(request: SlackRequest) -> dict[str, Any]:
        trigger_id = request.payload.get("trigger_id") or ""
        return home.open_more(store, slack, request.user_id, trigger_id, clicked_on(request.payload))

    def team_join(request: SlackRequest) -> dict[str, Any]:
        user = request.payload["event"]["user"]
        email = (user.get("profile") or {}).get("email")
        return {"linked": link_account(email, user["id"], store) if email else 0}

    def review_mark_held(request: SlackRequest) -> dict[str, Any]:
        action = request.payload["actions"][0]
        # The day it was held is Slack's, never our clock's: a click without a time says nothing.
        clicked_at = action.get("action_ts") or request.payload.get("action_ts")
        if not clicked_at:
            raise InvalidEvent("mark-held click carries no action_ts", code="malformed")
        value = action.get("value") or ""
        outcome = reviews.mark_held(value, request.user_id, clicked_at, store)
        if outcome == "not_a_participant":
            return _not_yours(store, request.user_id, value, outcome)
        if outcome in ("held", "already_held"):  # the notes modal, while the click's trigger_id lives
            trigger_id = request.payload.get("trigger_id") or ""
            on = clicked_on(request.payload)
            return {
                "outcome": outcome,
                "notes": meeting_notes.open_form(store, slack, request.user_id, trigger_id, value, on),
            }
        return {"outcome": outcome}

    def goal_click(act: Callable[[Store, goal_agreement.Click], dict[str, Any]]) -> SlackRoute:
        def handle(request: SlackRequest) -> dict[str, Any]:
            value = request.payload["actions"][0].get("value") or ""
            return act(store, goal_agreement.read_click(value, request.user_id, clicked_on(request.payload)))

        return handle

    def open_goal_form(request: SlackRequest) -> dict[str, Any]:
        action = request.payload["actions"][0]
        on, trigger_id = clicked_on(request.payload), request.payload.get("trigger_id") or ""
        return goal_forms.open_new(store, slack, request.user_id, trigger_id, on, action.get("value") or "")

    def change_goal(request: SlackRequest) -> dict[str, Any]:
        on, trigger_id = clicked_on(request.payload), request.payload.get("trigger_id") or ""
        value = request.payload["actions"][0].get("value") or ""
        return goal_forms.open_change(store, slack, request.user_id, trigger_id, value, on)

    def open_reflection_form(request: SlackRequest) -> dict[str, Any]:
        on, trigger_id = clicked_on(request.payload), request.payload.get("trigger_id") or ""
        return reflection_forms.open_form(store, slack, request.user_id, trigger_id, on)

    def goal_submitted(request: SlackRequest) -> dict[str, Any]:
        return view_answer(goal_forms.submit(store, request.user_id, request.payload))

    def course_submitted(request: SlackRequest) -> dict[str, Any]:
        return view_answer(wallet_forms.submit(store, request.user_id, request.payload, clock()))

    def reflection_submitted(request: SlackRequest) -> dict[str, Any]:
        return view_answer(reflection_forms.submit(store, request.user_id, request.payload, clock()))

    def wallet_click(approve: bool) -> SlackRoute:
        def handle(request: SlackRequest) -> dict[str, Any]:
            value = request.payload["actions"][0].get("value") or ""
            click = wallet.read_click(value, request.user_id, clicked_at(request.payload))
            return wallet.decide(store, click, approve=approve)

        return handle

    def snooze_click(request: SlackRequest) -> dict[str, Any]:
        value = request.payload["actions"][0].get("value") or ""
        return snooze.snooze_click(store, value, request.user_id, clicked_on(request.payload))

    def larger_click(approve: bool) -> SlackRoute:
        def handle(request: SlackRequest) -> dict[str, Any]:
            value = request.payload["actions"][0].get("value") or ""
            return funding_approval.answer(store, value, request.user_id, clicked_at(request.payload), approve=approve)

        return handle

    table: dict[tuple[str, str], SlackRoute] = {
        ("command", "/utveckling"): utveckling_route(store, slack, clock),
        ("block_actions", WALLET_APPROVE): wallet_click(approve=True),
        ("block_actions", WALLET_REFUSE): wallet_click(approve=False),
        ("block_actions", FUNDING_LARGER_APPROVE): larger_click(approve=True),
        ("block_actions", FUNDING_LARGER_NOT_YET): larger_click(approve=False),
        ("block_actions", MARK_HELD_ACTION): review_mark_held,
        ("block_actions", SNOOZE_ACTION): snooze_click,
        ("block_actions", GOAL_MISSED): lambda request: mark_missed_route(request, store),
        ("block_actions", GOAL_AGREE): goal_click(goal_agreement.agree),
        ("block_actions", GOAL_CHANGE): change_goal,
        ("block_actions", GOAL_CONFIRM): goal_click(goal_agreement.confirm),
        ("block_actions", GOAL_NOT_YET): goal_click(goal_agreement.not_yet),
        ("block_actions", GOAL_PERK): goal_click(goal_agreement.choose_perk),
        ("block_actions", OPEN_GOAL_FORM): open_goal_form,
        ("block_actions", OPEN_REFLECTION_FORM): open_reflection_form,
        ("view_submission", GOAL_FORM): goal_submitted,
        ("view_submission", REFLECTION_FORM): reflection_submitted,
        ("view_submission", WALLET_FORM): course_submitted,
        ("event", "team_join"): team_join,
        ("event", "app_home_opened"): app_home_opened,
        ("block_actions", HOME_MORE): home_more,
        **advancement_routes(store, slack, view_answer),
        **notes_routes(store, view_answer),
        **time_off_routes(store, slack, clock, view_answer),
    }
    # someone who left, asking; buttons about someone who left
    return offboarded.stop_offboarded(store, table, lambda: view_answer({}))


def _not_yours(store: Store, slack_user_id: str, value: str, outcome: str) -> dict[str, Any]:
    """Someone else's 1:1: the catalog's polite answer, naming the two who can mark it."""
    employee = store.employee(value.split("|")[0])
    lead = active_lead(store, employee) if employee else None
    clicker = store.employee_with_slack_user(slack_user_id)
    if employee is None or lead is None:
        return {"outcome": outcome}
    lang = clicker.language if clicker else "sv"
    shown = text(lang, "review.not_yours", employee=employee.name, lead=lead.name)
    key = f"review:{value.replace('|', ':')}"
    return answer_click(store, slack_user_id, key, shown, outcome, named(employee, lead))


def route(request: SlackRequest, table: Mapping[tuple[str, str], SlackRoute]) -> dict[str, Any]:
    """Dispatch on (kind, name). Unknown commands and actions are answered politely, not 4xx."""
    if request.kind == "url_verification":
        return {"challenge": request.payload.get("challenge")}
    handler = table.get((request.kind, request.name))
    if handler is None:
        log.warning("no route for Slack %s %s", request.kind, request.name)
        if request.kind == "command":
            return ephemeral(text(request_language(request.payload), "slack_answers.unknown_command"))
        return view_answer({}) if request.kind == "view_submission" else {}
    return handler(request)
