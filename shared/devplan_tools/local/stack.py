"""The whole local stack: emulators, every function in one host, the Slack stand-in.

`LocalStack.start()` runs it in this process (tests, `devplan local up`); the state file
.devplan/local.json tells other processes (curl, the CLI, the demo) where everything is.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from devplan import runtime
from devplan.adapters.slack_pace import SCALE_ENV as PACE_SCALE_ENV
from devplan_tools import manifest as manifest_module
from devplan_tools.local.control import StackClient
from devplan_tools.local.emulators import Emulator, start_emulators
from devplan_tools.local.function_host import FunctionHost
from devplan_tools.local.host_process import HostProcess, serve
from devplan_tools.local.journal import ENV as JOURNAL_ENV
from devplan_tools.local.processes import free_port
from devplan_tools.local.retry import RetryPolicy
from devplan_tools.local.scheduler import LocalScheduler
from devplan_tools.local.wiring import create_topics_and_push, register_firestore_triggers
from devplan_tools.stand_in import SlackStandIn

log = logging.getLogger("devplan_tools.local")
STATE_DIR = Path(".devplan")
BOT_TOKEN = "xoxb-devplan-local"


def log_json_lines() -> logging.Logger:
    """Everything Python says, as JSON lines on stdout: log records, warnings, and uncaught
    exceptions of any thread (stack.log must parse line by line)."""
    import sys

    from devplan import logs

    logs.configure()
    logging.captureWarnings(True)
    sys.excepthook = lambda kind, exc, tb: log.critical("uncaught exception", exc_info=(kind, exc, tb))
    threading.excepthook = lambda args: log.error(
        "uncaught exception in thread %s",
        args.thread.name if args.thread else "?",
        exc_info=(args.exc_type, args.exc_value, args.exc_traceback),  # type: ignore[arg-type]
    )
    return log


@dataclass
class LocalStack:
    project: str
    state_dir: Path
    firestore: Emulator
    pubsub: Emulator
    host: FunctionHost | None  # None when the host runs in a process of its own (`host_process`)
    stand_in: SlackStandIn
    functions_url: str
    platform_secret: str
    slack_signing_secret: str
    _server: Any = field(repr=False, default=None)
    _scheduler: Any = field(repr=False, default=None)
    _client: Any = field(repr=False, default=None)
    host_process: HostProcess | None = field(repr=False, default=None)

    @classmethod
    def start(
        cls,
        state_dir: Path = STATE_DIR,
        *,
        project: str = "devplan-local",
        slack_rate_limit: float | None = None,
        retry: RetryPolicy | None = None,
        separate_host: bool = False,
        host_env: dict[str, str] | None = None,
    ) -> LocalStack:
        """`separate_host`: the functions run in a child process (kill_host/start_host), with
        `host_env` added to its environment (e.g. the chaos year's Firestore faults)."""
        state_dir.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        port = free_port()
        functions_url = f"http://127.0.0.1:{port}"
        firestore, pubsub = start_emulators(state_dir / "logs", functions_host=f"127.0.0.1:{port}")
        platform_secret, signing_secret = secrets.token_hex(16), secrets.token_hex(16)
        stand_in = SlackStandIn(
            bot_token=BOT_TOKEN,
            rate_limit_per_channel=slack_rate_limit,
            events_url=f"{functions_url}/slack-events",
            signing_secret=signing_secret,
        ).start()
        os.environ.update(
            {
                "GOOGLE_CLOUD_PROJECT": project,
                "FIRESTORE_EMULATOR_HOST": firestore.host,
                "PUBSUB_EMULATOR_HOST": pubsub.host,
                "DEVPLAN_PLATFORM_SECRET": platform_secret,
                "SLACK_SIGNING_SECRET": signing_secret,
                "SLACK_BOT_TOKEN": BOT_TOKEN,
                "SLACK_API_URL": f"{stand_in.url}/api/",
                # The stand-in limits nothing by default (POST /_stand-in/limits turns Slack's
                # tiers on): the product's pace is off to match (0), unless set.
                PACE_SCALE_ENV: os.environ.get(PACE_SCALE_ENV, "0"),
            }
        )
        runtime.reset()
        policy = retry or RetryPolicy.from_env()
        host: FunctionHost | None = None
        server = process = None
        if separate_host:
            journal = {JOURNAL_ENV: str(state_dir / "host-journal")}
            env = {**os.environ, **policy.as_env(), **journal, **(host_env or {})}
            process = HostProcess(port, env, state_dir / "logs" / "host.log")
        else:
            host = FunctionHost(manifest_module.load(), policy=policy)
            server = serve(host, port)
        stack = cls(
            project,
            state_dir,
            firestore,
            pubsub,
            host,
            stand_in,
            functions_url,
            platform_secret,
            signing_secret,
            server,
            host_process=process,
        )
        try:
            if process is not None:
                process.start()
            stack.wire(project)
        except Exception:
            stack.stop()
            raise
        log.info("local stack up in %.1f s", time.monotonic() - started)
        return stack

    def wire(self, project: str) -> None:
        """Register triggers and topics for a project id (tests isolate themselves by project)."""
        manifest = manifest_module.load()
        register_firestore_triggers(manifest, self.firestore.host, project)
        create_topics_and_push(manifest, self.pubsub.host, project, self.functions_url)

    def kill_host(self) -> None:
        """SIGKILL the functions (separate_host only), as an instance dies mid-request."""
        if self.host_process is None:
            raise RuntimeError("the function host runs in this process; start with separate_host=True")
        self.host_process.kill()

    def start_host(self) -> None:
        """Start the functions again on the same port; emulators and Slack keep their state."""
        if self.host_process is None:
            raise RuntimeError("the function host runs in this process; start with separate_host=True")
        self.host_process.start()

    def publish(self, topic: str, message: dict[str, Any]) -> str:
        return runtime.publisher().publish_many(topic, [message])[0]

    def tick(self, as_of: date, **extra: Any) -> str:
        return self.publish(manifest_module.load().topic_of("daily-tick"), {"asOf": as_of.isoformat(), **extra})

    def start_scheduler(self) -> LocalScheduler:
        """Real-time Cloud Scheduler for `devplan local up`."""
        self._scheduler = LocalScheduler(manifest_module.load().schedules, self.publish).start()
        return self._scheduler

    def info(self) -> dict[str, Any]:
        return {
            "project": self.project,
            "pid": os.getpid(),
            "firestore_host": self.firestore.host,
            "pubsub_host": self.pubsub.host,
            "functions_url": self.functions_url,
            "webhook_url": f"{self.functions_url}/platform-webhook",
            "slack_events_url": f"{self.functions_url}/slack-events",
            "slack_stand_in_url": self.stand_in.url,
            "slack_bot_token": BOT_TOKEN,
            "platform_secret": self.platform_secret,
            "slack_signing_secret": self.slack_signing_secret,
            "process_groups": [self.firestore.pgid, self.pubsub.pgid]
            + ([self.host_process.process.pid] if self.host_process and self.host_process.process else []),
        }

    def write_state(self) -> Path:
        path = self.state_dir / "local.json"
        path.write_text(json.dumps(self.info(), indent=2))
        return path

    def client(self) -> StackClient:
        if self._client is None:
            self._client = StackClient(self.info())
        return self._client

    def wait_quiet(self, timeout: float = 60.0, settle: float = 0.5) -> None:
        """No event in flight for `settle` seconds and no outbox message waiting for Slack."""
        self.client().wait_quiet(timeout=timeout, settle=settle)
        self.client().wait_settled(timeout=timeout)

    def stop(self) -> None:
        if self._scheduler is not None:
            self._scheduler.stop()
        if self._server is not None:
            self._server.shutdown()
        if self.host is not None:
            self.host.close()
        if self.host_process is not None:
            self.host_process.stop()
        self.stand_in.stop()
        for emulator in (self.firestore, self.pubsub):
            emulator.stop()
        (self.state_dir / "local.json").unlink(missing_ok=True)
