"""The manifest (infra/functions.yaml) as typed values, shared by the local stack and tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

MANIFEST_PATH = Path(__file__).resolve().parents[2] / "infra" / "functions.yaml"


@dataclass(frozen=True)
class FirestoreTrigger:
    document: str  # e.g. "employees/{employeeId}"
    event_type: str  # e.g. google.cloud.firestore.document.v1.written


@dataclass(frozen=True)
class Resources:
    """What Cloud Functions (2nd gen) gives one function: infra/functions.yaml's fields of the
    same names, Terraform's service_config (infra/main.tf). Defaults are Cloud Functions' own."""

    memory: str = "256Mi"
    cpu: str = "0.167"
    timeout_seconds: int = 60
    max_instances: int = 100
    min_instances: int = 0
    concurrency: int = 1


RESOURCE_FIELDS = ("memory", "cpu", "timeout_seconds", "max_instances", "min_instances", "concurrency")


@dataclass(frozen=True)
class Function:
    name: str
    entry_point: str
    description: str
    kind: str  # "http" | "firestore" | "pubsub"
    retry: bool = False
    firestore: FirestoreTrigger | None = None
    topic: str | None = None
    resources: Resources = field(default_factory=lambda: Resources())

    @property
    def is_event(self) -> bool:
        return self.kind != "http"

    @property
    def bound(self) -> int:
        """Requests at once at most (Cloud Run: max instances × per-instance concurrency)."""
        return self.resources.max_instances * self.resources.concurrency


@dataclass(frozen=True)
class Schedule:
    name: str
    cron: str
    time_zone: str
    topic: str
    payload: dict[str, Any] = field(default_factory=dict)
    description: str = ""


@dataclass(frozen=True)
class Manifest:
    region: str
    functions: tuple[Function, ...]
    schedules: tuple[Schedule, ...]

    def function(self, name: str) -> Function:
        return next(f for f in self.functions if f.name == name)

    def topic_of(self, name: str) -> str:
        """The Pub/Sub topic the function `name` is triggered by."""
        topic = self.function(name).topic
        if topic is None:
            raise ValueError(f"function {name!r} is not triggered by a Pub/Sub topic")
        return topic

    def by_kind(self, kind: str) -> list[Function]:
        return [f for f in self.functions if f.kind == kind]

    @property
    def topics(self) -> list[str]:
        return sorted({f.topic for f in self.functions if f.topic} | {s.topic for s in self.schedules})


def _function(entry: dict[str, Any]) -> Function:
    trigger = entry["trigger"]
    (kind,) = trigger.keys()
    spec = trigger[kind] or {}
    return Function(
        name=entry["name"],
        entry_point=entry["entry_point"],
        description=entry.get("description", ""),
        kind=kind,
        retry=bool(entry.get("retry", False)),
        firestore=FirestoreTrigger(spec["document"], spec["event_type"]) if kind == "firestore" else None,
        topic=spec.get("topic") if kind == "pubsub" else None,
        resources=Resources(**{name: entry[name] for name in RESOURCE_FIELDS if name in entry}),
    )


def load(path: Path = MANIFEST_PATH) -> Manifest:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return Manifest(
        region=raw["region"],
        functions=tuple(_function(f) for f in raw["functions"]),
        schedules=tuple(Schedule(**s) for s in raw.get("schedules", [])),
    )
