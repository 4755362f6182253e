"""`devplan schedule status|run|pause|resume`: the deployed Cloud Scheduler jobs of the manifest.

infra/main.tf creates one job per schedule of infra/functions.yaml, named after the schedule, in
`scheduler_region` (the manifest's region unless Terraform was told otherwise: then pass
--region). `run` is the job's own run (what its schedule would do, with its own payload), so an
operator never publishes a tick by hand to replay the day's schedule.
"""

from __future__ import annotations

import sys
from typing import Any, TextIO

from devplan_tools import manifest

ACTIONS = ("status", "run", "pause", "resume")


def job_path(project: str, region: str, job: str) -> str:
    """The job's resource name; the same string as CloudSchedulerClient.job_path gives."""
    return f"projects/{project}/locations/{region}/jobs/{job}"


def build_client() -> Any:
    # Imported here: only this command needs the library (the tools extra), and only when it runs.
    from google.cloud import scheduler_v1

    return scheduler_v1.CloudSchedulerClient()


def job_names(only: str | None = None) -> list[str]:
    names = [s.name for s in manifest.load().schedules]
    if only is not None and only not in names:
        raise ValueError(f"no schedule {only!r} in the manifest (it has: {', '.join(names)})")
    return [only] if only else names


def describe(job: Any) -> str:
    """One line per job: schedule, time zone, state, the last attempt and its status."""
    last = job.last_attempt_time
    if last is None:
        attempt = "never run"
    else:
        status = job.status
        outcome = "OK" if not status.code else f"failed (code {status.code}: {status.message})"
        attempt = f"last attempt {last.isoformat()} {outcome}"
    return f"{job.name.rsplit('/', 1)[-1]}: {job.schedule} ({job.time_zone}), {job.state.name}, {attempt}"


def command(
    action: str,
    project: str,
    region: str | None = None,
    job: str | None = None,
    *,
    client: Any = None,
    out: TextIO | None = None,
) -> int:
    from google.api_core.exceptions import NotFound

    out = out or sys.stdout
    names, region = job_names(job), region or manifest.load().region
    client = client if client is not None else build_client()
    missing = 0
    for name in names:
        path = job_path(project, region, name)
        try:
            if action == "status":
                print(describe(client.get_job(name=path)), file=out)
            elif action == "run":
                client.run_job(name=path)
                print(f"{name}: run now (it publishes its payload as on schedule).", file=out)
            elif action in ("pause", "resume"):
                changed = getattr(client, f"{action}_job")(name=path)
                print(f"{name}: {changed.state.name}", file=out)
            else:
                raise ValueError(f"unknown action {action!r}")
        except NotFound:
            missing += 1
            print(f"{name}: not deployed ({path})", file=out)
    return 1 if missing else 0
