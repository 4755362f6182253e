"""The audit trail: every advancement, approval, refusal and wallet change, as who, when and why.

Entries are written once and never edited: each has a key naming what it records (e.g.
"senior-coach-approved:maja"), so a step run twice writes it once. The person and their lead
read them (`/utveckling historik`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

ADVANCEMENT, APPROVAL, REFUSAL, WALLET, RECOGNITION = "advancement", "approval", "refusal", "wallet", "recognition"
LIFECYCLE = "lifecycle"  # a role, lead, name or e-mail changed; offboarded (services/lifecycle.py)
KINDS = (ADVANCEMENT, APPROVAL, REFUSAL, WALLET, RECOGNITION, LIFECYCLE)


@dataclass(frozen=True)
class AuditEntry:
    key: str  # what it records, once
    employee_id: str  # whose history it belongs to
    kind: str  # one of KINDS
    action: str  # e.g. "senior_coach_approved", "training_request_recorded"
    actor_id: str | None  # the employee who did it; None: the system (a rule, a platform event)
    at: datetime
    why: str | None = None  # a reason given (e.g. the lead's "inte än")
    detail: Mapping[str, Any] = field(default_factory=dict)  # figures: sessions, months, amounts in kronor
