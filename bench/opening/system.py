"""The system path: tick → fan-out → chunks → transactions → outbox → sender → Slack stand-in,
timed until every invite is posted, every cycle opened and every outbox doc sent."""

from __future__ import annotations

import time

import requests
from google.cloud.firestore_v1.base_query import FieldFilter

from devplan.adapters.firestore.mapping.conversations import CONVERSATIONS
from devplan.adapters.firestore.mapping.due import NEXT_CHECK
from opening import INVITE_PREFIX, OPENING, err
from opening.profile import RpcCounter, cores, cpu_snapshot, percentiles


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
                self.other_methods["chat.postMessage (other)"] = (
                    self.other_methods.get("chat.postMessage (other)", 0) + 1
                )
        return len(self.ids)


def count(query) -> int:
    return int(query.count().get()[0][0].value)


def opened_cycles(db) -> int:
    return count(db.collection("cycles").where(filter=FieldFilter("openedOn", "==", OPENING.isoformat())))


def sent_outbox(db) -> int:
    return count(db.collection("outbox").where(filter=FieldFilter("state", "==", "sent")))


def run_system(stack, db, n: int, timeout: float, rpcs: RpcCounter | None = None) -> dict:
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
        if rpcs:  # how quickly the function host answers an HTTP request under this load
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
            err(
                f"  [{now - t0:6.1f} s] invites posted {posts}/{want_posts}, cycles opened {cycles}/{want_cycles}, "
                f"outbox sent {sent}/{want_sent}, host in flight {stack.host.in_flight}"
            )
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
        cpu["others_on_machine"] = round(
            cpu["machine_busy"] - cpu["bench_process"] - cpu["firestore_emulator"] - cpu["pubsub_emulator"], 2
        )
        profile = {
            "wall_s": round(wall, 2),
            "cpu_s": cpu,
            "host_status_latency_s": percentiles(host_latency),
            "cpu_capacity_s": round(wall * cores(), 2),
            "rpc_counts": dict(sorted(rpcs.counts.items())),
            "rpc_seconds": {k: round(v, 2) for k, v in sorted(rpcs.seconds.items())},
        }
    return {
        "T_system": elapsed,
        "profile": profile,
        "posts": posts,
        "post_calls": invites.total,
        "cycles": cycles,
        "sent": sent,
        "done_at": done_at,
        "t0_wall": t0_wall,
        "first_post_at": invites.first_at,
        "last_post_at": invites.last_at,
        "other_slack_calls": invites.other_methods,
        "peak_in_flight": peak,
    }


def written_by_system(db, n: int) -> dict:
    """Firestore document writes of the opening, counted from the data it left:
    cycles docs + outbox docs created + claims (attempts: pending→sending) + `sent` marks + the tick
    record + the per-chunk progress records ticks/{day}/chunks/{n} (when the code writes them) + the
    employees' next check days moved + the group DMs kept."""
    cycles = opened_cycles(db)
    outbox = [s.to_dict() for s in db.collection("outbox").select(["state", "attempts"]).stream()]
    claims = sum(int(d.get("attempts") or 0) for d in outbox)
    marks = sum(1 for d in outbox if d.get("state") in ("sent", "failed"))
    ticks = 1 if db.document(f"ticks/{OPENING.isoformat()}").get().exists else 0
    chunk_records = count(db.collection(f"ticks/{OPENING.isoformat()}/chunks"))
    # Each turn writes the person's next check day (domain/next_check.py) when it moves (seeded
    # as the opening day); the sender keeps each pair's group DM once opened.
    next_checks = count(db.collection("employees").where(filter=FieldFilter(NEXT_CHECK, ">", OPENING.isoformat())))
    conversations = count(db.collection(CONVERSATIONS))
    return {
        "cycles_docs": cycles,
        "outbox_docs": len(outbox),
        "claims": claims,
        "sent_marks": marks,
        "tick_record": ticks,
        "chunk_records": chunk_records,
        "next_checks": next_checks,
        "conversations": conversations,
        "writes": cycles + len(outbox) + claims + marks + ticks + chunk_records + next_checks + conversations,
        "tick": db.document(f"ticks/{OPENING.isoformat()}").get().to_dict() or {},
    }


def timeline(db, origin: float) -> dict:
    """Seconds from publishing the tick to the fan-out record, the first/last cycle and the last
    outbox update (update times from the emulator; same machine clock as the stand-in's `at`)."""
    tick = db.document(f"ticks/{OPENING.isoformat()}").get()
    if not tick.exists:
        return {}
    cyc = [s.update_time.timestamp() for s in db.collection("cycles").select([]).stream()]
    out = [s.update_time.timestamp() for s in db.collection("outbox").select([]).stream()]
    rel = lambda ts: round(ts - origin, 2)  # noqa: E731
    return {
        "fanned_out": rel(tick.update_time.timestamp()),
        "cycles_first": rel(min(cyc)),
        "cycles_last": rel(max(cyc)),
        "outbox_last_update": rel(max(out)),
    }
