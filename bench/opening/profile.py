"""--profile: the functions' Firestore RPCs, trigger arrivals at the host, CPU per process and
latencies read back from the data. Counting adds a little overhead of its own."""

from __future__ import annotations

import itertools
import logging
import os
import threading
import time

RPCS = (
    "batch_get_documents",
    "begin_transaction",
    "commit",
    "rollback",
    "run_query",
    "run_aggregation_query",
    "get_document",
    "update_document",
    "batch_write",
)


class RpcCounter:
    """Counts Firestore RPCs made by the functions (every thread but the bench's main thread)."""

    def __init__(self):
        from google.cloud.firestore_v1.services.firestore import client as gapic

        self.counts: dict[str, int] = {}
        self.seconds: dict[str, float] = {}
        self._lock = threading.Lock()
        self.enabled = False
        for name in RPCS:
            original = getattr(gapic.FirestoreClient, name)
            setattr(gapic.FirestoreClient, name, self._wrap(name, original))

    def _wrap(self, name, original):
        def counted(client, *args, **kwargs):
            if not self.enabled or threading.current_thread() is threading.main_thread():
                return original(client, *args, **kwargs)
            started = time.perf_counter()
            try:
                return original(client, *args, **kwargs)
            finally:
                with self._lock:
                    self.counts[name] = self.counts.get(name, 0) + 1
                    self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started

        return counted


class HostArrivals:
    """First arrival at the function host of a trigger event per document (ce-subject), to split the
    outbox latency into the emulator's dispatch and the sender's own work."""

    def __init__(self):
        from devplan_tools.local.function_host import EventFunction

        self.first: dict[str, float] = {}
        self.events = 0
        self.answer_s: list[float] = []  # the host's own time to answer a delivery
        self.concurrent = self.peak_concurrent = 0  # deliveries being answered at the same time
        lock = threading.Lock()
        original = EventFunction.__call__

        def call(fn, environ, start_response):
            subject = environ.get("HTTP_CE_SUBJECT", "")
            with lock:
                self.events += 1
                self.concurrent += 1
                self.peak_concurrent = max(self.peak_concurrent, self.concurrent)
                if subject.startswith("documents/outbox/"):
                    self.first.setdefault(subject.removeprefix("documents/outbox/"), time.time())
            started = time.perf_counter()
            try:
                return original(fn, environ, start_response)
            finally:
                with lock:
                    self.concurrent -= 1
                    self.answer_s.append(time.perf_counter() - started)

        EventFunction.__call__ = call


class FunctionAttempts(logging.Handler):
    """Each attempt's seconds and outcome per function, from the host's own log line
    (devplan_tools/local/attempts.py), while `enabled`: where the functions' time goes."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.enabled = False
        self.seconds: dict[str, list[float]] = {}
        self.retries: dict[str, int] = {}
        host = logging.getLogger("devplan_tools.local.host")
        host.setLevel(logging.INFO)  # the bench's stderr handler still passes WARNING and up only
        host.addHandler(self)

    def emit(self, record: logging.LogRecord) -> None:
        name, seconds = getattr(record, "function", None), getattr(record, "seconds", None)
        if self.enabled and name and seconds is not None:
            self.seconds.setdefault(name, []).append(seconds)
            self.retries[name] = self.retries.get(name, 0) + int(getattr(record, "outcome", "") == "retry")

    def summary(self) -> dict[str, dict]:
        return {
            name: {"attempts": len(v), "retried": self.retries.get(name, 0), **percentiles(v)}
            for name, v in sorted(self.seconds.items())
        }


def _proc_cpu(pid: int) -> tuple[int, float]:
    """(process group id, user+system CPU seconds) of one process, from /proc."""

    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[2]), (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_snapshot(stack) -> dict[str, float]:
    """CPU seconds so far: this process (bench, function host, Slack stand-in: all in-process),
    each emulator's process group, and the whole machine (busy time of all cores)."""

    groups = {stack.firestore.pgid: "firestore_emulator", stack.pubsub.pgid: "pubsub_emulator"}
    found = {"bench_process": sum(os.times()[:2]), "firestore_emulator": 0.0, "pubsub_emulator": 0.0}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                pgid, cpu = _proc_cpu(int(entry))
            except (OSError, IndexError, ValueError):
                continue
            if pgid in groups:
                found[groups[pgid]] += cpu
    with open("/proc/stat") as f:
        ticks = [int(x) for x in f.readline().split()[1:]]
    found["machine_busy"] = (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")  # minus idle, iowait
    return found


def cores() -> int:

    return len(os.sched_getaffinity(0))


def percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    values = sorted(values)
    pick = lambda q: round(values[min(len(values) - 1, int(q * len(values)))], 3)  # noqa: E731
    return {"p50": pick(0.5), "p90": pick(0.9), "max": round(values[-1], 3)}


def latencies(db, n: int, arrivals: HostArrivals, attempts: FunctionAttempts | None = None) -> dict:
    """From the data: per-chunk transaction spacing (consecutive cycle writes of one chunk), and per
    outbox doc: created → first trigger event at the host (the emulator's dispatch) → the sender's
    start (claim.at is the `now` taken on entry) → the sent mark (snapshot read, claim write,
    conversations.open, chat.postMessage, the `sent` write)."""
    from devplan.services.daily_tick import CHUNK_SIZE

    updated = {s.id.split(":")[0]: s.update_time.timestamp() for s in db.collection("cycles").select([]).stream()}
    ids = sorted(updated)
    gaps, chunk_spans = [], []
    for start in range(0, len(ids), CHUNK_SIZE):
        times = [updated[i] for i in ids[start : start + CHUNK_SIZE]]
        gaps += [b - a for a, b in itertools.pairwise(times)]
        chunk_spans.append(times[-1] - times[0])
    dispatch, claim, send = [], [], []
    for snap in db.collection("outbox").select(["claim"]).stream():
        claimed = ((snap.to_dict() or {}).get("claim") or {}).get("at")
        created, arrived = snap.create_time.timestamp(), arrivals.first.get(snap.id)
        if claimed and arrived:
            dispatch.append(arrived - created)
            claim.append(claimed.timestamp() - arrived)
            send.append(snap.update_time.timestamp() - claimed.timestamp())
    answer = percentiles(arrivals.answer_s)
    return {
        "host_deliveries": {
            "events": arrivals.events,
            "peak_answered_at_once": arrivals.peak_concurrent,
            **{f"answer_{q}_s": x for q, x in answer.items()},
        },
        **({"function_attempt_s": attempts.summary()} if attempts else {}),
        "tx_spacing_in_chunk_s": percentiles(gaps),
        "chunk_span_s": percentiles(chunk_spans),
        "outbox_created_to_host_s (emulator dispatch)": percentiles(dispatch),
        "outbox_host_to_sender_start_s (waiting for a free instance)": percentiles(claim),
        "outbox_sender_start_to_sent_s (read, claim, open, post, mark)": percentiles(send),
    }
