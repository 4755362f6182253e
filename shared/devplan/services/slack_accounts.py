"""Slack accounts that appear after onboarding (Slack's team_join event) are linked by e-mail."""
from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)


def link_account(email: str, user_id: str, store: Any) -> int:
    """Record the Slack id on the employee waiting for it; the employee trigger then welcomes them."""
    linked = 0
    for employee_id, employee in store.find("employees", "email", email.strip().lower()):
        if ((employee.get("slack") or {}).get("userId")) != user_id:
            store.set(f"employees/{employee_id}", {"slack": {"userId": user_id}})
            linked += 1
            log.info("linked Slack account %s to %s", user_id, employee_id,
                     extra={"employeeId": employee_id, "slackUserId": user_id})
    return linked
