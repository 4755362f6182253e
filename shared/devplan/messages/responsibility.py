"""Messages of a developer's lead responsibility (pure rendering): the lead's answer with the
evidence, the DM to the person, the one post in #dev, and the polite refusals."""

from __future__ import annotations

from dataclasses import dataclass

from devplan.messages.blocks import Rendered, one_section
from devplan.messages.catalog import text


@dataclass(frozen=True)
class GoalEvidence:
    title: str
    reflections: int  # the person's reflections about this goal (counted; their text stays theirs)


@dataclass(frozen=True)
class Evidence:
    """What the person has shown: their achieved goals and the reflections linked to them."""

    goals: tuple[GoalEvidence, ...] = ()

    @property
    def reflections(self) -> int:
        return sum(g.reflections for g in self.goals)


def evidence_lines(lang: str, evidence: Evidence) -> list[str]:
    if not evidence.goals:
        return [text(lang, "responsibility.evidence_none")]
    heading = text(lang, "responsibility.evidence_heading", goals=len(evidence.goals), reflections=evidence.reflections)
    return [heading] + [
        text(lang, "responsibility.evidence_goal", title=g.title, reflections=g.reflections) for g in evidence.goals
    ]


def nominated(lang: str, person: str, sub_project: str, evidence: Evidence) -> str:
    """To the lead who nominated: done, and what it rests on."""
    done = text(lang, "responsibility.nominated", person=person, sub_project=sub_project)
    return "\n".join([done, "", *evidence_lines(lang, evidence)])


def already(lang: str, person: str, sub_project: str, evidence: Evidence) -> str:
    held = text(lang, "responsibility.already", person=person, sub_project=sub_project)
    return "\n".join([held, "", *evidence_lines(lang, evidence)])


def genitive(lang: str, name: str) -> str:
    """ "Anna Lindqvists", but "Hans Ros" (Swedish adds no s after s, x or z); English "Anna's"."""
    if lang == "en":
        return f"{name}'" if name.endswith("s") else f"{name}'s"
    return name if name[-1:].lower() in ("s", "x", "z") else f"{name}s"


def refused(lang: str, reason: str, person: str = "") -> str:
    return text(lang, f"responsibility.refused.{reason}", person=person, person_of=genitive(lang, person))


def told(lang: str, lead: str, sub_project: str) -> Rendered:
    """The DM to the person: recognised once."""
    return one_section(text(lang, "responsibility.told", lead=lead, sub_project=sub_project))


def dev_post(person: str, slack_user_id: str | None, sub_project: str) -> Rendered:
    """The one post in #dev (the channel speaks Swedish): the person mentioned if they are in Slack."""
    who = f"<@{slack_user_id}>" if slack_user_id else person
    return one_section(text("sv", "responsibility.dev_post", person=who, sub_project=sub_project))
