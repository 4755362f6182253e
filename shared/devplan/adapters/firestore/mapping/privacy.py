"""Where a person's data lies in the layout, and what erasure leaves of each document.

Erasure keeps what is counted (goals' numbers and states, tallies, costs, days, audit kinds)
and removes what identifies or was written by the person: name, e-mail, Slack id, texts
(reflections, goals' wording, training requests, reasons, notes, messages to them). Every
function is idempotent: erasing an erased document changes nothing.
"""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from devplan.adapters.firestore.mapping.common import Document
from devplan.domain.outbox import CANCELLED

ERASED = "(raderad)"  # what stays in place of a text (the records keep their shape)
ERASED_EMAIL = "raderad@raderad.invalid"  # an address no mail reaches (.invalid, RFC 2606)
ERASED_ACTOR = "erased"  # an audit entry's actorId when the actor was erased: kinds still count
# Text fields, by document kind. A goal's measure keeps target, baseline, unit and source.
GOAL_TEXTS = ("title", "plan", "relevance", "changeNote", "measureNote", "perk")
MEASURE_TEXTS = ("metric",)
REFLECTION_TEXTS = ("wentWell", "challenges", "nextSteps")
REQUEST_TEXTS = ("course", "provider", "why")
AUDIT_DETAIL_TEXTS = ("course", "provider", "subProject")
# A 1:1's notes and agreed actions (services of issue 11 item 4 write them on the cycle's review).


def _blank(doc: dict[str, Any], fields: tuple[str, ...]) -> None:
    for name in fields:
        if doc.get(name) not in (None, ""):
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


def erased_outbox(doc: Document, slack_user_id: str) -> Document:
    out = copy.deepcopy(doc)
    users = [ERASED_ACTOR if u == slack_user_id else u for u in out.get("users") or []]
    out.update(text=ERASED, blocks=[], users=users)
    if out.get("state") == "pending":
        out["state"] = CANCELLED  # never sent with its text gone
    return out
