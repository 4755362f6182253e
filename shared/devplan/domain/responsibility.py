"""A developer's lead responsibility for a named technical sub-project (pure rules).

The person's lead nominates (Slack `/utveckling utse @person <delprojekt>` or the platform's
`responsibility.assigned`). Only a developer can take it, only their own lead can give it, and
the same sub-project twice is the same responsibility (compared without case and extra spaces).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace

from devplan.domain.employees import Employee
from devplan.domain.limits import is_text

MAX_SUB_PROJECT_LENGTH = 100  # a name, shown in the plan and one #dev post
DEVELOPER = "developer"
TITLE = "Teknisk ledare: {sub_project}"  # kept on the person as the seed names it (Swedish)
# Slack sends a mention in a command's text as <@U123|name> (older clients, escaped) or <@U123>.
_MENTION = re.compile(r"<@([A-Za-z0-9_-]{1,64})(?:\|[^>]*)?>")
# Refusals, in the order they are checked (their catalog keys are responsibility.refused.<name>).
NOT_A_LEAD, UNKNOWN_PERSON, NOT_YOURS, NOT_A_DEVELOPER, NO_SUB_PROJECT = (
    "not_a_lead",
    "unknown_person",
    "not_yours",
    "not_a_developer",
    "no_sub_project",
)


@dataclass(frozen=True)
class Mention:
    slack_user_id: str
    rest: str  # the text after the mention, stripped


def parse_mention(words: str) -> Mention | None:
    """The first word as a Slack user mention and what follows it; None if it is not one."""
    found = _MENTION.match(words.strip())
    if found is None:
        return None
    return Mention(found.group(1), words.strip()[found.end() :].strip())


def normalized(sub_project: str) -> str:
    return " ".join(sub_project.split())


def title(sub_project: str) -> str:
    return TITLE.format(sub_project=normalized(sub_project))


def key(employee_id: str, sub_project: str) -> str:
    """What identifies one responsibility (audit key, message ids): a digest, so any name fits an id."""
    digest = hashlib.sha256(normalized(sub_project).casefold().encode()).hexdigest()[:16]
    return f"lead-responsibility:{employee_id}:{digest}"


def holds(person: Employee, sub_project: str) -> bool:
    wanted = title(sub_project).casefold()
    return any(r.casefold() == wanted for r in person.responsibilities)


def refusal(nominator: Employee | None, person: Employee | None, sub_project: str) -> str | None:
    """Why this nomination cannot be made, or None if it can."""
    if nominator is None:
        return NOT_A_LEAD
    if person is None:
        return UNKNOWN_PERSON
    if person.lead_id != nominator.employee_id:
        return NOT_YOURS
    if person.role != DEVELOPER:
        return NOT_A_DEVELOPER
    if not is_text(normalized(sub_project), MAX_SUB_PROJECT_LENGTH):
        return NO_SUB_PROJECT
    return None


def assigned(person: Employee, sub_project: str) -> Employee:
    """The person with the responsibility added (unchanged if they hold it already)."""
    if holds(person, sub_project):
        return person
    return replace(person, responsibilities=(*person.responsibilities, title(sub_project)))
