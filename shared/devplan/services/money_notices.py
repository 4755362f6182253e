"""How a step sends (the wallet, funding, goals, Senior Coach, a lead change): a DM to one person,
or a post in a channel, each with a deterministic id (a step run twice sends once). Someone
without a Slack account yet is logged and waits; the record is written anyway and `/utveckling` shows it."""

from __future__ import annotations

import logging

from devplan.domain.employees import Employee
from devplan.domain.outbox import OutboxMessage, named
from devplan.messages.blocks import Rendered
from devplan.services.ports import UnitOfWork

log = logging.getLogger(__name__)


def dm(
    uow: UnitOfWork,
    message_id: str,
    to: Employee,
    rendered: Rendered,
    topic: str,
    *,
    about: tuple[Employee | None, ...],
) -> bool:
    """`about`: whose wallet or funding it is and who else the text names (erasure finds the
    message by them)."""
    if not to.slack_user_id:
        log.warning("%s for %s waits: no Slack account", topic, to.employee_id, extra={"employeeId": to.employee_id})
        return False
    return uow.emit(
        OutboxMessage(
            message_id,
            users=(to.slack_user_id,),
            text=rendered.text,
            blocks=rendered.blocks,
            topic=topic,
            about=named(*about),
        )
    )


def post(
    uow: UnitOfWork, message_id: str, channel: str, rendered: Rendered, topic: str, *, about: tuple[Employee, ...]
) -> bool:
    return uow.emit(
        OutboxMessage(
            message_id,
            channel=channel,
            text=rendered.text,
            blocks=rendered.blocks,
            topic=topic,
            about=named(*about),
        )
    )
