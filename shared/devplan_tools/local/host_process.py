"""The function host in a process of its own, so it can die like an instance does (SIGKILL)
and be started again on the same port while the emulators and the Slack stand-in keep their
state: `LocalStack.start(separate_host=True)`, then `stack.kill_host()` / `stack.start_host()`.
Firestore-trigger deliveries not finished are journaled (DEVPLAN_HOST_JOURNAL, journal.py) and
redelivered by the next host. A Firestore event written while no host runs is not: the emulator's
one delivery meets a refused connection and is lost (production's Eventarc would keep it).

    python -m devplan_tools.local.host_process --port P     (environment as the stack sets it)

Transient Firestore faults for the chaos year are installed here when DEVPLAN_CHAOS_FIRESTORE
is set (devplan_tools/chaos/firestore_faults.py), so only the functions see them.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from devplan_tools.local.processes import answers_ok, start_group, stop_group, wait_until


class QuietHandler(WSGIRequestHandler):
    """No access log per request: the functions log what matters, as in Cloud Logging."""

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass


def serve(app: Any, port: int) -> BaseWSGIServer:
    server = make_server("127.0.0.1", port, app, threaded=True, request_handler=QuietHandler)
    threading.Thread(target=server.serve_forever, daemon=True, name="function-host").start()
    return server


class HostProcess:
    """A child process running every function, on a fixed port the emulators already know."""

    def __init__(self, port: int, env: dict[str, str], log_path: Path):
        self.port, self.env, self.log_path = port, env, log_path
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60.0) -> HostProcess:
        argv = [sys.executable, "-m", "devplan_tools.local.host_process", "--port", str(self.port)]
        self.process = process = start_group(argv, self.log_path, env=self.env)
        wait_until(
            lambda: answers_ok(f"http://127.0.0.1:{self.port}/_host/status"),
            timeout=timeout,
            what="function host",
            alive=lambda: process.poll() is None,
        )
        return self

    def kill(self) -> None:
        """SIGKILL, as an instance dies: no answer, no cleanup."""
        if self.process is not None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
            self.process = None

    def stop(self) -> None:
        if self.process is not None:
            stop_group(self.process.pid)
            self.process.wait(timeout=10)
            self.process = None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Every function of the manifest on one port.")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    from devplan_tools import manifest
    from devplan_tools.chaos import firestore_faults
    from devplan_tools.local.function_host import FunctionHost
    from devplan_tools.local.journal import Journal
    from devplan_tools.local.stack import log_json_lines

    log_json_lines()
    firestore_faults.install_from_env()
    if os.environ.get("DEVPLAN_CHAOS_LEASE_SECONDS"):  # the chaos year's compressed time (chaos/run.py)
        from datetime import timedelta

        from devplan.services import delivery

        delivery.LEASE = timedelta(seconds=float(os.environ["DEVPLAN_CHAOS_LEASE_SECONDS"]))
    host = FunctionHost(manifest.load(), journal=Journal.from_env())
    # What a killed host left, read before serving: a delivery this host accepts is never taken
    # for a leftover (and run twice), nor its half-written record for a killed host's .tmp.
    left = host.left_by_a_previous_host()
    server = serve(host, args.port)
    host.replay(left)  # Eventarc would redeliver them; the emulator never does
    stopped = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stopped.set())
    stopped.wait()
    server.shutdown()
    host.close()


if __name__ == "__main__":
    main()
