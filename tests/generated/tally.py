"""What the generated input did, counted over the run and printed at its end (conftest.py):
inputs per endpoint, answers by status, accepted and rejected, and the counts that must be 0."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

# The contract's answers (README "Platform webhook contract", infra/webhook.openapi.yaml).
CANNOT_APPLY = ("unusable_record", "cannot_apply")  # stored data is at fault: kept as a dead letter
_SPEC = yaml.safe_load((Path(__file__).resolve().parents[2] / "infra" / "webhook.openapi.yaml").read_text())
_ANSWERED = _SPEC["paths"]["/platform-webhook"]["post"]["responses"]["200"]["content"]["application/json"]
PLATFORM_STATUSES = set(_ANSWERED["schema"]["properties"]["status"]["enum"])
_REFUSED = _SPEC["components"]["responses"]["Error"]["content"]["application/json"]["schema"]
ERROR_CODES = set(_REFUSED["properties"]["error"]["enum"]) - {"not_configured"}
MUST_BE_ZERO = (
    "5xx",
    "not JSON or off contract",
    "writes from rejected input",
    "unfinished onboardings",
    "unsent outbox messages",
    "event entry point raised",
)


@dataclass
class Tally:
    inputs: Counter[str] = field(default_factory=Counter)
    answers: Counter[str] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)
    zero: Counter[str] = field(default_factory=Counter)

    def http(self, endpoint: str, response: Any) -> tuple[int, dict[str, Any] | None]:
        """Count an HTTP answer; return its status and body if it keeps the contract (else None)."""
        self.inputs[endpoint] += 1
        status = response.status_code
        self.answers[f"{endpoint} {status}"] += 1
        self.outcomes[f"{endpoint} {'accepted' if status == 200 else 'rejected'}"] += 1
        if status >= 500:
            self.zero["5xx"] += 1
        body = contract_body(endpoint, response)
        if body is None:
            self.zero["not JSON or off contract"] += 1
        return status, body

    def event(self, entry_point: str, response: Any, *, accepted: bool) -> None:
        self.inputs[entry_point] += 1
        self.outcomes[f"{entry_point} {'accepted' if accepted else 'rejected'}"] += 1
        if response.status_code != 200:
            self.zero["event entry point raised"] += 1

    def failed(self, what: str, n: int = 1) -> None:
        self.zero[what] += n

    def unfinished(self, problems: list[str]) -> None:
        """What World.finish found not finished: stuck onboardings, unsent messages, failing triggers."""
        for problem in problems:
            self.zero["unsent outbox messages" if problem.startswith("outbox/") else "unfinished onboardings"] += 1
        assert not problems, "not processed to completion: " + "; ".join(problems)

    def report(self) -> list[str]:
        lines = ["generated input: inputs per endpoint"]
        lines += [f"  {name:<28} {n:>7}" for name, n in sorted(self.inputs.items())]
        lines += ["answers by status"] + [f"  {k:<28} {n:>7}" for k, n in sorted(self.answers.items())]
        lines += ["accepted / rejected"] + [f"  {k:<40} {n:>7}" for k, n in sorted(self.outcomes.items())]
        lines += ["must be 0"] + [f"  {k:<28} {self.zero[k]:>7}" for k in MUST_BE_ZERO]
        return lines

    @property
    def clean(self) -> bool:
        return not any(self.zero[k] for k in MUST_BE_ZERO)


def contract_body(endpoint: str, response: Any) -> dict[str, Any] | None:
    """The JSON body if it has the contract's shape: {"ok": true, ...} on 200 (the webhook's with
    id and a known status), {"ok": false, "error": code, "message": why} otherwise. Slack is
    answered 200 also for what cannot be applied (so it does not retry), with an ephemeral text."""
    content_type, data = _content(response)
    if not content_type.startswith("application/json"):
        return None
    try:
        body = json.loads(data)
    except ValueError:
        return None
    if not isinstance(body, dict):
        return None
    if response.status_code == 200 and endpoint == "slack-events" and body.get("ok") is False:
        return body if _slack_cannot_apply(body) else None
    if response.status_code == 200:
        if body.get("ok") is not True:
            return None
        if endpoint == "platform-webhook" and not (
            isinstance(body.get("id"), str) and body.get("status") in PLATFORM_STATUSES
        ):
            return None
        return body
    if body.get("ok") is not False or body.get("error") not in ERROR_CODES or not isinstance(body.get("message"), str):
        return None
    return body


def _slack_cannot_apply(body: dict[str, Any]) -> bool:
    return (
        body.get("error") in CANNOT_APPLY
        and isinstance(body.get("message"), str)
        and body.get("response_type") == "ephemeral"
        and isinstance(body.get("text"), str)
        and bool(body["text"])
    )


TALLY = Tally()


def _content(response: Any) -> tuple[str, bytes]:
    """Content type and body of a werkzeug test response or a schemathesis Response."""
    if hasattr(response, "get_data"):
        return response.content_type or "", response.get_data()
    return (response.headers.get("content-type") or [""])[0], response.content
