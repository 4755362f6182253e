"""How long the current invocation may still spend on Slack.

A function has a timeout (infra/functions.yaml, timeout_seconds); past it the platform cuts it
off mid-call and retries, and a post cut off that way may or may not have gone out. So every
entry point sets a budget inside its function's timeout (functions/main.py), a use case may
set a shorter one inside it (`within`: a nested budget never ends later than the one around
it), and the Slack adapter neither starts a wait (its own pacing, a 429's Retry-After) nor a
call that would end after it: it gives the work back instead (a SlackRefused: nothing was
done), for the platform's retry. A budget may say how long it keeps for one call (`per_call`:
Slack's 3 s for an answer leave no room for the adapter's worst case of an HTTP time-out);
without, the adapter's own reserve holds. Without a budget (a CLI, a test) waits are only
capped by the adapter itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from time import monotonic  # bound here: a test's fake clock elsewhere does not move budgets


@dataclass(frozen=True)
class _Budget:
    ends: float
    per_call: float | None


_budget: ContextVar[_Budget | None] = ContextVar("devplan_slack_deadline", default=None)


@contextmanager
def within(seconds: float, *, per_call: float | None = None) -> Iterator[None]:
    outer = _budget.get()
    ends = monotonic() + seconds
    if outer is not None:
        ends = min(ends, outer.ends)
        per_call = outer.per_call if per_call is None else per_call
    token = _budget.set(_Budget(ends, per_call))
    try:
        yield
    finally:
        _budget.reset(token)


def remaining() -> float | None:
    """Seconds left of the current budget (may be negative), None without one."""
    budget = _budget.get()
    return None if budget is None else budget.ends - monotonic()


def per_call() -> float | None:
    """The seconds the current budget keeps for one call, None when it leaves that to the adapter."""
    budget = _budget.get()
    return None if budget is None else budget.per_call
