"""Generated input over every entry point. Two hypothesis profiles, chosen by DEVPLAN_FUZZ_PROFILE:
`quick` (the default; a few hundred inputs inside ./dev test) and `long` (./dev fuzz: over 10,000
requests to the two HTTP endpoints, plus every event type), which prints its counts at the end and
fails the run if any count that must be 0 is not."""

from __future__ import annotations

import logging

import pytest

from tests.generated.profiles import PROFILE
from tests.generated.tally import TALLY
from tests.generated.world import World
from tests.unit.entry_support import install_fakes

# Tens of thousands of refusals are logged by design; ./dev fuzz runs without pytest's log capture,
# and this keeps Python's last-resort handler from printing each one (failures still print theirs).
logging.getLogger("devplan").addHandler(logging.NullHandler())


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch):
    with World(install_fakes(monkeypatch)) as world:
        yield world


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if TALLY.inputs:
        terminalreporter.section(f"generated input ({PROFILE} profile)")
        for line in TALLY.report():
            terminalreporter.write_line(line)


def pytest_sessionfinish(session, exitstatus):
    if TALLY.inputs and not TALLY.clean and session.exitstatus == 0:
        session.exitstatus = 1
