"""One cold start, in a fresh interpreter: functions-framework loads functions/main.py, then
answers ONE request, as the first request of a new Cloud Functions instance.

    python bench/cold/child.py TARGET REQUEST.json [--profile STATS]

REQUEST.json: {"path", "headers", "body"} and optionally "source" (default functions/main.py).

Prints one JSON line: CPU seconds (this process and any children it waited for) at three
moments: when this file starts running (the interpreter's own start-up, site and .pth files),
after `create_app` (functions-framework, Flask and functions/main.py imported), after the
first answer (clients built, Firestore read and written); with the answer itself.
Nothing else is imported before the first measurement."""

import os
import sys
import time


def cpu() -> float:
    """This process (all its threads, at the clock's full resolution) plus its waited-for
    children (a fresh instance pays for both; os.times alone counts in 10 ms ticks)."""
    t = os.times()
    return time.process_time() + t.children_user + t.children_system


STARTED_CPU = cpu()
STARTED_AT = time.monotonic()  # CLOCK_MONOTONIC: the same clock as the parent's


def main() -> None:
    import json

    target, request_file = sys.argv[1], sys.argv[2]
    profile = sys.argv[4] if len(sys.argv) > 4 and sys.argv[3] == "--profile" else None
    with open(request_file) as f:
        request = json.load(f)
    here = os.path.dirname(os.path.abspath(__file__))
    source = request.get("source") or os.path.join(here, "..", "..", "functions", "main.py")
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()

    import functions_framework

    app = functions_framework.create_app(target=target, source=os.path.normpath(source))
    loaded_cpu, loaded_at = cpu(), time.monotonic()
    answer = app.test_client().post(request["path"], headers=request["headers"], data=request["body"].encode())
    body = answer.get_data(as_text=True)
    answered_cpu, answered_at = cpu(), time.monotonic()
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(profile)
    print(
        json.dumps(
            {
                "target": target,
                "status": answer.status_code,
                "answer": body[:500],
                "cpu_interpreter_s": STARTED_CPU,
                "cpu_loaded_s": loaded_cpu,
                "cpu_answered_s": answered_cpu,
                "started_at": STARTED_AT,
                "loaded_at": loaded_at,
                "answered_at": answered_at,
                "modules": len(sys.modules),
            }
        ),
        flush=True,
    )
    os._exit(0)  # at once: the clients' background threads (gRPC) are not part of the answer


if __name__ == "__main__":
    main()
