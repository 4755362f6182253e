"""The figures and the table (stdout) of one run; the JSON line with --json."""

from __future__ import annotations

import json
from datetime import datetime

from opening import BATCH_LIMIT, OPENING, TARGET_RATIO
from opening.profile import cores


def report(
    args, figures: dict, system: dict, wrote: dict, tl: dict, lat: dict | None, t_writes: float, t_posts: float
) -> int:
    """Print the run's table; the exit code: 1 when the system did not finish in time or its ratio
    to the floor is above the target (TARGET_RATIO), as every benchmark of issue 9 does."""
    n, chunk_size = figures["employees"], figures["chunk_size"]
    t_system, t_floor = system["T_system"], t_writes + t_posts
    ratio = t_system / t_floor if t_system else None
    figures.update(
        {
            "T_system_s": round(t_system, 3) if t_system else None,
            "T_floor_writes_s": round(t_writes, 3),
            "T_floor_posts_s": round(t_posts, 3),
            "T_floor_s": round(t_floor, 3),
            "ratio": round(ratio, 2) if ratio else None,
            "target_ratio": TARGET_RATIO,
            "target_met": bool(ratio and ratio <= TARGET_RATIO),
            "invites": system["posts"],
            "invite_post_calls": system["post_calls"],
            "cycles": system["cycles"],
            "outbox_sent": system["sent"],
            "writes": wrote["writes"],
            "write_breakdown": {
                k: wrote[k]
                for k in (
                    "cycles_docs",
                    "outbox_docs",
                    "claims",
                    "sent_marks",
                    "tick_record",
                    "chunk_records",
                    "next_checks",
                    "conversations",
                )
            },
            "chunks": wrote["tick"].get("chunks"),
            "system_invites_per_s": round((n - 1) / t_system, 1) if t_system else None,
            "floor_posts_per_s": round((n - 1) / t_posts, 1),
            "floor_writes_per_s": round(wrote["writes"] / t_writes, 1),
            "floor_invites_per_s": round((n - 1) / t_floor, 1),
            "phases_s": {**tl, **{f"{k}_seen_done": round(v, 2) for k, v in system["done_at"].items()}},
            "other_slack_calls": system["other_slack_calls"],
            "peak_in_flight": system["peak_in_flight"],
        }
    )
    if system["first_post_at"]:
        origin = system["t0_wall"]
        at = lambda s: round(datetime.fromisoformat(s).timestamp() - origin, 2)  # noqa: E731
        figures["phases_s"].update(
            first_invite_post=at(system["first_post_at"]), last_invite_post=at(system["last_post_at"])
        )

    w = figures["write_breakdown"]
    rows = [
        ("employees (N)", n),
        ("chunk size (daily_tick.CHUNK_SIZE)", f"{chunk_size}  → {figures['chunks']} chunks"),
        (
            "event delivery (DEVPLAN_HOST_CONCURRENT_TRIGGERS)",
            "side by side, as production" if figures["concurrent_delivery"] else "the emulators' queues (=0)",
        ),
        (
            "invites posted / cycles opened / outbox sent",
            f"{system['posts']} / {system['cycles']} / {system['sent']}"
            + (f"  ({system['post_calls']} post calls)" if system["post_calls"] != system["posts"] else ""),
        ),
        (
            "Firestore writes by the system",
            f"{wrote['writes']} = cycles {w['cycles_docs']} + outbox docs {w['outbox_docs']}"
            f" + claims {w['claims']} + sent marks {w['sent_marks']} + tick record {w['tick_record']}"
            f" + chunk records {w['chunk_records']} + next check days {w['next_checks']}"
            f" + kept conversations {w['conversations']}",
        ),
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
    print(
        "  other Slack calls by the system: "
        + (", ".join(f"{k} {v}" for k, v in sorted(system["other_slack_calls"].items())) or "none")
    )
    print(
        "  peak events in flight in the function host (sampled every 0.2 s): "
        + ", ".join(f"{k} {v}" for k, v in system["peak_in_flight"].items())
    )
    print(
        "  writes formula: cycles (N) + outbox docs (N−1) + claims Σattempts (N−1: pending→sending)"
        " + sent marks (N−1) + 1 tick record + chunk progress records (⌈N/chunk⌉ if written)"
        " + employees whose next check day moved (N) + group DMs kept (slackConversations, if kept)"
        f" = 5N−2 (+{w['chunk_records']} + {w['conversations']})"
    )
    print(
        f"target: ≤ {TARGET_RATIO:.1f}× the floor — {'MET' if figures['target_met'] else 'NOT MET'}"
        + (f" ({ratio:.2f}×)" if ratio else "")
    )
    if args.profile:
        prof = system["profile"]
        figures["profile"] = {**prof, "latencies": lat}
        print("profile (--profile; counting adds a little overhead):")
        print(
            f"  CPU seconds during T_system ({prof['wall_s']} s wall × {cores()} cores = {prof['cpu_capacity_s']} s): "
            + ", ".join(f"{k} {v}" for k, v in prof["cpu_s"].items())
        )
        per = lambda k: f" ({prof['rpc_counts'][k] / n:.1f}/employee)" if k in prof["rpc_counts"] else ""  # noqa: E731
        print(
            "  function host HTTP answer time (GET /_host/status each poll): "
            + ", ".join(f"{q} {x}" for q, x in prof["host_status_latency_s"].items())
        )
        print(
            "  Firestore RPCs by the functions: " + ", ".join(f"{k} {v}{per(k)}" for k, v in prof["rpc_counts"].items())
        )
        print(
            "  summed RPC wall time (s, across threads): "
            + ", ".join(f"{k} {v}" for k, v in prof["rpc_seconds"].items())
        )
        for k, v in lat.items():
            show = lambda x: ", ".join(f"{q} {y}" for q, y in x.items()) if isinstance(x, dict) else x  # noqa: E731
            print(
                f"  {k}: " + "; ".join(f"{q} ({show(x)})" if isinstance(x, dict) else f"{q} {x}" for q, x in v.items())
            )
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
    return 0 if figures["target_met"] else 1
