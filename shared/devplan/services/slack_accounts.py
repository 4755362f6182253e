"""Slack accounts that appear after onboarding (Slack's team_join event) are linked by e-mail."""

from __future__ import annotations

import logging

from devplan.services.ports import Store, UnitOfWork

log = logging.getLogger(__name__)


def link_account(email: str, user_id: str, store: Store) -> int:
    """Record the Slack id on the employees waiting for it; the employee trigger then welcomes them.

    One transaction reads the employees with that e-mail and links them: of two simultaneous
    deliveries of the same team_join, only the one that linked says so (the other finds the
    account linked and answers 0)."""

    def work(uow: UnitOfWork) -> list[str]:
        waiting = [e for e in uow.employees_with_email(email.strip().lower()) if e.slack_user_id != user_id]
        for employee in waiting:
            uow.link_slack_account(employee.employee_id, user_id)
        return [e.employee_id for e in waiting]

    linked = store.atomically(work)
    for employee_id in linked:
        log.info(
            "linked Slack account %s to %s",
            user_id,
            employee_id,
            extra={"employeeId": employee_id, "slackUserId": user_id},
        )
    return len(linked)
