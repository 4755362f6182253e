"""Where a person's data lies in the layout, and what erasure leaves of each document.

Erasure keeps what is counted (goals' numbers and states, tallies, costs, days, audit kinds)
and removes what identifies or was written by the person: name, e-mail, Slack id, texts
(reflections, goals' wording, training requests, reasons, notes, messages to and about them, their
name in a digest's chart). Every function is idempotent: erasing an erased document changes
nothing. A damaged document (a field of the wrong type) is erased field by field all the same:
a text field goes whatever it holds, a part that is not the map it should be is left as it is.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import datetime
from typing import Any

from devplan.adapters.firestore.mapping.common import Document
from devplan.domain.outbox import CANCELLED, HOME, REPLY_PREFIX

ERASED = "(raderad)"  # what stays in place of a text (the records keep their shape)
ERASED_EMAIL = "raderad@raderad.invalid"  # an address no mail reaches (.invalid, RFC 2606)
ERASED_ACTOR = "erased"  # an audit entry's actorId when the actor was erased: kinds still count
# Text fields, by document kind. A goal's measure keeps target, baseline, unit and source.
GOAL_TEXTS = ("title", "plan", "relevance", "changeNote", "measureNote", "perk")
MEASURE_TEXTS = ("metric",)
REFLECTION_TEXTS = ("wentWell", "challenges", "nextSteps")
REQUEST_TEXTS = ("course", "provider", "why")
AUDIT_DETAIL_TEXTS = ("course", "provider", "subProject", "goalsAchieved")  # the last: goals' titles
# A 1:1's notes and agreed actions (services of issue 11 item 4 write them on the cycle's review).


def _erased_text(value: Any) -> Any:
    """A text field's value erased whatever its type (a damaged record is erased too): a list
    keeps its length (what was counted still counts), a map goes whole, a number stays (a count
    under the same name: lead responsibility)."""
    if isinstance(value, list):
        return [ERASED] * len(value)
    if isinstance(value, dict) or (isinstance(value, str) and value):
        return ERASED
    return value


def _blank(doc: Any, fields: tuple[str, ...]) -> None:
    """Each text replaced, in a map (a damaged document's part that is not one has no fields)."""
    if isinstance(doc, dict):
        for name in fields:
            if name in doc:
                doc[name] = _erased_text(doc[name])


def _items(value: Any, erase: Callable[[dict[str, Any]], None]) -> Any:
    """A list of records (goals, requests, actions) each erased by `erase`; a list or an item of
    another type is erased as a text would be (a number stays)."""
    if not isinstance(value, list):
        return _erased_text(value)
    for i, item in enumerate(value):
        if isinstance(item, dict):
            erase(item)
        else:
            value[i] = _erased_text(item)
    return value


def _map(value: Any) -> dict[str, Any]:
    """A part that should be a map; an empty one if it is damaged (nothing in it to erase)."""
    return value if isinstance(value, dict) else {}


def erased_employee(doc: Document, at: datetime) -> Document:
    out = copy.deepcopy(doc)
    out.update(name=ERASED, email=ERASED_EMAIL, status="offboarded")
    out.pop("slack", None)
    out.setdefault("erasedAt", at)
    for fact in ("name", "email"):  # a digest of the name or e-mail before any update (mapping/lifecycle.py)
        _map(_map(out.get("lifecycle")).get("was")).pop(fact, None)
    goals = out.get("goals")
    if isinstance(goals, dict):
        if "items" in goals:
            goals["items"] = _items(goals["items"], _erased_goal)
    elif "goals" in out:
        out["goals"] = _erased_text(goals)
    return out


def _erased_goal(goal: dict[str, Any]) -> None:
    _blank(goal, GOAL_TEXTS)
    if isinstance(goal.get("measure"), dict):
        _blank(goal["measure"], MEASURE_TEXTS)
    elif "measure" in goal:  # a platform goal's measure is free text
        goal["measure"] = _erased_text(goal["measure"])


def erased_reflection(doc: Document) -> Document:
    out = copy.deepcopy(doc)
    _blank(out, REFLECTION_TEXTS)
    return out


def erased_wallet(doc: Document) -> Document:
    out = copy.deepcopy(doc)
    if "requests" in out:
        out["requests"] = _items(out["requests"], lambda request: _blank(request, REQUEST_TEXTS))
    return out


def erased_cycle(doc: Document) -> Document:
    """The 1:1's notes and agreed actions lose their text (mapping/meeting_notes.py); who wrote
    them, when, and which actions are done stay, so the counts still add up."""
    out = erased_confirmation(doc)
    if isinstance(out.get("notes"), dict):
        _blank(out["notes"], ("text",))
    else:
        _blank(out, ("notes",))
    if "actions" in out:
        out["actions"] = _items(out["actions"], lambda action: _blank(action, ("text",)))
    return out


def erased_confirmation(doc: Document) -> Document:
    """Someone else's 1:1 the person confirmed as its lead: who it was stays (an id), their Slack
    id goes; the pair's notes are the member's, not the lead's to erase."""
    out = copy.deepcopy(doc)
    _map(_map(out.get("review")).get("confirmedBy")).pop("slackUserId", None)
    return out


def erased_audit(doc: Document, employee_id: str) -> Document:
    """Their own entries lose reasons and texts; entries they acted in lose who it was."""
    out = copy.deepcopy(doc)
    if out.get("actorId") == employee_id:
        out["actorId"] = ERASED_ACTOR
    if out.get("employeeId") == employee_id:
        if out.get("why"):
            out["why"] = ERASED
        if isinstance(out.get("detail"), dict):
            _blank(out["detail"], AUDIT_DETAIL_TEXTS)
            out["detail"].pop("digest", None)  # of a name or e-mail (domain/lifecycle.py `said`)
        else:
            _blank(out, ("detail",))
    return out


def is_delivery_record(message_id: str, doc: Document, slack_user_id: str) -> bool:
    """A Home publication or an answer to a click holding the person's Slack id (in its id, as
    before, or its recipients): nothing in it is kept for anyone (a Home is rendered when sent,
    an answer goes to whoever clicked), only its id saying "sent once". Erasure deletes it."""
    delivery = doc.get("kind") == HOME or message_id.startswith(REPLY_PREFIX)
    return delivery and (slack_user_id in message_id or slack_user_id in _users(doc))


def _users(doc: Document) -> list[Any]:
    """A message's recipients (a damaged one's single id as a list of one)."""
    users = doc.get("users")
    return users if isinstance(users, list) else [users] if users else []


def erased_outbox(doc: Document, slack_user_id: str, employee_id: str) -> Document:
    """A message to or about the person: its text goes (a digest's text names everyone on the
    team), their Slack id in its recipients and their name in a digest's chart go too; one still
    pending is cancelled, never sent with its text gone."""
    out = copy.deepcopy(doc)
    out["users"] = [ERASED_ACTOR if u == slack_user_id else u for u in _users(out)]
    if out.get("kind") == HOME and out.get("state") != "pending":
        out["users"] = []  # a Home not pending needs no recipient (one kept by an older version)
    _blank(out, ("text",))  # a Home publication has none: it stays as it is
    out["blocks"] = []
    chart = out.get("chart")
    if isinstance(chart, dict):
        if chart.get("leadId") == employee_id:
            chart["leadName"] = ERASED
        people = chart.get("people")
        for person in people if isinstance(people, list) else []:
            if isinstance(person, dict) and person.get("employeeId") == employee_id:
                person["name"] = ERASED
    if out.get("state") == "pending":
        out["state"] = CANCELLED  # never sent with its text gone
    return out
