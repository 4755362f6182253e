"""`devplan`: the local stack, the demo and ops commands."""
from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from pathlib import Path

from devplan.local.emulators import EmulatorsMissing

STATE_FILE = Path(".devplan") / "local.json"


def _up(args: argparse.Namespace) -> int:
    if args.detach:
        return _up_detached()
    from devplan import logs
    from devplan.local.stack import LocalStack
    logs.configure()
    stack = LocalStack.start(STATE_FILE.parent)
    stack.write_state()
    print(json.dumps(stack.info(), indent=2), flush=True)
    stopped = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stopped.set())
    stopped.wait()
    stack.stop()
    return 0


def _up_detached() -> int:
    from devplan.local import control
    try:
        print(json.dumps(control.up_detached(), indent=2))
        return 0
    except RuntimeError as exc:
        print(exc, file=sys.stderr)
        return 1


def _down(_: argparse.Namespace) -> int:
    from devplan.local import control
    print("Local stack stopped." if control.down() else "No local stack is up.")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from devplan.local.demo import run_demo
    return run_demo(keep=args.keep)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="devplan", description="Inner Journey's development plan, automated.")
    commands = parser.add_subparsers(dest="command", required=True)
    local = commands.add_parser("local", help="the local stack on the Google emulators").add_subparsers(
        dest="action", required=True)
    up = local.add_parser("up", help="start emulators, functions and the Slack stand-in")
    up.add_argument("--detach", action="store_true", help="return once everything is healthy")
    up.set_defaults(run=_up)
    local.add_parser("down", help="stop everything `up` started").set_defaults(run=_down)
    demo = commands.add_parser("demo", help="onboard the seed's team on the local stack and show Slack")
    demo.add_argument("--keep", action="store_true", help="leave the stack up afterwards")
    demo.set_defaults(run=_demo)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except EmulatorsMissing as exc:
        print(exc, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
