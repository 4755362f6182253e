"""`/utveckling`: the asking employee's plan as it stands, found by their Slack id."""
from __future__ import annotations

from typing import Any

from devplan.adapters import messages


def plan_status_for(slack_user_id: str, store: Any) -> messages.Rendered:
    found = store.find("employees", "slack.userId", slack_user_id)
    employee = found[0][1] if found else None
    lead = store.get(f"employees/{employee['leadId']}") if employee and employee.get("leadId") else None
    lang = (employee or {}).get("language", "sv")
    return messages.plan_status(lang=lang, employee=employee, lead_name=(lead or {}).get("name"))
