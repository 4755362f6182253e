"""How long the current invocation may still wait for Slack.

A function has a timeout (infra/functions.yaml, timeout_seconds); past it the platform cuts it
off mid-call and retries, and a post cut off that way may or may not have gone out. So a use
case that talks to Slack sets a budget well inside its function's timeout (`within`), and the
Slack adapter never starts a wait (its own pacing, a 429's Retry-After) that would end after
it: it gives the work back instead (a SlackRefused: nothing was done), for the platform's
retry. Without a budget (a CLI, a test) waits are only capped by the adapter itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from time import monotonic  # bound here: a test's fake clock elsewhere does not move budgets

_deadline: ContextVar[float | None] = ContextVar("devplan_slack_deadline", default=None)


@contextmanager
def within(seconds: float) -> Iterator[None]:
    token = _deadline.set(monotonic() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


def remaining() -> float | None:
    """Seconds left of the current budget (may be negative), None without one."""
    deadline = _deadline.get()
    return None if deadline is None else deadline - monotonic()
