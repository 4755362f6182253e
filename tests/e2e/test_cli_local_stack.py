"""`devplan local up --detach` / `down` as a person uses them: any HTTP client, no process left."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from devplan_tools.local import platform_client
from devplan_tools.local.processes import group_alive
from tests.people import ANNA

pytestmark = pytest.mark.e2e
DEVPLAN = [sys.executable, "-m", "devplan_tools.cli"]


def test_up_detach_webhook_dm_and_down_leaves_nothing(tmp_path):
    env = {**os.environ}
    up = subprocess.run(
        [*DEVPLAN, "local", "up", "--detach"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=180
    )
    assert up.returncode == 0, up.stderr
    info = json.loads((tmp_path / ".devplan" / "local.json").read_text())
    for key in (
        "project",
        "firestore_host",
        "pubsub_host",
        "functions_url",
        "webhook_url",
        "slack_events_url",
        "slack_stand_in_url",
        "platform_secret",
        "slack_signing_secret",
    ):
        assert info[key], key
    try:
        requests.post(
            f"{info['slack_stand_in_url']}/_stand-in/users",
            json={"email": "anna@innerjourney.se", "name": "Anna Lindqvist"},
            timeout=5,
        ).raise_for_status()
        body = platform_client.envelope(
            "employee.onboarded",
            ANNA,
            event_id="evt-cli",
        )
        for _ in range(2):
            headers = platform_client.signed_headers(info["platform_secret"], body)
            assert requests.post(info["webhook_url"], data=body, headers=headers, timeout=10).status_code == 200

        def dms():
            messages = requests.get(f"{info['slack_stand_in_url']}/_stand-in/messages", timeout=5).json()["messages"]
            return [m for m in messages if m["channel_name"] == "DM Anna Lindqvist"]

        deadline = time.monotonic() + 30
        while not dms() and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(2)
        assert len(dms()) == 1
    finally:
        down = subprocess.run(
            [*DEVPLAN, "local", "down"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
        )
    assert down.returncode == 0, down.stderr
    assert not (tmp_path / ".devplan" / "local.json").exists()
    for pgid in [info["pid"], *info["process_groups"]]:
        assert not group_alive(pgid), f"process group {pgid} is still alive"


def test_missing_emulators_are_named_with_an_install_hint(tmp_path):
    env = {**os.environ, "PATH": str(Path(sys.executable).parent)}  # no gcloud, no java
    env["DEVPLAN_SDK_ROOT"] = str(tmp_path / "no-sdk")
    result = subprocess.run(
        [*DEVPLAN, "local", "up", "--detach"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "emulators are missing" in result.stderr and "apt-get install" in result.stderr
