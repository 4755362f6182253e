"""Slack accounts that appear after onboarding (Slack's team_join event) are linked by e-mail."""

from __future__ import annotations

import logging

from devplan.services.ports import Store

log = logging.getLogger(__name__)


def link_account(email: str, user_id: str, store: Store) -> int:
    """Record the Slack id on the employee waiting for it; the employee trigger then welcomes them."""
    linked = 0
    for employee in store.employees_with_email(email.strip().lower()):
        if employee.slack_user_id != user_id:
            store.link_slack_account(employee.employee_id, user_id)
            linked += 1
            log.info(
                "linked Slack account %s to %s",
                user_id,
                employee.employee_id,
                extra={"employeeId": employee.employee_id, "slackUserId": user_id},
            )
    return linked
