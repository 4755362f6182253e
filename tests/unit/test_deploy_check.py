"""`system.ping` and `devplan deploy-check` (shared/devplan_tools/deploy_check.py).

The ping through the entry point in-process; the deploy check over real HTTP against
functions/main.py served by functions-framework (the in-memory fakes behind devplan.runtime), as
Cloud Build runs it against the deployed functions."""

from __future__ import annotations

import io
import json
import threading
from datetime import UTC, datetime

import functions_framework
import pytest
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.serving import make_server

from devplan_tools import deploy_check
from tests.unit.entry_support import (
    PLATFORM_SECRET,
    ROOT,
    SLACK_SIGNING_SECRET,
    client,
    platform_headers,
)

PING = json.dumps({"id": "ping-1", "type": "system.ping", "occurredAt": "2025-04-08T09:00:00+02:00", "data": {}})


def _ping(env, body: bytes = PING.encode(), **headers: str):
    return client("platform_webhook").post("/", data=body, headers={**platform_headers(body, env.now), **headers})


def test_a_signed_ping_answers_pong_and_writes_nothing(env):
    before = env.snapshot()
    response = _ping(env)
    assert response.status_code == 200
    assert response.get_json() == {"ok": True, "id": "ping-1", "status": "pong"}
    assert env.store.docs == before  # no ledger entry, no held event, nothing
    again = _ping(env, **{"X-Devplan-Delivery": "delivery-2"})  # not claimed: pongs again, never "duplicate"
    assert again.get_json()["status"] == "pong" and env.store.docs == before
    assert env.publisher.published == [] and (env.slack.posted, env.slack.lookups) == ([], 0)


def test_a_ping_is_checked_like_any_event(env):
    body = PING.encode()
    unsigned = client("platform_webhook").post("/", data=body, headers={"Content-Type": "application/json"})
    assert unsigned.status_code == 401 and unsigned.get_json()["error"] == "unsigned"
    no_data = json.dumps({"id": "ping-2", "type": "system.ping", "occurredAt": "2025-04-08T09:00:00+02:00"}).encode()
    assert _ping(env, no_data).get_json()["error"] == "malformed"
    assert env.store.docs == {}


@pytest.fixture
def served(env):
    """functions/main.py's two HTTP functions on a real port; signatures checked against now."""
    env.now = datetime.now(UTC)
    apps = {
        f"/{target}": functions_framework.create_app(target=target, source=str(ROOT / "functions" / "main.py"))
        for target in ("platform_webhook", "slack_events")
    }
    server = make_server("127.0.0.1", 0, DispatcherMiddleware(apps["/platform_webhook"], apps), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def _run(probes) -> tuple[int, str]:
    out = io.StringIO()
    return deploy_check.run(probes, out=out, sleep=lambda _: None), out.getvalue()


def test_the_deploy_check_passes_against_functions_with_the_right_secrets(served, env):
    probes = deploy_check.platform_probes(f"{served}/platform_webhook", PLATFORM_SECRET)
    probes += deploy_check.slack_probes(f"{served}/slack_events", SLACK_SIGNING_SECRET)
    status, out = _run(probes)
    assert status == 0, out
    assert out.count("ok  ") == 4 and "4 of 4" in out
    assert env.store.docs == {}  # the health requests wrote nothing


@pytest.mark.parametrize(
    "platform_secret, slack_secret, wrong",
    [
        ("another-platform-secret", SLACK_SIGNING_SECRET, "platform-webhook: signed system.ping"),
        (PLATFORM_SECRET, "another-slack-secret", "slack-events: signed url_verification"),
    ],
)
def test_the_deploy_check_fails_when_a_secret_differs(served, platform_secret, slack_secret, wrong):
    probes = deploy_check.platform_probes(f"{served}/platform_webhook", platform_secret)
    probes += deploy_check.slack_probes(f"{served}/slack_events", slack_secret)
    status, out = _run(probes)
    assert status == 1
    assert [line for line in out.splitlines() if line.startswith("FAIL")] == [
        next(line for line in out.splitlines() if wrong in line)
    ]
    assert "HTTP 401" in out and "3 of 4" in out


def test_the_deploy_check_fails_when_the_urls_are_swapped(served):
    probes = deploy_check.platform_probes(f"{served}/slack_events", PLATFORM_SECRET)
    probes += deploy_check.slack_probes(f"{served}/platform_webhook", SLACK_SIGNING_SECRET)
    status, out = _run(probes)
    assert status == 1 and "1 of 4" in out  # both refuse what is unsigned; nothing else is right
    assert "ok   platform-webhook: unsigned request refused" in out


def test_the_deploy_check_waits_for_a_revision_that_is_not_serving_yet(served):
    pauses: list[float] = []
    (probe,) = deploy_check.platform_probes("http://127.0.0.1:9/nothing-here", PLATFORM_SECRET)[:1]
    assert "no answer" in (deploy_check.probe(probe, sleep=pauses.append) or "")
    assert pauses == list(deploy_check.PAUSES)  # tried again with growing pauses, then gave up


def test_the_command_needs_both_secrets(monkeypatch, capsys):
    monkeypatch.delenv("DEVPLAN_PLATFORM_SECRET", raising=False)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "x")
    assert deploy_check.command("http://a", "http://b") == 2
    assert "DEVPLAN_PLATFORM_SECRET" in capsys.readouterr().err


def test_the_command_finds_the_urls_in_terraforms_output_by_entry_point(served, tmp_path, monkeypatch, capsys):
    """As Cloud Build runs it: `terraform output -json http_function_urls` names the functions as
    the manifest does; the check picks them by the entry points functions/main.py defines."""
    from devplan_tools import cli, manifest

    http = manifest.load().by_kind("http")
    urls = tmp_path / "function_urls.json"
    urls.write_text(json.dumps({f.name: f"{served}/{f.entry_point}" for f in http}))
    monkeypatch.setenv("DEVPLAN_PLATFORM_SECRET", PLATFORM_SECRET)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SLACK_SIGNING_SECRET)
    assert cli.main(["deploy-check", "--function-urls", str(urls)]) == 0
    assert "4 of 4" in capsys.readouterr().out
    urls.write_text(json.dumps({f.name: f"{served}/{f.entry_point}" for f in http[:1]}))
    assert cli.main(["deploy-check", "--function-urls", str(urls)]) == 2  # one of them missing: said, not guessed
