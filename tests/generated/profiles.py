"""The hypothesis profiles of the generated-input suite, chosen by DEVPLAN_FUZZ_PROFILE:
`quick` (the default: a few hundred inputs inside ./dev test, the same ones every run) and `long`
(./dev fuzz: over 10,000 requests to the two HTTP endpoints, plus every event type, new ones each run)."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_COMMON = {
    "deadline": None,
    "database": None,  # nothing written to .hypothesis/; a failure prints its reproduction instead
    "print_blob": True,
    "suppress_health_check": [
        HealthCheck.function_scoped_fixture,  # the world is reset for every input (World.reset)
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
}
settings.register_profile("quick", max_examples=25, derandomize=True, **_COMMON)
settings.register_profile("long", max_examples=1500, **_COMMON)
PROFILE = os.environ.get("DEVPLAN_FUZZ_PROFILE", "quick")


def fuzz(weight: float = 1.0) -> settings:
    """The chosen profile, with `weight` times its examples for a test that covers more ground."""
    chosen = settings.get_profile(PROFILE)
    return settings(chosen, max_examples=max(1, int(chosen.max_examples * weight)))
