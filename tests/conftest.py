"""Fixtures for the integration and e2e tiers: one local stack per test run (Java starts once),
tests isolated by clearing Firestore and the Slack stand-in's record between them."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import requests

from devplan_tools.local.retry import RetryPolicy

# Production's backoff compressed a hundredfold (0.1 s doubling to 6 s) with a short window
# (30 production minutes: 18 s here), so a test's failing event ends quickly.
TEST_RETRY_POLICY = RetryPolicy(time_factor=0.01, window=1800)


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    from devplan_tools.local.stack import LocalStack

    local = LocalStack.start(Path(tmp_path_factory.mktemp("stack")), project="devplan-test", retry=TEST_RETRY_POLICY)
    yield local
    local.stop()


@pytest.fixture
def clean_stack(stack):
    from devplan_tools.local.emulators import clear_firestore

    stack.wait_quiet(timeout=60)
    clear_firestore(stack.firestore.host, stack.project)
    stack.stand_in.reset()
    yield stack
    stack.wait_quiet(timeout=60)


def wait_for(check, *, timeout: float = 20.0, what: str = "condition"):
    """Poll until `check()` returns something truthy; return it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def posts(stack, **match) -> list[dict]:
    calls = requests.get(f"{stack.stand_in.url}/_stand-in/messages", timeout=10).json()["messages"]
    return [c for c in calls if c["method"] == "chat.postMessage" and all(c.get(k) == v for k, v in match.items())]
