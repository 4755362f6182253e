"""Benchmark: each HTTP entry point's cold start, from a fresh process to its first answer.

    .venv/bin/python bench/cold_start.py [--runs 3] [--profile DIR] [--json] [--manifest PATH]

For `slack-events` (a signed `/utveckling`, a signed button click) and `platform-webhook` (a
signed `employee.onboarded`), a fresh interpreter loads functions/main.py through
functions-framework and answers one request against the Firestore emulator (bench/cold/child.py).
Measured: CPU seconds of that process from its start to the answer. Modelled: the wall time on
the vCPU the manifest gives the function (bench/cold/model.py). Target: the Slack endpoint's
modelled cold answer ≤ 2.0 s (Slack retries after 3 s). Exit 1 when it is missed. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "shared"))  # harmless when devplan is installed in the venv

from cold import scenarios  # noqa: E402
from cold.model import MANIFEST, size_of  # noqa: E402

CHILD = Path(__file__).resolve().parent / "cold" / "child.py"
TARGET_SECONDS = 2.0
SLACK_FUNCTION = "slack-events"


def err(*args) -> None:
    print(*args, file=sys.stderr, flush=True)


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def cold_answer(request: scenarios.ColdRequest, env: dict[str, str], tmp: Path, *extra: str) -> dict:
    """One fresh process, one request; `extra` goes before the script (e.g. -X importtime)."""
    spec = tmp / "request.json"
    spec.write_text(request.as_json())
    launched = time.monotonic()
    done = subprocess.run(
        [sys.executable, *extra[:2], str(CHILD), request.target, str(spec), *extra[2:]],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"{request.entry}: the cold process failed ({done.returncode}):\n{done.stderr[-3000:]}")
    found = json.loads(lines[-1])
    found.update(entry=request.entry, function=request.function, stderr=done.stderr, launched_at=launched)
    return found


def measure(runs: int, env: dict[str, str], tmp: Path) -> dict[str, list[dict]]:
    results: dict[str, list[dict]] = {}
    for run in range(runs):
        for make in scenarios.REQUESTS:
            request = make(run)
            answer = cold_answer(request, env, tmp)
            if answer["status"] != 200 or '"ok": false' in answer["answer"].replace('":false', '": false'):
                raise RuntimeError(f"{request.entry}: not answered as it should: {answer['status']} {answer['answer']}")
            results.setdefault(request.entry, []).append(answer)
    return results


def profile(env: dict[str, str], tmp: Path, out: Path, run: int) -> None:
    """One more cold start per entry under cProfile, and one under -X importtime, into `out`."""
    import pstats

    out.mkdir(parents=True, exist_ok=True)
    for make in scenarios.REQUESTS:
        request = make(run)
        name = request.entry.replace(" ", "_").replace("/", "")
        stats = out / f"{name}.pstats"
        cold_answer(request, env, tmp, "-X", "importtime", "--profile", str(stats))
        imports = cold_answer(make(run + 1), env, tmp, "-X", "importtime")["stderr"]
        (out / f"{name}.importtime.txt").write_text(imports)
        err(f"\n== {request.entry}: cProfile, top 12 by cumulative time ({stats})")
        pstats.Stats(str(stats), stream=sys.stderr).sort_stats("cumulative").print_stats(12)


def report(
    results: dict[str, list[dict]], load_before: str, load_after: str, manifest: Path = MANIFEST
) -> tuple[list[dict], bool]:
    rows, met = [], True
    print(f"cold start: fresh process → functions/main.py loaded → first answer ({load_before}; after: {load_after})")
    columns = ("memory", "vCPU", "interp", "import", "answer", "CPU s", "model s", "local s")
    print(f"{'entry':28} " + " ".join(f"{c:>7}" for c in columns))
    for entry, answers in results.items():
        size = size_of(answers[0]["function"], manifest)
        interp = statistics.median(a["cpu_interpreter_s"] for a in answers)
        loaded = statistics.median(a["cpu_loaded_s"] - a["cpu_interpreter_s"] for a in answers)
        answered = statistics.median(a["cpu_answered_s"] - a["cpu_loaded_s"] for a in answers)
        total = statistics.median(a["cpu_answered_s"] for a in answers)
        local = statistics.median(a["answered_at"] - a["launched_at"] for a in answers)
        modelled = size.wall_seconds(total)
        slack = size.function == SLACK_FUNCTION and not entry.startswith("floor")
        ok = modelled <= TARGET_SECONDS or not slack
        met &= ok
        cpu_note = " " if size.declared else "*"
        verdict = f"  target ≤ {TARGET_SECONDS} s: {'met' if ok else 'MISSED'}" if slack else ""
        print(
            f"{entry:28} {size.memory:>7} {size.vcpu:>6.3f}{cpu_note}{interp:7.3f} {loaded:7.3f} {answered:7.3f} "
            f"{total:7.3f} {modelled:7.2f} {local:7.2f}{verdict}"
        )
        rows.append(
            {
                "entry": entry,
                "function": size.function,
                "memory": size.memory,
                "vcpu": size.vcpu,
                "min_instances": size.min_instances,
                "cpu_interpreter_s": round(interp, 3),
                "cpu_import_s": round(loaded, 3),
                "cpu_first_answer_s": round(answered, 3),
                "cpu_total_s": round(total, 3),
                "modelled_wall_s": round(modelled, 2),
                "local_wall_s": round(local, 2),
                "runs": len(answers),
            }
        )
    print(
        "CPU s: median over runs of the fresh process's CPU from its start to the answer (interp: the\n"
        "interpreter's own start-up; import: functions-framework + functions/main.py; answer: clients built\n"
        "+ the first request).\n"
        "model s = CPU s / min(vCPU, 1): the answer's wall time on the manifest's instance, network waits excluded;\n"
        "* = vCPU not declared in infra/functions.yaml, Cloud Functions' default for the memory.\n"
        "floor: no devplan code, only functions-framework + a Firestore client + one read, on slack-events' instance."
    )
    print(f"Slack endpoint's modelled cold answer ≤ {TARGET_SECONDS} s: {'met' if met else 'MISSED'}")
    return rows, met


def cold_starts(firestore_host: str, project: str, runs: int, profile_dir: Path | None = None) -> dict:
    """Seed `project` on the emulator at `firestore_host` and measure `runs` cold starts per entry."""
    from google.cloud import firestore

    env = {
        **os.environ,
        "GOOGLE_CLOUD_PROJECT": project,
        "FIRESTORE_EMULATOR_HOST": firestore_host,
        "DEVPLAN_PLATFORM_SECRET": scenarios.PLATFORM_SECRET,
        "SLACK_SIGNING_SECRET": scenarios.SLACK_SIGNING_SECRET,
        "SLACK_BOT_TOKEN": "xoxb-cold-start",
        "SLACK_API_URL": "http://127.0.0.1:9/api/",  # nothing on these answers may call Slack
        "PYTHONDONTWRITEBYTECODE": "1",  # use the installed .pyc files, as the deployed image does
    }
    env.pop("PUBSUB_EMULATOR_HOST", None)  # none of the HTTP entry points publishes
    extra = 2 if profile_dir else 0
    with tempfile.TemporaryDirectory(prefix="devplan-cold-") as tmp_name:
        tmp = Path(tmp_name)
        scenarios.seed(firestore.Client(project=project), runs + extra)
        before = load()
        results = measure(runs, env, tmp)
        after = load()
        if profile_dir:
            profile(env, tmp, profile_dir, runs)
    return {"results": results, "load": (before, after)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="fresh processes per entry point (median; default 3)")
    parser.add_argument("--profile", type=Path, help="also write cProfile stats and -X importtime per entry here")
    parser.add_argument("--json", action="store_true", help="also print the figures as one JSON line at the end")
    parser.add_argument(
        "--manifest", type=Path, default=MANIFEST, help="model on this manifest's sizes (default infra/functions.yaml)"
    )
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    from devplan_tools.local.emulators import start_emulators
    from devplan_tools.local.processes import free_port

    with tempfile.TemporaryDirectory(prefix="devplan-cold-emulators-") as logs:
        firestore, pubsub = start_emulators(Path(logs), functions_host=f"127.0.0.1:{free_port()}")
        try:
            os.environ["FIRESTORE_EMULATOR_HOST"] = firestore.host  # for the seeding client here
            measured = cold_starts(firestore.host, f"devplan-cold-{os.getpid()}", args.runs, args.profile)
        finally:
            firestore.stop()
            pubsub.stop()
    before, after = measured["load"]
    rows, met = report(measured["results"], before, after, args.manifest)
    if args.json:
        print(json.dumps({"entries": rows, "target_s": TARGET_SECONDS, "met": met, "load": [before, after]}))
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
