"""Someone offboarded in Slack: their own commands, clicks and modals, and anyone's click on a
button about them, answered politely, changing nothing (services/lifecycle.py offboards)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from devplan.domain.employees import Employee
from devplan.domain.ids import is_valid_id
from devplan.domain.lifecycle import is_offboarded
from devplan.domain.outbox import named
from devplan.errors import UnusableRecord
from devplan.messages import lifecycle as render
from devplan.services.inputs import SlackRequest, SlackRoute
from devplan.services.lifecycle import IGNORED
from devplan.services.ports import Store
from devplan.services.slack_replies import answer_click, ephemeral, form_subject

log = logging.getLogger(__name__)

Routes = dict[tuple[str, str], SlackRoute]
ASKED = ("command", "block_actions", "view_submission")  # what a person does (events are Slack's)


def stop_offboarded(store: Store, routes: Routes, closed: Callable[[], dict[str, Any]]) -> Routes:
    """Someone offboarded typing a command, clicking or submitting a modal, and anyone clicking a
    button about someone offboarded: answered politely, nothing changes. `closed`: the answer that
    closes a submitted modal (the polite answer goes as a DM, as for a click)."""

    def guarded(route: SlackRoute) -> SlackRoute:
        def handle(request: SlackRequest) -> dict[str, Any]:
            # The plan's record of this Slack account: an active one if there is (a rehire), so
            # only someone who has left is stopped. One query, as each route's own lookup.
            asker = store.employee_with_slack_user(request.user_id) if request.user_id else None
            if asker is None or not is_offboarded(asker):
                return about_offboarded(request, asker) if request.kind != "command" else route(request)
            log.info("%s %s by offboarded %s answered and ignored", request.kind, request.name, asker.employee_id)
            shown = render.plan_closed(asker.language)
            if request.kind == "command":
                return {"outcome": IGNORED, **ephemeral(shown)}
            key, about = f"offboarded-self:{asker.employee_id}", named(asker)
            answered = answer_click(store, request.user_id, key, shown, IGNORED, about)
            return answered if request.kind == "block_actions" else closed()

        def about_offboarded(request: SlackRequest, clicker: Employee | None) -> dict[str, Any]:
            """Every button's value starts with the id of the person it is about; a modal names them
            in its metadata (opened before they left, submitted after: it writes nothing either)."""
            if request.kind == "view_submission":
                person_id = form_subject(request.payload) or ""
            else:
                value = (request.payload.get("actions") or [{}])[0].get("value") or ""
                person_id = value.split("|")[0]
            try:
                person = store.employee(person_id) if is_valid_id(person_id) else None
            except UnusableRecord:  # the route itself answers for a record it cannot read
                person = None
            if person is None or not is_offboarded(person):
                return route(request)
            log.info("%s %s for offboarded %s answered and ignored", request.kind, request.name, person_id)
            shown = render.offboarded_click(clicker.language if clicker else "sv", person.name)
            answered = answer_click(store, request.user_id, f"offboarded:{person_id}", shown, IGNORED, named(person))
            return answered if request.kind == "block_actions" else closed()

        return handle

    return {key: guarded(r) if key[0] in ASKED else r for key, r in routes.items()}
