"""Where a person's data lies in the layout, and what erasure leaves of each document.

Erasure keeps what is counted (goals' numbers and states, tallies, costs, days, audit kinds)
and removes what identifies or was written by the person: name, e-mail, Slack id, texts
(reflections, goals' wording, training requests, reasons, notes, messages to and about them, their
name in a digest's chart). Every function is idempotent: erasing an erased document changes
nothing.
"""

from __future__ import annotations

import copy
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


def _blank(doc: dict[str, Any], fields: tuple[str, ...]) -> None:
    """Each text replaced; a list of texts keeps its length (what was counted still counts)."""
    for name in fields:
        value = doc.get(name)
        if isinstance(value, list):
            doc[name] = [ERASED] * len(value)
        elif isinstance(value, str) and value:  # a count under the same name stays (lead responsibility)
            doc[name] = ERASED


def erased_employee(doc: Document, at: datetime) -> Document:
    out = copy.deepcopy(doc)
    out.update(name=ERASED, email=ERASED_EMAIL, status="offboarded")
    out.pop("slack", None)
    out.setdefault("erasedAt", at)
    for goal in (out.get("goals") or {}).get("items") or []:
        _blank(goal, GOAL_TEXTS)
        if isinstance(goal.get("measure"), dict):
            _blank(goal["measure"], MEASURE_TEXTS)
        elif goal.get("measure"):  # a platform goal's measure is free text
            goal["measure"] = ERASED
    return out


def erased_reflection(doc: Document) -> Document:
    out = copy.deepcopy(doc)
    _blank(out, REFLECTION_TEXTS)
    return out


def erased_wallet(doc: Document) -> Document:
    out = copy.deepcopy(doc)
    for request in out.get("requests") or []:
        _blank(request, REQUEST_TEXTS)
    return out


def erased_cycle(doc: Document) -> Document:
    """The 1:1's notes and agreed actions lose their text (mapping/meeting_notes.py); who wrote
    them, when, and which actions are done stay, so the counts still add up."""
    out = copy.deepcopy(doc)
    ((out.get("review") or {}).get("confirmedBy") or {}).pop("slackUserId", None)
    _blank(out.get("notes") or {}, ("text",))
    for action in out.get("actions") or []:
        _blank(action, ("text",))
    return out


def erased_confirmation(doc: Document) -> Document:
    """Someone else's 1:1 the person confirmed as its lead: who it was stays (an id), their Slack
    id goes; the pair's notes are the member's, not the lead's to erase."""
    out = copy.deepcopy(doc)
    ((out.get("review") or {}).get("confirmedBy") or {}).pop("slackUserId", None)
    return out


def erased_audit(doc: Document, employee_id: str) -> Document:
    """Their own entries lose reasons and texts; entries they acted in lose who it was."""
    out = copy.deepcopy(doc)
    if out.get("actorId") == employee_id:
        out["actorId"] = ERASED_ACTOR
    if out.get("employeeId") == employee_id:
        if out.get("why"):
            out["why"] = ERASED
        _blank(out.get("detail") or {}, AUDIT_DETAIL_TEXTS)
    return out


def is_delivery_record(message_id: str, doc: Document, slack_user_id: str) -> bool:
    """A Home publication or an answer to a click holding the person's Slack id (in its id, as
    before, or its recipients): nothing in it is kept for anyone (a Home is rendered when sent,
    an answer goes to whoever clicked), only its id saying "sent once". Erasure deletes it."""
    delivery = doc.get("kind") == HOME or message_id.startswith(REPLY_PREFIX)
    return delivery and (slack_user_id in message_id or slack_user_id in (doc.get("users") or []))


def erased_outbox(doc: Document, slack_user_id: str, employee_id: str) -> Document:
    """A message to or about the person: its text goes (a digest's text names everyone on the
    team), their Slack id in its recipients and their name in a digest's chart go too; one still
    pending is cancelled, never sent with its text gone."""
    out = copy.deepcopy(doc)
    out["users"] = [ERASED_ACTOR if u == slack_user_id else u for u in out.get("users") or []]
    if out.get("kind") == HOME and out.get("state") != "pending":
        out["users"] = []  # a Home not pending needs no recipient (one kept by an older version)
    _blank(out, ("text",))  # a Home publication has none: it stays as it is
    out["blocks"] = []
    chart = out.get("chart")
    if isinstance(chart, dict):
        if chart.get("leadId") == employee_id:
            chart["leadName"] = ERASED
        for person in chart.get("people") or []:
            if isinstance(person, dict) and person.get("employeeId") == employee_id:
                person["name"] = ERASED
    if out.get("state") == "pending":
        out["state"] = CANCELLED  # never sent with its text gone
    return out
