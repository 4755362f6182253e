"""A short run of bench/cold_start.py on the test run's Firestore emulator: each HTTP entry point
answers its first request in a fresh process, the CPU figures add up, and the verdict follows
the vCPU the manifest declares."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import cold_start  # noqa: E402
from cold.model import MANIFEST, default_vcpu, size_of  # noqa: E402


@pytest.fixture(scope="module")
def measured(stack):
    return cold_start.cold_starts(stack.firestore.host, "devplan-cold-smoke", runs=1)


def manifest_with(tmp_path: Path, **slack_events: str) -> Path:
    manifest = yaml.safe_load(MANIFEST.read_text())
    for function in manifest["functions"]:
        function.pop("cpu", None)
        if function["name"] == "slack-events":
            function.update(slack_events)
    path = tmp_path / "functions.yaml"
    path.write_text(yaml.safe_dump(manifest))
    return path


def test_every_http_entry_point_answers_cold_and_its_cpu_adds_up(measured):
    results = measured["results"]
    assert set(results) == {
        "slack-events /utveckling",
        "slack-events click",
        "platform-webhook onboarded",
        "floor: one Firestore read",
    }
    for entry, (answer,) in results.items():
        assert answer["status"] == 200, (entry, answer["answer"])
        assert 0 < answer["cpu_interpreter_s"] < answer["cpu_loaded_s"] < answer["cpu_answered_s"], entry
        assert answer["started_at"] < answer["loaded_at"] < answer["answered_at"], entry
    assert '"outcome": "held"' in results["slack-events click"][0]["answer"]  # the whole work, not a no-op
    assert '"status": "accepted"' in results["platform-webhook onboarded"][0]["answer"]


def test_the_verdict_follows_the_vcpu_the_manifest_gives_slack_events(measured, tmp_path):
    before, after = measured["load"]
    rows, met = cold_start.report(measured["results"], before, after, manifest_with(tmp_path, cpu="1"))
    slack = [r for r in rows if r["function"] == "slack-events" and not r["entry"].startswith("floor")]
    # On one full vCPU the modelled wall time is the CPU time; the two are rounded to 2 and 3
    # places from the same figure, so they agree within half a hundredth (0.6549 → 0.65 and 0.655).
    assert met
    for row in slack:
        assert row["vcpu"] == 1.0 and row["modelled_wall_s"] == pytest.approx(row["cpu_total_s"], abs=0.0051)
    starved = manifest_with(tmp_path, memory="128Mi", cpu="0.001")
    assert not cold_start.report(measured["results"], before, after, starved)[1]


def test_the_default_vcpu_follows_the_memory_as_cloud_functions_documents(tmp_path):
    assert default_vcpu("256Mi") == 0.167
    assert default_vcpu("512Mi") == 0.333
    assert default_vcpu("1Gi") == 0.583
    assert default_vcpu("2Gi") == 1.0
    assert default_vcpu("300Mi") == 0.333  # rounded up to the next tier
    assert size_of("platform-webhook", manifest_with(tmp_path)).vcpu == default_vcpu("256Mi")
    declared = size_of("slack-events", manifest_with(tmp_path, memory="512Mi", cpu="1"))
    assert (declared.memory, declared.vcpu, declared.declared) == ("512Mi", 1.0, True)
