"""`devplan schedule` against a small fake of CloudSchedulerClient: the jobs asked for and what is printed."""

import io
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from google.api_core.exceptions import NotFound

from devplan_tools import cli, cloud_scheduler, manifest

PROJECT = "innerjourney-prod"


class FakeScheduler:
    """Jobs by resource name, as a deployed project would have them; records every request."""

    def __init__(self, *jobs: SimpleNamespace):
        self.jobs = {j.name: j for j in jobs}
        self.requests: list[tuple[str, str]] = []

    def _job(self, method: str, name: str) -> SimpleNamespace:
        self.requests.append((method, name))
        if name not in self.jobs:
            raise NotFound(f"Job {name} not found")
        return self.jobs[name]

    def get_job(self, *, name: str):
        return self._job("get_job", name)

    def run_job(self, *, name: str):
        job = self._job("run_job", name)
        job.runs += 1
        return job

    def pause_job(self, *, name: str):
        job = self._job("pause_job", name)
        job.state = SimpleNamespace(name="PAUSED")
        return job

    def resume_job(self, *, name: str):
        job = self._job("resume_job", name)
        job.state = SimpleNamespace(name="ENABLED")
        return job


def deployed(name: str, region: str, *, last=None, code=0, message="") -> SimpleNamespace:
    schedule = next(s for s in manifest.load().schedules if s.name == name)
    return SimpleNamespace(
        name=f"projects/{PROJECT}/locations/{region}/jobs/{name}",
        schedule=schedule.cron,
        time_zone=schedule.time_zone,
        state=SimpleNamespace(name="ENABLED"),
        last_attempt_time=last,
        status=SimpleNamespace(code=code, message=message),
        runs=0,
    )


def test_jobs_are_named_as_terraform_names_them():
    from google.cloud.scheduler_v1 import CloudSchedulerClient

    assert cloud_scheduler.job_path("p", "europe-north1", "devplan-daily") == CloudSchedulerClient.job_path(
        "p", "europe-north1", "devplan-daily"
    )
    assert cloud_scheduler.job_names() == [s.name for s in manifest.load().schedules] == ["devplan-daily"]


def test_status_prints_schedule_zone_state_and_last_attempt_of_every_manifest_job():
    region = manifest.load().region
    fake = FakeScheduler(deployed("devplan-daily", region, last=datetime(2025, 4, 1, 5, 0, tzinfo=UTC)))
    out = io.StringIO()
    assert cloud_scheduler.command("status", PROJECT, client=fake, out=out) == 0
    assert fake.requests == [("get_job", f"projects/{PROJECT}/locations/{region}/jobs/devplan-daily")]
    assert out.getvalue() == (
        "devplan-daily: 0 7 * * * (Europe/Stockholm), ENABLED, last attempt 2025-04-01T05:00:00+00:00 OK\n"
    )


def test_status_shows_a_failed_attempt_and_a_job_never_run():
    fake = FakeScheduler(
        deployed(
            "devplan-daily",
            "europe-west1",
            last=datetime(2025, 4, 1, 5, 0, tzinfo=UTC),
            code=5,
            message="topic not found",
        )
    )
    out = io.StringIO()
    cloud_scheduler.command("status", PROJECT, "europe-west1", client=fake, out=out)
    assert out.getvalue().endswith("failed (code 5: topic not found)\n")
    fake.jobs[next(iter(fake.jobs))].last_attempt_time = None
    out = io.StringIO()
    cloud_scheduler.command("status", PROJECT, "europe-west1", client=fake, out=out)
    assert out.getvalue().endswith("ENABLED, never run\n")


def test_run_pause_and_resume_act_on_the_named_job():
    region = "europe-north1"
    fake = FakeScheduler(deployed("devplan-daily", region))
    path = f"projects/{PROJECT}/locations/{region}/jobs/devplan-daily"
    out = io.StringIO()
    for action in ("run", "pause", "resume"):
        assert cloud_scheduler.command(action, PROJECT, region, "devplan-daily", client=fake, out=out) == 0
    assert fake.requests == [("run_job", path), ("pause_job", path), ("resume_job", path)]
    assert fake.jobs[path].runs == 1 and fake.jobs[path].state.name == "ENABLED"
    assert out.getvalue().splitlines()[1:] == ["devplan-daily: PAUSED", "devplan-daily: ENABLED"]


def test_a_job_not_deployed_is_said_so_and_fails_the_command():
    out = io.StringIO()
    assert cloud_scheduler.command("status", PROJECT, "europe-north1", client=FakeScheduler(), out=out) == 1
    assert (
        out.getvalue()
        == f"devplan-daily: not deployed (projects/{PROJECT}/locations/europe-north1/jobs/devplan-daily)\n"
    )


def test_a_job_outside_the_manifest_is_refused(capsys):
    with pytest.raises(ValueError):
        cloud_scheduler.job_names("devplan-hourly")
    assert cli.main(["schedule", "run", "--project", PROJECT, "--job", "devplan-hourly"]) == 2
    assert "no schedule 'devplan-hourly'" in capsys.readouterr().err


def test_the_cli_passes_project_region_and_job(monkeypatch, capsys):
    fake = FakeScheduler(deployed("devplan-daily", "europe-west3"))
    monkeypatch.setattr(cloud_scheduler, "build_client", lambda: fake)
    assert cli.main(["schedule", "pause", "--project", PROJECT, "--region", "europe-west3"]) == 0
    assert fake.requests == [("pause_job", f"projects/{PROJECT}/locations/europe-west3/jobs/devplan-daily")]
    assert capsys.readouterr().out == "devplan-daily: PAUSED\n"
