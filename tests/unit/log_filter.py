"""Just enough of Cloud Logging to test the alerts' log-based metrics (infra/log_metrics.tf) against
the log lines the product writes: a LogEntry as Cloud Run makes it from a line on stdout, the subset
of the logging query language the filters use, and EXTRACT() label extractors.

The language subset (https://cloud.google.com/logging/docs/view/logging-query-language):
  comparison   FIELD = "v" | FIELD != "v" | FIELD :* (has the field) | FIELD : "v" (contains)
               | severity >= LEVEL (and > < <=, by severity order)
  combination  NOT x, x AND y, x OR y, ( ... ); NOT binds tightest, then AND, then OR.
A filter outside the subset is refused (ValueError), so a test cannot pass on a filter it misread.
Deliberate simplifications: `:` is a case-sensitive substring test; a missing field is never equal.
"""

from __future__ import annotations

import json
import re
from typing import Any

SEVERITIES = ["DEFAULT", "DEBUG", "INFO", "NOTICE", "WARNING", "ERROR", "CRITICAL", "ALERT", "EMERGENCY"]
_TOKEN = re.compile(r'\s*(?:(\()|(\))|("(?:[^"\\]|\\.)*")|(>=|<=|!=|=|>|<|:)|(\*)|([A-Za-z_][\w.]*))')
_MISSING = object()


def cloud_run_entry(line: str, service: str) -> dict[str, Any]:
    """The LogEntry Cloud Run writes for one JSON line on stdout: `severity` and `time` lifted out of
    the payload, everything else (message included) in jsonPayload, the revision as resource."""
    payload = json.loads(line)
    return {
        "severity": payload.pop("severity", "DEFAULT"),
        "timestamp": payload.pop("time", None),
        "jsonPayload": payload,
        "resource": {"type": "cloud_run_revision", "labels": {"service_name": service}},
    }


def field(entry: dict[str, Any], path: str) -> Any:
    value: Any = entry
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return _MISSING
        value = value[part]
    return value


def extract(entry: dict[str, Any], extractor: str) -> str | None:
    """A label extractor `EXTRACT(path)`: the field's value as text, None when absent."""
    match = re.fullmatch(r"EXTRACT\(([\w.]+)\)", extractor)
    if not match:
        raise ValueError(f"unsupported label extractor {extractor!r}")
    value = field(entry, match.group(1))
    return None if value is _MISSING else str(value)


def matches(query: str, entry: dict[str, Any]) -> bool:
    parser = _Parser(_tokens(query))
    result = parser.disjunction(entry)
    if parser.tokens:
        raise ValueError(f"unexpected {parser.tokens[0]!r} in {query!r}")
    return result


def _tokens(query: str) -> list[str]:
    tokens, position = [], 0
    while position < len(query.rstrip()):
        match = _TOKEN.match(query, position)
        if not match:
            raise ValueError(f"cannot read {query[position:]!r}")
        tokens.append(next(g for g in match.groups() if g is not None))
        position = match.end()
    return tokens


class _Parser:
    """Recursive descent that evaluates as it reads (each sub-expression is read exactly once)."""

    def __init__(self, tokens: list[str]):
        self.tokens = tokens

    def take(self) -> str:
        if not self.tokens:
            raise ValueError("the filter ends too early")
        return self.tokens.pop(0)

    def disjunction(self, entry: dict[str, Any]) -> bool:
        result = self.conjunction(entry)
        while self.tokens[:1] == ["OR"]:
            self.take()
            result = self.conjunction(entry) or result
        return result

    def conjunction(self, entry: dict[str, Any]) -> bool:
        result = self.negation(entry)
        while self.tokens[:1] == ["AND"]:
            self.take()
            result = self.negation(entry) and result
        return result

    def negation(self, entry: dict[str, Any]) -> bool:
        token = self.take()
        if token == "NOT":
            return not self.negation(entry)
        if token == "(":
            result = self.disjunction(entry)
            if self.take() != ")":
                raise ValueError("unbalanced parentheses")
            return result
        return self.comparison(token, entry)

    def comparison(self, path: str, entry: dict[str, Any]) -> bool:
        if not re.fullmatch(r"[A-Za-z_][\w.]*", path) or path in ("AND", "OR"):
            raise ValueError(f"expected a field, got {path!r}")
        op, raw = self.take(), self.take()
        value = field(entry, path)
        if op == ":" and raw == "*":
            return value is not _MISSING
        wanted = json.loads(raw) if raw.startswith('"') else raw
        if value is _MISSING:
            return False
        if path == "severity" and op in (">=", "<=", ">", "<", "=", "!="):
            have, want = SEVERITIES.index(str(value)), SEVERITIES.index(wanted)
            return {">=": have >= want, "<=": have <= want, ">": have > want, "<": have < want}.get(
                op, (have == want) == (op == "=")
            )
        if op == ":":
            return wanted in str(value)
        if op in ("=", "!="):
            return (str(value) == wanted) == (op == "=")
        raise ValueError(f"operator {op!r} is outside the supported subset for {path}")
