"""Fixtures of the unit tier."""

import pytest

from tests.unit.entry_support import Env, install_fakes


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> Env:
    """The in-memory fakes, known secrets and a movable clock behind devplan.runtime."""
    return install_fakes(monkeypatch)
