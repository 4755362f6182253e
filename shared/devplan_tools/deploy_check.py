"""`devplan deploy-check`: after `terraform apply`, each HTTP function answers signed health requests.

Cloud Build runs it last (cloudbuild.yaml); the build fails when a function answers wrong. Four
requests, none of which writes anything:

- platform webhook, signed `system.ping`          → 200 {"ok": true, "id": <the id>, "status": "pong"}
- platform webhook, the same ping without signature → 401 {"ok": false, "error": "unsigned"}
- Slack endpoint, signed `url_verification`         → 200 with the challenge echoed
- Slack endpoint, signed with another secret        → 401 {"ok": false, "error": "bad_signature"}

The signed requests prove the deployed secrets are the ones the platform and Slack sign with; the
refused ones prove the endpoints still check signatures (a public URL that accepts anything would
otherwise pass). A fresh revision may need a moment: a request that fails to connect or answers
429/5xx is tried again, a few times with growing pauses; any other wrong answer fails at once.
"""

from __future__ import annotations

import json
import os
import secrets
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import requests

from devplan.adapters.decoding.slack import slack_signature
from devplan_tools.local.platform_client import envelope, signed_headers

PAUSES = (2.0, 4.0, 8.0, 16.0)  # ~30 s in all: long enough for a new revision to take traffic
TIMEOUT = 15


@dataclass(frozen=True)
class Probe:
    """One request and what its answer must be (`expect` returns what is wrong, or None)."""

    name: str
    url: str
    body: bytes
    headers: Callable[[], dict[str, str]]  # signed when sent: the signature's time window is short
    status: int
    expect: Callable[[dict[str, Any]], str | None]


def platform_probes(url: str, secret: str) -> list[Probe]:
    event_id = f"deploy-check-{uuid.uuid4()}"
    body = envelope("system.ping", {}, event_id=event_id)

    def pong(answer: dict[str, Any]) -> str | None:
        wanted = {"ok": True, "id": event_id, "status": "pong"}
        return None if answer == wanted else f"expected {wanted}"

    def unsigned() -> dict[str, str]:
        return {k: v for k, v in signed_headers(secret, body).items() if k != "X-Devplan-Signature"}

    return [
        Probe("platform-webhook: signed system.ping", url, body, lambda: signed_headers(secret, body), 200, pong),
        Probe("platform-webhook: unsigned request refused", url, body, unsigned, 401, _error("unsigned")),
    ]


def slack_probes(url: str, signing_secret: str) -> list[Probe]:
    challenge = secrets.token_urlsafe(16)
    body = json.dumps({"type": "url_verification", "token": "deploy-check", "challenge": challenge}).encode()

    def echoed(answer: dict[str, Any]) -> str | None:
        return None if answer.get("challenge") == challenge else f"expected the challenge {challenge!r} back"

    other_secret = signing_secret + "-not-it"
    return [
        Probe("slack-events: signed url_verification", url, body, lambda: _slack(signing_secret, body), 200, echoed),
        Probe(
            "slack-events: wrong signature refused",
            url,
            body,
            lambda: _slack(other_secret, body),
            401,
            _error("bad_signature"),
        ),
    ]


def _slack(secret: str, body: bytes) -> dict[str, str]:
    timestamp = str(int(time.time()))
    return {
        "Content-Type": "application/json",
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": slack_signature(secret, timestamp, body),
    }


def _error(code: str) -> Callable[[dict[str, Any]], str | None]:
    def check(answer: dict[str, Any]) -> str | None:
        return None if answer.get("ok") is False and answer.get("error") == code else f"expected error {code!r}"

    return check


def probe(p: Probe, *, sleep: Callable[[float], None] = time.sleep) -> str | None:
    """None if the answer is right, else what was wrong (after the retries for a revision warming up)."""
    problem: str | None = "not tried"
    for pause in (*PAUSES, None):
        try:
            response = requests.post(p.url, data=p.body, headers=p.headers(), timeout=TIMEOUT)
        except requests.RequestException as exc:
            problem = f"no answer: {exc}"
        else:
            retryable = response.status_code == 429 or response.status_code >= 500
            problem = _judge(p, response)
            if problem is None or not retryable:
                return problem
        if pause is not None:
            sleep(pause)
    return problem


def _judge(p: Probe, response: requests.Response) -> str | None:
    try:
        answer = response.json()
    except ValueError:
        return f"HTTP {response.status_code}, not JSON: {response.text[:200]!r}"
    if response.status_code != p.status or not isinstance(answer, dict):
        return f"HTTP {response.status_code} {answer!r}, expected HTTP {p.status}"
    wrong = p.expect(answer)
    return f"HTTP {response.status_code} {answer!r}: {wrong}" if wrong else None


def run(probes: list[Probe], *, out: TextIO | None = None, sleep: Callable[[float], None] = time.sleep) -> int:
    """0 when every probe answered right, 1 otherwise; one line per probe (on stdout unless `out`)."""
    out = out or sys.stdout
    failed = 0
    for p in probes:
        problem = probe(p, sleep=sleep)
        failed += problem is not None
        print(f"{'ok  ' if problem is None else 'FAIL'} {p.name}{'' if problem is None else ': ' + problem}", file=out)
    print(f"deploy-check: {len(probes) - failed} of {len(probes)} answered as they should", file=out)
    return 1 if failed else 0


def urls_from_terraform(path: str) -> tuple[str, str]:
    """(platform URL, Slack URL) from `terraform output -json http_function_urls` ({name: url}),
    the functions found by their entry points in the manifest, as functions/main.py names them."""
    from devplan_tools import manifest

    urls = json.loads(Path(path).read_text(encoding="utf-8"))
    by_entry = {f.entry_point: urls.get(f.name) for f in manifest.load().by_kind("http")}
    platform, slack = by_entry.get("platform_webhook"), by_entry.get("slack_events")
    if not platform or not slack:
        raise ValueError(f"{path}: no URL for the platform webhook or the Slack endpoint in {sorted(urls)}")
    return platform, slack


def command(platform_url: str, slack_url: str, *, out: TextIO | None = None) -> int:
    """The CLI: secrets from the environment (Cloud Build maps them from Secret Manager)."""
    platform_secret = os.environ.get("DEVPLAN_PLATFORM_SECRET", "")
    slack_secret = os.environ.get("SLACK_SIGNING_SECRET", "")
    missing = [
        n for n, v in (("DEVPLAN_PLATFORM_SECRET", platform_secret), ("SLACK_SIGNING_SECRET", slack_secret)) if not v
    ]
    if missing:
        print(f"deploy-check needs {' and '.join(missing)} in the environment", file=sys.stderr)
        return 2
    return run(platform_probes(platform_url, platform_secret) + slack_probes(slack_url, slack_secret), out=out)


def add_commands(commands: Any) -> None:
    check = commands.add_parser("deploy-check", help="signed health requests to the deployed HTTP functions")
    check.add_argument("--platform-url", help="the platform webhook's URL")
    check.add_argument("--slack-url", help="the Slack endpoint's URL")
    check.add_argument(
        "--function-urls", metavar="FILE", help="or both from `terraform output -json http_function_urls`"
    )
    check.set_defaults(run=_cli)


def _cli(args: Any) -> int:
    try:
        if args.function_urls:
            args.platform_url, args.slack_url = urls_from_terraform(args.function_urls)
    except (OSError, ValueError) as exc:
        print(exc, file=sys.stderr)
        return 2
    if not (args.platform_url and args.slack_url):
        print("deploy-check needs --platform-url and --slack-url, or --function-urls", file=sys.stderr)
        return 2
    return command(args.platform_url, args.slack_url)
