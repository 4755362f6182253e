"""`devplan`: the local stack, the demo and ops commands."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from pathlib import Path

from devplan_tools.local.emulators import EmulatorsMissing

STATE_FILE = Path(".devplan") / "local.json"


def _up(args: argparse.Namespace) -> int:
    if args.detach:
        return _up_detached()
    from devplan_tools.local.stack import LocalStack, log_json_lines

    log = log_json_lines()
    stack = LocalStack.start(STATE_FILE.parent)
    stack.start_scheduler()
    stack.write_state()
    log.info("local stack up: %s", STATE_FILE, extra={"stack": stack.info()})
    stopped = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stopped.set())
    stopped.wait()
    stack.stop()
    return 0


def _up_detached() -> int:
    from devplan_tools.local import control

    try:
        print(json.dumps(control.up_detached(), indent=2))
        return 0
    except RuntimeError as exc:
        print(exc, file=sys.stderr)
        return 1


def _down(_: argparse.Namespace) -> int:
    from devplan_tools.local import control

    print("Local stack stopped." if control.down() else "No local stack is up.")
    return 0


def _env(_: argparse.Namespace) -> int:
    """Shell exports of the running stack (`eval "$(devplan local env)"`): WEBHOOK_URL, PLATFORM_SECRET, …"""
    import shlex

    from devplan_tools.local import control

    info = control.running()
    if info is None:
        print("No local stack is up: `devplan local up --detach` starts one.", file=sys.stderr)
        return 1
    for key, value in info.items():
        if isinstance(value, (str, int)):
            print(f"export {key.upper()}={shlex.quote(str(value))}")
    return 0


def _tick(args: argparse.Namespace) -> int:
    """Publish a tick for any day: to the running local stack, or to a real project (backfill)."""
    from datetime import date

    from devplan.adapters.pubsub import Publisher
    from devplan_tools import manifest, targets

    target = targets.project_or_local(args.project)
    if target is None:
        return 1
    project = target[0]
    day = date.fromisoformat(args.as_of)
    message = {"asOf": day.isoformat(), **({"force": True} if args.force else {})}
    message_id = Publisher(project).publish(manifest.load().topic_of("daily-tick"), message)
    print(f"Tick for {day} published to {project} (message {message_id}).")
    return 0


def _schedule(args: argparse.Namespace) -> int:
    """The deployed Cloud Scheduler jobs of the manifest: status, run now, pause, resume."""
    from devplan_tools import cloud_scheduler

    try:
        return cloud_scheduler.command(args.action, args.project, args.region, args.job)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2


def _demo(args: argparse.Namespace) -> int:
    from devplan_tools.demo.run import run_demo

    return run_demo(keep=args.keep)


def _chaos(args: argparse.Namespace) -> int:
    from datetime import date

    from devplan_tools.chaos.run import run_chaos

    first = date.fromisoformat(args.first) if args.first else None
    last = date.fromisoformat(args.last) if args.last else None
    status, _ = run_chaos(year=args.year, seed=args.seed, first=first, last=last, quiet_year=not args.verbose)
    return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="devplan", description="Inner Journey's development plan, automated.")
    commands = parser.add_subparsers(dest="command", required=True)
    local = commands.add_parser("local", help="the local stack on the Google emulators").add_subparsers(
        dest="action", required=True
    )
    up = local.add_parser("up", help="start emulators, functions and the Slack stand-in")
    up.add_argument("--detach", action="store_true", help="return once everything is healthy")
    up.set_defaults(run=_up)
    local.add_parser("down", help="stop everything `up` started").set_defaults(run=_down)
    local.add_parser("env", help="shell exports of the running stack's URLs and secrets").set_defaults(run=_env)
    demo = commands.add_parser("demo", help="onboard the seed's team on the local stack and show Slack")
    demo.add_argument("--keep", action="store_true", help="leave the stack up afterwards")
    demo.set_defaults(run=_demo)
    tick = commands.add_parser("tick", help="publish the daily tick for a given day (re-run, backfill)")
    tick.add_argument("--as-of", required=True, metavar="YYYY-MM-DD", help="the day the rules treat as today")
    tick.add_argument("--project", help="a Google Cloud project (default: the running local stack)")
    tick.add_argument("--force", action="store_true", help="fan out again even if the day was already done")
    tick.set_defaults(run=_tick)
    schedule = commands.add_parser("schedule", help="the deployed Cloud Scheduler jobs of the manifest")
    schedule.add_argument(
        "action",
        choices=("status", "run", "pause", "resume"),
        help="status: schedule, state, last attempt; run: the job's own run now",
    )
    schedule.add_argument("--project", required=True, help="the Google Cloud project deployed to")
    schedule.add_argument("--region", help="the jobs' region (default: the manifest's, as Terraform's)")
    schedule.add_argument("--job", help="one job of the manifest (default: all)")
    schedule.set_defaults(run=_schedule)
    from devplan_tools import operations

    operations.add_commands(commands)  # stuck, dead-letters, outbox
    from devplan_tools import report

    report.add_command(commands)  # report --quarter
    from devplan_tools import backup, deploy_check, drill

    for production in (backup, drill, deploy_check):  # backup, restore, drill, deploy-check
        production.add_commands(commands)
    from devplan_tools import privacy_cli

    privacy_cli.add_commands(commands)  # export, erase
    chaos = commands.add_parser("chaos", help="the year clean and under chaos, final states compared")
    chaos.add_argument("--year", type=int, default=2025)
    chaos.add_argument("--seed", type=int, help="reproduces a run (printed at the start)")
    chaos.add_argument("--first", metavar="YYYY-MM-DD", help="first day (default: 1 January)")
    chaos.add_argument("--last", metavar="YYYY-MM-DD", help="last day (default: 31 December)")
    chaos.add_argument("--verbose", action="store_true", help="print both runs' Slack timelines")
    chaos.set_defaults(run=_chaos)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except EmulatorsMissing as exc:
        print(exc, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
