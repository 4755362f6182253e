"""Benchmark: the quarter opening (1 April 2025) for N employees on the whole local stack,
compared with a floor measured in the same run against the same emulator and Slack stand-in.

    .venv/bin/python bench/quarter_opening.py --employees 1000 [--json]

System path: tick → Pub/Sub → fan-out → chunks of employee ids → one transaction per chunk
(cycles/{id}:2025-Q2 + outbox/review-invite:...) → outbox trigger → sender → Slack stand-in.
Floor: the same number of Firestore writes by plain WriteBatch commits, plus the same number
of chat.postMessage calls by a plain 16-thread HTTP client. See bench/README.md.
"""
from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "shared"))   # harmless when devplan is installed in the venv

import requests  # noqa: E402
from google.cloud import firestore  # noqa: E402
from google.cloud.firestore_v1.base_query import FieldFilter  # noqa: E402

from devplan.logs import JsonFormatter  # noqa: E402

OPENING = date(2025, 4, 1)
QUARTER = "2025-Q2"
INVITE_PREFIX = "review-invite:"
TARGET_RATIO = 3.0
BATCH_LIMIT = 500
FLOOR_PROJECT = "devplan-bench-floor"   # no trigger is registered for this project


def err(*args) -> None:
    print(*args, file=sys.stderr, flush=True)


def quiet_logs() -> None:
    """WARNING and up only. The functions call devplan.logs.configure() lazily (INFO, stdout) on
    their first event; it leaves the root logger alone when a JsonFormatter handler is already
    installed, so install one here, on stderr, before the stack starts."""
    root = logging.getLogger()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root.addHandler(handler)
    root.setLevel(logging.WARNING)


# ---- seeding ------------------------------------------------------------------------------------

def seed(stack, db: firestore.Client, n: int) -> dict:
    """One project lead and n-1 developers reporting to the lead, all welcomed, goals set."""
    started = time.monotonic()
    # add_user() would POST a team_join per user to the app (1000 HTTP calls the function host
    # does not count as in flight, so wait_quiet could not wait for them); linking accounts is
    # not what is measured, so delivery is switched off while the users are created.
    events_url, stack.stand_in.events_url = stack.stand_in.events_url, None
    try:
        people = []
        for i in range(n):
            lead = i == 0
            eid = "lead" if lead else f"dev{i:05d}"
            name = "Lena Ledare" if lead else f"Dev Nummer{i:05d}"
            email = f"{eid}@bench.innerjourney.se"
            user_id = stack.stand_in.add_user(email, name)["user"]["id"]
            people.append((eid, {
                "name": name, "email": email, "role": "project_lead" if lead else "developer",
                "leadId": None if lead else "lead", "startDate": "2024-01-08", "status": "active",
                "onboarding": {"status": "welcomed"},
                "goals": {"deadline": "2024-01-22", "setAt": datetime(2024, 1, 15, 9, 0, tzinfo=timezone.utc),
                          "items": [{"goalId": "g1", "title": f"Bli bättre på något, del {i}"}]},
                "slack": {"userId": user_id}}))
    finally:
        stack.stand_in.events_url = events_url
    t_users = time.monotonic() - started
    for start in range(0, n, BATCH_LIMIT):
        batch = db.batch()
        for eid, doc in people[start:start + BATCH_LIMIT]:
            batch.set(db.document(f"employees/{eid}"), doc)
        batch.commit()
    t_written = time.monotonic() - started
    # Every employee write fires on_employee_written (a no-op for welcomed employees).
    stack.wait_quiet(timeout=300, settle=1.0)
    return {"seed_users_s": t_users, "seed_write_s": t_written - t_users,
            "seed_total_s": time.monotonic() - started, "lead_user": people[0][1]["slack"]["userId"]}


# ---- observing the system -----------------------------------------------------------------------

class InvitePosts:
    """Successful review-invite posts seen by the stand-in, read incrementally (calls(since=...)):
    copying every recorded call on each poll would hold the stand-in's lock for long."""

    def __init__(self, stand_in, since: int):
        self.stand_in, self.seq = stand_in, since
        self.ids: set[str] = set()
        self.total = 0
        self.first_at = self.last_at = None
        self.other_methods: dict[str, int] = {}

    def poll(self) -> int:
        for call in self.stand_in.calls(self.seq):
            self.seq = max(self.seq, call["seq"])
            if not (call["method"] == "chat.postMessage" and call["ok"]):
                key = f"{call['method']}{'' if call['ok'] else ' (failed)'}"
                self.other_methods[key] = self.other_methods.get(key, 0) + 1
                continue
            outbox_id = (((call["args"].get("metadata") or {}).get("event_payload")) or {}).get("outbox_id") or ""
            if outbox_id.startswith(INVITE_PREFIX):
                self.total += 1
                self.ids.add(outbox_id)
                self.first_at = self.first_at or call["at"]
                self.last_at = call["at"]
            else:
                self.other_methods["chat.postMessage (other)"] = self.other_methods.get("chat.postMessage (other)", 0) + 1
        return len(self.ids)


def count(query) -> int:
    return int(query.count().get()[0][0].value)


def opened_cycles(db) -> int:
    return count(db.collection("cycles").where(filter=FieldFilter("openedOn", "==", OPENING.isoformat())))


def sent_outbox(db) -> int:
    return count(db.collection("outbox").where(filter=FieldFilter("state", "==", "sent")))


def run_system(stack, db, n: int, timeout: float, rpcs: "RpcCounter | None" = None) -> dict:
    invites = InvitePosts(stack.stand_in, since=max((c["seq"] for c in stack.stand_in.calls()), default=0))
    want_posts, want_cycles, want_sent = n - 1, n, n - 1
    posts = cycles = sent = 0
    done_at: dict[str, float] = {}
    cpu_before = cpu_snapshot(stack) if rpcs else None
    if rpcs:
        rpcs.enabled = True
    t0, t0_wall = time.monotonic(), time.time()
    stack.tick(OPENING)
    last_progress = last_counts = t0
    peak: dict[str, int] = {}
    host_latency: list[float] = []
    while True:
        now = time.monotonic()
        if rpcs:   # how quickly the function host answers an HTTP request under this load
            started = time.perf_counter()
            requests.get(f"{stack.functions_url}/_host/status", timeout=10)
            host_latency.append(time.perf_counter() - started)
        for name, fn in stack.host.events.items():
            peak[name] = max(peak.get(name, 0), fn.in_flight)
        posts = invites.poll()
        if posts >= want_posts:
            done_at.setdefault("posts", now - t0)
        # Firestore counts: every ~2 s while posts come in, every poll once they are all there
        # (the `sent` marks follow the posts, so they are what finishes last).
        if posts >= want_posts or now - last_counts >= 2.0:
            cycles, sent, last_counts = opened_cycles(db), sent_outbox(db), now
            if cycles >= want_cycles:
                done_at.setdefault("cycles", now - t0)
            if sent >= want_sent:
                done_at.setdefault("sent", now - t0)
        if posts >= want_posts and cycles >= want_cycles and sent >= want_sent:
            elapsed = time.monotonic() - t0
            break
        if now - last_progress >= 2.0:
            last_progress = now
            err(f"  [{now - t0:6.1f} s] invites posted {posts}/{want_posts}, cycles opened {cycles}/{want_cycles}, "
                f"outbox sent {sent}/{want_sent}, host in flight {stack.host.in_flight}")
        if now - t0 > timeout:
            elapsed = None
            err(f"TIMEOUT after {timeout:.0f} s: posts {posts}, cycles {cycles}, sent {sent}")
            break
        time.sleep(0.2)
    profile = None
    if rpcs:
        rpcs.enabled = False
        cpu_after = cpu_snapshot(stack)
        wall = time.monotonic() - t0
        cpu = {k: round(cpu_after[k] - cpu_before[k], 2) for k in cpu_after}
        cpu["others_on_machine"] = round(cpu["machine_busy"] - cpu["bench_process"] - cpu["firestore_emulator"]
                                         - cpu["pubsub_emulator"], 2)
        profile = {"wall_s": round(wall, 2), "cpu_s": cpu, "host_status_latency_s": percentiles(host_latency), "cpu_capacity_s": round(wall * _cores(), 2),
                   "rpc_counts": dict(sorted(rpcs.counts.items())),
                   "rpc_seconds": {k: round(v, 2) for k, v in sorted(rpcs.seconds.items())}}
    return {"T_system": elapsed, "profile": profile, "posts": posts, "post_calls": invites.total, "cycles": cycles, "sent": sent,
            "done_at": done_at, "t0_wall": t0_wall, "first_post_at": invites.first_at, "last_post_at": invites.last_at,
            "other_slack_calls": invites.other_methods, "peak_in_flight": peak}


def _cores() -> int:
    import os
    return len(os.sched_getaffinity(0))


def written_by_system(db, n: int) -> dict:
    """Firestore document writes of the opening, counted from the data it left:
    cycles docs + outbox docs created + claims (attempts: pending→sending) + `sent` marks + the tick
    record + the per-chunk progress records ticks/{day}/chunks/{n} (when the code writes them)."""
    cycles = opened_cycles(db)
    outbox = [s.to_dict() for s in db.collection("outbox").select(["state", "attempts"]).stream()]
    claims = sum(int(d.get("attempts") or 0) for d in outbox)
    marks = sum(1 for d in outbox if d.get("state") in ("sent", "failed"))
    ticks = 1 if db.document(f"ticks/{OPENING.isoformat()}").get().exists else 0
    chunk_records = count(db.collection(f"ticks/{OPENING.isoformat()}/chunks"))
    return {"cycles_docs": cycles, "outbox_docs": len(outbox), "claims": claims, "sent_marks": marks,
            "tick_record": ticks, "chunk_records": chunk_records,
            "writes": cycles + len(outbox) + claims + marks + ticks + chunk_records,
            "tick": db.document(f"ticks/{OPENING.isoformat()}").get().to_dict() or {}}


def timeline(db, origin: float) -> dict:
    """Seconds from publishing the tick to the fan-out record, the first/last cycle and the last
    outbox update (update times from the emulator; same machine clock as the stand-in's `at`)."""
    tick = db.document(f"ticks/{OPENING.isoformat()}").get()
    if not tick.exists:
        return {}
    cyc = [s.update_time.timestamp() for s in db.collection("cycles").select([]).stream()]
    out = [s.update_time.timestamp() for s in db.collection("outbox").select([]).stream()]
    rel = lambda ts: round(ts - origin, 2)   # noqa: E731
    return {"fanned_out": rel(tick.update_time.timestamp()), "cycles_first": rel(min(cyc)), "cycles_last": rel(max(cyc)), "outbox_last_update": rel(max(out))}


# ---- profiling (--profile) ---------------------------------------------------------------------

RPCS = ("batch_get_documents", "begin_transaction", "commit", "rollback", "run_query", "run_aggregation_query",
        "get_document", "update_document", "batch_write")


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
        self.answer_s: list[float] = []               # the host's own time to answer a delivery
        self.concurrent = self.peak_concurrent = 0    # deliveries being answered at the same time
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


def _proc_cpu(pid: int) -> tuple[int, float]:
    """(process group id, user+system CPU seconds) of one process, from /proc."""
    import os
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[2]), (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_snapshot(stack) -> dict[str, float]:
    """CPU seconds so far: this process (bench, function host, Slack stand-in: all in-process),
    each emulator's process group, and the whole machine (busy time of all cores)."""
    import os
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
    found["machine_busy"] = (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")   # minus idle, iowait
    return found


def percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    values = sorted(values)
    pick = lambda q: round(values[min(len(values) - 1, int(q * len(values)))], 3)   # noqa: E731
    return {"p50": pick(0.5), "p90": pick(0.9), "max": round(values[-1], 3)}


def latencies(db, n: int, arrivals: "HostArrivals") -> dict:
    """From the data: per-chunk transaction spacing (consecutive cycle writes of one chunk), and per
    outbox doc: created → first trigger event at the host (the emulator's dispatch) → the sender's
    start (claim.at is the `now` taken on entry) → the sent mark (snapshot read, claim write,
    conversations.open, chat.postMessage, the `sent` write)."""
    from devplan.services.daily_tick import CHUNK_SIZE
    updated = {s.id.split(":")[0]: s.update_time.timestamp() for s in db.collection("cycles").select([]).stream()}
    ids = sorted(updated)
    gaps, chunk_spans = [], []
    for start in range(0, len(ids), CHUNK_SIZE):
        times = [updated[i] for i in ids[start:start + CHUNK_SIZE]]
        gaps += [b - a for a, b in zip(times, times[1:])]
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
    return {"host_deliveries": {"events": arrivals.events, "peak_answered_at_once": arrivals.peak_concurrent,
                                **{f"answer_{q}_s": x for q, x in answer.items()}},
            "tx_spacing_in_chunk_s": percentiles(gaps), "chunk_span_s": percentiles(chunk_spans),
            "outbox_created_to_host_s (emulator dispatch)": percentiles(dispatch),
            "outbox_host_to_sender_start_s (host thread start)": percentiles(claim),
            "outbox_sender_start_to_sent_s (read, claim, open, post, mark)": percentiles(send)}


# ---- the floor ----------------------------------------------------------------------------------

def floor_writes(writes: int) -> float:
    db = firestore.Client(project=FLOOR_PROJECT)
    doc = {"employeeId": "x", "quarter": QUARTER, "state": "pending", "text": "Dags för kvartalets 1:1 " * 8,
           "at": datetime.now(timezone.utc)}
    started = time.monotonic()
    for start in range(0, writes, BATCH_LIMIT):
        batch = db.batch()
        for i in range(start, min(writes, start + BATCH_LIMIT)):
            batch.set(db.document(f"bench_floor/{i:06d}"), {**doc, "employeeId": f"e{i}"})
        batch.commit()
    return time.monotonic() - started


def floor_posts(stand_in, posts: int, user_id: str) -> float:
    url, headers = f"{stand_in.url}/api/", {"Authorization": f"Bearer {stand_in.bot_token}"}
    channel = requests.post(url + "conversations.open", json={"users": user_id}, headers=headers,
                            timeout=10).json()["channel"]["id"]
    local = threading.local()

    def post(i: int) -> None:
        if not hasattr(local, "session"):
            local.session = requests.Session()
        session = local.session
        answer = session.post(url + "chat.postMessage", headers=headers, timeout=30,
                              json={"channel": channel, "text": f"Floor post {i}: dags för kvartalets 1:1"})
        if not answer.json().get("ok"):
            raise RuntimeError(answer.text)

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(post, range(posts)))
    return time.monotonic() - started


# ---- main ---------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=1000, help="N: one lead + N-1 developers (default 1000)")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds to wait for the system path")
    parser.add_argument("--profile", action="store_true",
                        help="also count the functions' Firestore RPCs, CPU per process and latencies from the data")
    parser.add_argument("--json", action="store_true", help="also print the figures as one JSON line at the end")
    args = parser.parse_args(argv)
    n = args.employees
    if n < 2:
        parser.error("--employees must be at least 2 (a lead and a developer)")

    quiet_logs()
    from devplan_tools.local.stack import LocalStack
    from devplan.services.daily_tick import CHUNK_SIZE

    figures: dict = {"employees": n, "chunk_size": CHUNK_SIZE}
    stack = None
    with tempfile.TemporaryDirectory(prefix="devplan-bench-") as tmp:
        try:
            started = time.monotonic()
            stack = LocalStack.start(Path(tmp), project="devplan-bench")
            logging.getLogger().setLevel(logging.WARNING)
            err(f"stack up in {time.monotonic() - started:.1f} s; seeding {n} employees …")
            db = firestore.Client(project=stack.project)
            seeded = seed(stack, db, n)
            figures.update({k: round(v, 3) for k, v in seeded.items() if k.endswith("_s")})
            err(f"seeded in {seeded['seed_total_s']:.1f} s (users {seeded['seed_users_s']:.1f} s, writes "
                f"{seeded['seed_write_s']:.1f} s, trigger drain {seeded['seed_total_s'] - seeded['seed_users_s'] - seeded['seed_write_s']:.1f} s); "
                f"ticking {OPENING} …")

            rpcs = RpcCounter() if args.profile else None
            arrivals = HostArrivals() if args.profile else None
            system = run_system(stack, db, n, args.timeout, rpcs)
            stack.wait_quiet(timeout=120, settle=0.5)   # trailing trigger events (our own `sent` writes)
            wrote = written_by_system(db, n)
            tl = timeline(db, system["t0_wall"])
            lat = latencies(db, n, arrivals) if args.profile else None
            err(f"system done; floor: {wrote['writes']} batched writes, {n - 1} posts …")
            t_writes = floor_writes(wrote["writes"])
            t_posts = floor_posts(stack.stand_in, n - 1, seeded["lead_user"])
        finally:
            if stack is not None:
                stack.stop()

    t_system, t_floor = system["T_system"], t_writes + t_posts
    ratio = t_system / t_floor if t_system else None
    figures.update({
        "T_system_s": round(t_system, 3) if t_system else None, "T_floor_writes_s": round(t_writes, 3),
        "T_floor_posts_s": round(t_posts, 3), "T_floor_s": round(t_floor, 3),
        "ratio": round(ratio, 2) if ratio else None, "target_ratio": TARGET_RATIO,
        "target_met": bool(ratio and ratio <= TARGET_RATIO),
        "invites": system["posts"], "invite_post_calls": system["post_calls"], "cycles": system["cycles"],
        "outbox_sent": system["sent"], "writes": wrote["writes"],
        "write_breakdown": {k: wrote[k] for k in ("cycles_docs", "outbox_docs", "claims", "sent_marks", "tick_record",
                                                   "chunk_records")},
        "chunks": wrote["tick"].get("chunks"),
        "system_invites_per_s": round((n - 1) / t_system, 1) if t_system else None,
        "floor_posts_per_s": round((n - 1) / t_posts, 1),
        "floor_writes_per_s": round(wrote["writes"] / t_writes, 1),
        "floor_invites_per_s": round((n - 1) / t_floor, 1),
        "phases_s": {**tl, **{f"{k}_seen_done": round(v, 2) for k, v in system["done_at"].items()}},
        "other_slack_calls": system["other_slack_calls"], "peak_in_flight": system["peak_in_flight"],
    })
    if system["first_post_at"]:
        origin = system["t0_wall"]
        at = lambda s: round(datetime.fromisoformat(s).timestamp() - origin, 2)   # noqa: E731
        figures["phases_s"].update(first_invite_post=at(system["first_post_at"]),
                                   last_invite_post=at(system["last_post_at"]))

    w = figures["write_breakdown"]
    rows = [
        ("employees (N)", n),
        ("chunk size (daily_tick.CHUNK_SIZE)", f"{CHUNK_SIZE}  → {figures['chunks']} chunks"),
        ("invites posted / cycles opened / outbox sent", f"{system['posts']} / {system['cycles']} / {system['sent']}"
                                                        + (f"  ({system['post_calls']} post calls)" if system['post_calls'] != system['posts'] else "")),
        ("Firestore writes by the system", f"{wrote['writes']} = cycles {w['cycles_docs']} + outbox docs {w['outbox_docs']}"
                                           f" + claims {w['claims']} + sent marks {w['sent_marks']} + tick record {w['tick_record']}"
                                           f" + chunk records {w['chunk_records']}"),
        ("T_system", f"{t_system:.2f} s" if t_system else "TIMEOUT"),
        ("T_floor_writes", f"{t_writes:.2f} s  ({figures['floor_writes_per_s']} writes/s, WriteBatch ≤{BATCH_LIMIT})"),
        ("T_floor_posts", f"{t_posts:.2f} s  ({figures['floor_posts_per_s']} posts/s, 16 threads)"),
        ("T_floor = writes + posts", f"{t_floor:.2f} s"),
        ("ratio T_system / T_floor", f"{ratio:.2f}×" if ratio else "n/a"),
        ("throughput system", f"{figures['system_invites_per_s']} invites/s" if t_system else "n/a"),
        ("throughput floor", f"{figures['floor_invites_per_s']} invites/s"),
        ("seeding (not measured)", f"{figures['seed_total_s']:.1f} s"),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"quarter opening {OPENING} — whole local stack vs floor")
    for label, value in rows:
        print(f"  {label:<{width}}  {value}")
    print("  phases (s after publishing the tick): " + ", ".join(f"{k} {v}" for k, v in figures["phases_s"].items()))
    print("  other Slack calls by the system: " + (", ".join(f"{k} {v}" for k, v in sorted(system["other_slack_calls"].items())) or "none"))
    print("  peak events in flight in the function host (sampled every 0.2 s): "
          + ", ".join(f"{k} {v}" for k, v in system["peak_in_flight"].items()))
    print("  writes formula: cycles (N) + outbox docs (N−1) + claims Σattempts (N−1: pending→sending)"
          " + sent marks (N−1) + 1 tick record + chunk progress records (⌈N/chunk⌉ if written)"
          f" = 4N−2 (+{w['chunk_records']})")
    print(f"target: ≤ {TARGET_RATIO:.1f}× the floor — {'MET' if figures['target_met'] else 'NOT MET'}"
          + (f" ({ratio:.2f}×)" if ratio else ""))
    if args.profile:
        prof = system["profile"]
        figures["profile"] = {**prof, "latencies": lat}
        print("profile (--profile; counting adds a little overhead):")
        print(f"  CPU seconds during T_system ({prof['wall_s']} s wall × {_cores()} cores = {prof['cpu_capacity_s']} s): "
              + ", ".join(f"{k} {v}" for k, v in prof["cpu_s"].items()))
        per = lambda k: f" ({prof['rpc_counts'][k] / n:.1f}/employee)" if k in prof["rpc_counts"] else ""   # noqa: E731
        print("  function host HTTP answer time (GET /_host/status each poll): "
              + ", ".join(f"{q} {x}" for q, x in prof["host_status_latency_s"].items()))
        print("  Firestore RPCs by the functions: " + ", ".join(f"{k} {v}{per(k)}" for k, v in prof["rpc_counts"].items()))
        print("  summed RPC wall time (s, across threads): " + ", ".join(f"{k} {v}" for k, v in prof["rpc_seconds"].items()))
        for k, v in lat.items():
            print(f"  {k}: " + ", ".join(f"{q} {x}" for q, x in v.items()))
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
    return 0 if t_system else 1


if __name__ == "__main__":
    sys.exit(main())
