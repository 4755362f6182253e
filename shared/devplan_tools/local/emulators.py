"""The Firestore and Pub/Sub emulators of the Google Cloud SDK, started directly (not via the
gcloud wrapper, which leaves a Java child behind) in their own process groups."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import requests

from devplan_tools.local.processes import answers_ok, free_port, start_group, stop_group, wait_until

INSTALL_HINT = (
    "The Google Cloud SDK emulators are missing. Install them with\n"
    "  apt-get install google-cloud-cli google-cloud-cli-firestore-emulator "
    "google-cloud-cli-pubsub-emulator openjdk-17-jre-headless\n"
    "(or `gcloud components install cloud-firestore-emulator pubsub-emulator`)."
)


class EmulatorsMissing(RuntimeError):
    pass


def sdk_root() -> Path:
    if os.environ.get("DEVPLAN_SDK_ROOT"):  # an SDK somewhere else (or none, in a test)
        return Path(os.environ["DEVPLAN_SDK_ROOT"])
    gcloud = shutil.which("gcloud")
    if gcloud:
        out = subprocess.run(
            [gcloud, "info", "--format=value(installation.sdk_root)"], capture_output=True, text=True, timeout=60
        )
        if out.returncode == 0 and out.stdout.strip():
            return Path(out.stdout.strip())
    for candidate in (Path("/usr/lib/google-cloud-sdk"), Path("/usr/share/google-cloud-sdk")):
        if candidate.exists():
            return candidate
    raise EmulatorsMissing(INSTALL_HINT)


def emulator_commands() -> tuple[Path, Path]:
    root = sdk_root()
    firestore = root / "platform/cloud-firestore-emulator/cloud_firestore_emulator"
    pubsub = root / "platform/pubsub-emulator/bin/cloud-pubsub-emulator"
    missing = [p for p in (firestore, pubsub) if not p.exists()]
    if missing or not shutil.which("java"):
        raise EmulatorsMissing(INSTALL_HINT + f"\nNot found: {', '.join(map(str, missing)) or 'java'}")
    return firestore, pubsub


@dataclass
class Emulator:
    name: str
    host: str  # "127.0.0.1:PORT", the form FIRESTORE_EMULATOR_HOST wants
    process: subprocess.Popen

    @property
    def pgid(self) -> int:
        return self.process.pid

    def stop(self) -> None:
        stop_group(self.pgid)


def _wait_ready(emulator: Emulator) -> None:
    wait_until(
        lambda: answers_ok(f"http://{emulator.host}/"),
        timeout=60,
        what=f"{emulator.name} emulator",
        alive=lambda: emulator.process.poll() is None,
    )


def start_emulators(log_dir: Path, functions_host: str) -> tuple[Emulator, Emulator]:
    """Start both in parallel (each takes ~3 s) and wait until both answer."""
    firestore_cmd, pubsub_cmd = emulator_commands()
    fs_port, ps_port = free_port(), free_port()
    firestore = Emulator(
        "firestore",
        f"127.0.0.1:{fs_port}",
        start_group(
            [
                str(firestore_cmd),
                "start",
                "--host=127.0.0.1",
                f"--port={fs_port}",
                f"--functions_emulator={functions_host}",
            ],
            log_dir / "firestore.log",
        ),
    )
    pubsub = Emulator(
        "pubsub",
        f"127.0.0.1:{ps_port}",
        start_group([str(pubsub_cmd), "--host=127.0.0.1", f"--port={ps_port}"], log_dir / "pubsub.log"),
    )
    try:
        for emulator in (firestore, pubsub):
            _wait_ready(emulator)
    except Exception:
        firestore.stop()
        pubsub.stop()
        raise
    return firestore, pubsub


def clear_firestore(host: str, project: str) -> None:
    requests.delete(
        f"http://{host}/emulator/v1/projects/{project}/databases/(default)/documents", timeout=10
    ).raise_for_status()
