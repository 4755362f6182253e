"""`/utveckling`: the asking employee's plan as it stands, found by their Slack id."""

from __future__ import annotations

from devplan.domain.employees import DEFAULT_LANGUAGE
from devplan.errors import UnusableRecord
from devplan.messages.blocks import Rendered
from devplan.messages.status import plan_status
from devplan.services.ports import Store


def plan_status_for(slack_user_id: str, store: Store) -> Rendered:
    employee = store.employee_with_slack_user(slack_user_id)
    try:
        lead = store.employee(employee.lead_id) if employee and employee.lead_id else None
    except UnusableRecord:  # the asker still gets their plan, without the lead's name
        lead = None
    lang = employee.language if employee else DEFAULT_LANGUAGE
    return plan_status(lang=lang, employee=employee, lead_name=lead.name if lead else None)
