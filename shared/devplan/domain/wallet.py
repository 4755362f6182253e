"""The training wallet: each person's yearly budget for external training, in whole kronor.

A year's wallet (the calendar year in Stockholm of the request's `requestedAt`) holds its
requests keyed by request id, so the same request delivered twice counts once. A request
within what is left is recorded at once; one over it waits for the lead, who either raises
that year's budget by exactly what is needed (and the request is recorded) or refuses it. A
request waiting for the lead reserves nothing: what is needed is computed when it is approved.
Nobody approves their own request: someone without a lead (a project lead) has no one to
raise their budget, so their over-budget request is refused with that reason, for another
approver to take up outside the plan. Money is `int` kronor, never float.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime

from devplan.domain.budget import ANNUAL_TRAINING_BUDGET_SEK

RECORDED, PENDING, REFUSED = "recorded", "pending", "refused"
STATUSES = (RECORDED, PENDING, REFUSED)
MAX_COST_SEK = 1_000_000  # more is a typo or an attack: no course costs that
NO_OTHER_APPROVER = "no_other_approver"  # the reason an over-budget request of someone without a lead is refused


def cost_problem(cost: object, currency: object = None) -> str | None:
    """Why an amount is not a training cost (None: it is): whole kronor 1–MAX_COST_SEK, in SEK."""
    if currency not in (None, "SEK"):
        return "currency must be SEK (costs are whole kronor)"
    if isinstance(cost, bool) or not isinstance(cost, int) or not 0 < cost <= MAX_COST_SEK:
        return f"costSek must be whole kronor 1–{MAX_COST_SEK}"
    return None


@dataclass(frozen=True)
class TrainingRequest:
    request_id: str
    course: str
    provider: str
    cost_sek: int
    requested_at: datetime
    goal_id: str | None = None
    status: str = PENDING
    decided_by: str | None = None  # the lead's employee id (None: within budget, or the rule)
    decided_at: datetime | None = None
    raised_sek: int = 0  # what the lead's approval added to the year's budget for it
    asked_sek: int = 0  # the increase the lead was shown (a pending request): approved, never more
    why: str | None = None


@dataclass(frozen=True)
class Wallet:
    employee_id: str
    year: int
    base_sek: int = ANNUAL_TRAINING_BUDGET_SEK  # the person's yearly budget when the wallet was opened
    requests: Mapping[str, TrainingRequest] = field(default_factory=dict)

    @classmethod
    def opened(cls, employee_id: str, year: int, budget_sek: int | None) -> Wallet:
        return cls(employee_id, year, ANNUAL_TRAINING_BUDGET_SEK if budget_sek is None else budget_sek)

    @property
    def raised_sek(self) -> int:
        return sum(r.raised_sek for r in self.requests.values())

    @property
    def budget_sek(self) -> int:
        return self.base_sek + self.raised_sek

    @property
    def used_sek(self) -> int:
        return sum(r.cost_sek for r in self.requests.values() if r.status == RECORDED)

    @property
    def left_sek(self) -> int:
        return max(0, self.budget_sek - self.used_sek)

    def request(self, request: TrainingRequest, *, has_approver: bool) -> tuple[Wallet, str]:
        """(wallet, outcome): recorded | pending | refused | duplicate (the same id seen before)."""
        if request.request_id in self.requests:
            return self, "duplicate"
        if request.cost_sek <= self.left_sek:
            return self._put(replace(request, status=RECORDED)), RECORDED
        if not has_approver:
            refused = replace(request, status=REFUSED, decided_at=request.requested_at, why=NO_OTHER_APPROVER)
            return self._put(refused), REFUSED
        return self._put(replace(request, status=PENDING, asked_sek=request.cost_sek - self.left_sek)), PENDING

    def approve(self, request_id: str, lead_id: str, at: datetime) -> tuple[Wallet, str]:
        """Godkänn ökning: the budget grows by exactly what the request needs, and it is recorded."""
        known = self.requests.get(request_id)
        if known is None:
            return self, "unknown_request"
        if known.status != PENDING:
            return self, f"already_{known.status}"
        needed = max(0, known.cost_sek - self.left_sek)
        if needed > known.asked_sek:  # recorded requests took more since the lead was asked: ask again
            return self._put(replace(known, asked_sek=needed)), "needs_more"
        return self._put(
            replace(known, status=RECORDED, decided_by=lead_id, decided_at=at, raised_sek=needed)
        ), "approved"

    def refuse(self, request_id: str, lead_id: str, at: datetime) -> tuple[Wallet, str]:
        known = self.requests.get(request_id)
        if known is None:
            return self, "unknown_request"
        if known.status != PENDING:
            return self, f"already_{known.status}"
        return self._put(replace(known, status=REFUSED, decided_by=lead_id, decided_at=at)), "refused"

    def _put(self, request: TrainingRequest) -> Wallet:
        return replace(self, requests={**self.requests, request.request_id: request})
