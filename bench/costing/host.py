"""The functions of infra/functions.yaml run in-process, as the local host runs them, with the
triggers Firestore and Pub/Sub would fire: each write of employees/{id} that changes it invokes
employee-written, each new outbox/{id} invokes outbox-created (the sender, to a FakeSlack), each
chunk the fan-out publishes invokes employee-tick. Every invocation is counted per function."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import datetime
from typing import Any

from costing.counting import CountingMemory, Meter
from devplan.adapters.firestore import mapping
from devplan.adapters.firestore.store import Store
from devplan.services import daily_tick, delivery, onboarding, outbox_sweep, quarterly_cycle
from devplan.services.inputs import EmployeeChunk, EmployeeWritten, OutboxWritten, Tick
from tests.fakes import FakePublisher, FakeSlack

_ids = itertools.count(1)


class Host:
    def __init__(self, meter: Meter, slack: FakeSlack):
        self.meter, self.slack = meter, slack
        self.memory = CountingMemory(meter)
        self.now = datetime.now().astimezone()
        self.store = Store(self.memory, clock=lambda: self.now, pause=lambda _: None)
        self.publisher = FakePublisher()

    def invoke(self, function: str, work: Callable[[], Any]) -> Any:
        """One invocation, then every trigger its writes fire (and theirs), as the platform would."""
        with self.meter.running(function):
            result = work()
        self.drain()
        return result

    def drain(self) -> None:
        while self.meter.written or self.publisher.published:
            while self.meter.written:
                path, before, after = self.meter.written.pop(0)
                self._trigger(path, before, after)
            published, self.publisher.published = self.publisher.published, []
            for _, message in published:
                chunk = EmployeeChunk(
                    datetime.fromisoformat(message["asOf"]).date(),
                    tuple(message["employeeIds"]),
                    f"m-{next(_ids)}",
                    message["chunk"],
                )
                with self.meter.running("employee-tick"):
                    quarterly_cycle.run_chunk(chunk, self.store)

    def _trigger(self, path: str, before: dict[str, Any] | None, after: dict[str, Any] | None) -> None:
        collection, _, doc_id = path.partition("/")
        if "/" in doc_id or before == after:  # a no-op write fires nothing
            return
        if collection == mapping.EMPLOYEES and after is not None:
            written = EmployeeWritten(f"ev-{next(_ids)}", doc_id, mapping.employee_from(doc_id, after))
            with self.meter.running("employee-written"):
                onboarding.welcome_new_employee(written, self.store, self.slack)
        elif collection == mapping.OUTBOX and before is None and after is not None:
            entry = mapping.outbox_entry_from(doc_id, after)
            version = self.memory.versions.get(path, 0)
            with self.meter.running("outbox-created"):
                delivery.deliver_change(
                    OutboxWritten(f"ev-{next(_ids)}", doc_id, entry, version), self.store, self.slack, self.now
                )

    def daily(self, tick: Tick) -> None:
        """Cloud Scheduler's message on devplan-daily-tick: three subscribers."""
        self.invoke("daily-tick", lambda: daily_tick.fan_out(tick, self.store, self.publisher))
        self.invoke(
            "outbox-sweep",
            lambda: outbox_sweep.sweep(
                self.store, self.slack, lambda: self.now, sweep_id=tick.message_id, as_of=tick.as_of
            ),
        )
        self.invoke(
            "onboarding-catch-up",
            lambda: onboarding.catch_up(self.store, self.slack, self.now, run_id=tick.message_id),
        )
