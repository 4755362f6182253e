"""Control of a detached local stack from other processes, through .devplan/local.json."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import requests

from devplan_tools.local.processes import stop_group

if TYPE_CHECKING:
    from google.cloud import firestore

    from devplan.adapters.pubsub import Publisher

STATE_FILE = Path(".devplan") / "local.json"
# Chunk outcomes after which no message can be on its way (services/quarterly_cycle.py).
QUIET_OUTCOMES = {"nothing_due", "unknown_employee", "out_of_order"}


class StackClient:
    """What the demo, the CLI and tests need from a running stack, over HTTP only."""

    def __init__(self, info: dict[str, Any]):
        self.info = info
        # Both created on first use, once the emulator's address is in the environment.
        self._publisher: Publisher | None = None
        self._db: firestore.Client | None = None

    def __getattr__(self, key: str) -> Any:
        if key.startswith("_"):
            raise AttributeError(key)
        try:
            return self.info[key]
        except KeyError:
            raise AttributeError(key) from None

    def wait_quiet(self, timeout: float = 60.0, settle: float = 0.5) -> None:
        """Wait until the function host has had no event in flight for `settle` seconds."""
        deadline, quiet_since = time.monotonic() + timeout, None
        while time.monotonic() < deadline:
            if requests.get(f"{self.functions_url}/_host/status", timeout=5).json()["in_flight"] == 0:
                quiet_since = quiet_since or time.monotonic()
                if time.monotonic() - quiet_since >= settle:
                    return
            else:
                quiet_since = None
            time.sleep(0.05)
        raise TimeoutError(f"events still in flight after {timeout:.0f} s")

    def add_slack_user(self, email: str, name: str, locale: str | None = None) -> dict[str, Any]:
        """`locale`: the account's Slack locale ("en-US"); the stand-in's default is Swedish."""
        body = {"email": email, "name": name, **({"locale": locale} if locale else {})}
        response = requests.post(f"{self.slack_stand_in_url}/_stand-in/users", json=body, timeout=10)
        response.raise_for_status()
        return response.json()["user"]

    def tick(self, as_of: date, **extra: Any) -> str:
        """Publish the daily tick for `as_of` to the stack's Pub/Sub emulator."""
        if self._publisher is None:
            os.environ["PUBSUB_EMULATOR_HOST"] = self.pubsub_host
            from devplan.adapters.pubsub import Publisher

            self._publisher = Publisher(self.project)
        from devplan_tools import manifest

        return self._publisher.publish(manifest.load().topic_of("daily-tick"), {"asOf": as_of.isoformat(), **extra})

    def click(
        self,
        user: str,
        channel: str,
        ts: str,
        action_id: str,
        action_ts: str | None = None,
        *,
        value: str | None = None,
        anyone: bool = False,
    ) -> dict[str, Any]:
        """A person clicks a button in Slack (the stand-in delivers the signed interaction).
        `value` picks one of several buttons with the same action_id (the perk buttons);
        `anyone`: the clicker need not be in the conversation (someone shown the message)."""
        body = {"user": user, "channel": channel, "ts": ts, "action_id": action_id, "action_ts": action_ts}
        return self._stand_in("click", {**body, "value": value, "anyone": anyone})

    def command(self, user: str, text: str = "", command: str = "/utveckling") -> dict[str, Any]:
        """A person types `/utveckling {text}`: the stand-in POSTs the signed command with a
        trigger_id (so `mål` and `reflektera` open their modal, recorded as a views.open call).
        {"ok", "app_status", "app_answer"}: the app's answer as Slack got it."""
        return self._stand_in("command", {"user": user, "text": text, "command": command})

    def submit_view(
        self,
        user: str,
        callback_id: str,
        values: dict[str, Any],
        private_metadata: str | dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A person submits the modal the app opened for them (`goal_form`, `reflection_form`):
        `values` as {block_id: text | option value | [option values] | "YYYY-MM-DD"}; the stand-in
        shapes view.state.values as Slack does and signs the view_submission. `private_metadata`:
        a dict is merged into the view's own (e.g. {"on": "2025-01-10"}: the simulated day).
        "app_answer" is "" when the modal closed, else {"response_action": "errors", ...}."""
        body = {"user": user, "callback_id": callback_id, "values": values, "private_metadata": private_metadata}
        return self._stand_in("submit", body)

    def open_home(self, user: str, event_ts: str | None = None) -> dict[str, Any]:
        """A person opens the app's Home tab (the stand-in delivers the signed app_home_opened)."""
        return self._stand_in("app_home_opened", {"user": user, "event_ts": event_ts})

    def click_home(
        self, user: str, action_id: str, action_ts: str | None = None, *, value: str | None = None
    ) -> dict[str, Any]:
        """A person clicks a button on their Home tab (the stand-in delivers the signed interaction)."""
        return self._stand_in(
            "click_home", {"user": user, "action_id": action_id, "action_ts": action_ts, "value": value}
        )

    def home(self, user: str) -> dict[str, Any] | None:
        """The Home tab `user` sees now in the stand-in (None: nothing published for them)."""
        found = requests.get(f"{self.slack_stand_in_url}/_stand-in/home", params={"user": user}, timeout=10).json()
        return found.get("view")

    def _stand_in(self, what: str, body: dict[str, Any]) -> dict[str, Any]:
        response = requests.post(f"{self.slack_stand_in_url}/_stand-in/{what}", json=body, timeout=15)
        return response.json()

    def firestore(self):
        if self._db is None:
            os.environ["FIRESTORE_EMULATOR_HOST"] = self.firestore_host
            from google.cloud import firestore

            self._db = firestore.Client(project=self.project)
        return self._db

    def wait_for_tick(self, day: date, timeout: float = 120.0) -> dict[str, Any]:
        """Wait until a tick's fan-out and all its chunks are done and Slack has everything."""
        db, deadline = self.firestore(), time.monotonic() + timeout
        while time.monotonic() < deadline:
            record = db.document(f"ticks/{day.isoformat()}").get().to_dict() or {}
            if record.get("state") == "day_off":
                return record
            chunks = (
                [c.to_dict() for c in db.collection(f"ticks/{day.isoformat()}/chunks").stream()]
                if record.get("state") == "fanned_out"
                else []
            )
            if record.get("state") == "fanned_out" and len(chunks) >= record["chunks"]:
                outcomes = {k for c in chunks for k in c.get("outcome", {})}
                if outcomes - QUIET_OUTCOMES:  # something was sent: wait for Slack to have it
                    self.wait_settled(timeout=max(1.0, deadline - time.monotonic()))
                return record
            time.sleep(0.05)
        raise TimeoutError(f"tick {day} not done within {timeout:.0f} s")

    def wait_settled(self, timeout: float = 60.0) -> None:
        """No outbox message waiting to be sent and no event in flight."""
        from google.cloud.firestore import FieldFilter

        db, deadline = self.firestore(), time.monotonic() + timeout
        while time.monotonic() < deadline:
            waiting = db.collection("outbox").where(filter=FieldFilter("state", "in", ["pending", "sending"]))
            if waiting.count().get()[0][0].value == 0:
                self.wait_quiet(timeout=max(1.0, deadline - time.monotonic()), settle=0.15)
                if waiting.count().get()[0][0].value == 0:
                    return
            time.sleep(0.05)
        raise TimeoutError(f"outbox not settled within {timeout:.0f} s")

    def slack_users(self) -> list[dict[str, Any]]:
        return requests.get(f"{self.slack_stand_in_url}/_stand-in/users", timeout=10).json()["users"]

    def slack_calls(self, since: int = 0) -> list[dict[str, Any]]:
        return requests.get(
            f"{self.slack_stand_in_url}/_stand-in/messages", params={"since": since}, timeout=10
        ).json()["calls"]


def running() -> dict[str, Any] | None:
    if not STATE_FILE.exists():
        return None
    info = json.loads(STATE_FILE.read_text())
    if not _alive(info["pid"]):
        STATE_FILE.unlink(missing_ok=True)  # left by a stack that died
        return None
    return info


def up_detached(timeout: float = 120) -> dict[str, Any]:
    """Start `devplan local up` in its own session; return its info once it is healthy."""
    if running():
        raise RuntimeError(f"a local stack is already up ({STATE_FILE}); `devplan local down` stops it")
    STATE_FILE.parent.mkdir(exist_ok=True)
    log_path, err_path = fresh_log(STATE_FILE.parent / "stack.log"), fresh_log(STATE_FILE.parent / "stack.err")
    with open(log_path, "wb") as log, open(err_path, "wb") as err:
        child = subprocess.Popen(
            [sys.executable, "-m", "devplan_tools.cli", "local", "up"],
            stdout=log,
            stderr=err,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if STATE_FILE.exists():
            return json.loads(STATE_FILE.read_text())
        if child.poll() is not None:
            output = log_path.read_text()[-2000:] + err_path.read_text()[-2000:]
            raise RuntimeError("the local stack exited while starting:\n" + output)
        time.sleep(0.2)
    stop_group(child.pid)
    raise RuntimeError(f"the local stack did not come up within {timeout:.0f} s; see {log_path}")


def fresh_log(path: Path) -> Path:
    """Each `local up` writes a log of its own; the previous one is kept as `<name>.1`.
    stack.log holds the stack's JSON lines only (one log entry each, Cloud Logging's shape);
    stack.err what native libraries print on stderr (gRPC's absl notices, a crash's last words)."""
    if path.exists():
        path.replace(path.with_name(path.name + ".1"))
    return path


def down() -> bool:
    if not STATE_FILE.exists():
        return False
    info = json.loads(STATE_FILE.read_text())
    stop_group(info["pid"], timeout=30)  # its own session: pgid == pid
    for pgid in info.get("process_groups", []):  # in case the stack died without cleaning up
        stop_group(pgid)
    STATE_FILE.unlink(missing_ok=True)
    return True


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
