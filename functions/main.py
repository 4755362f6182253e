"""Every Cloud Function entry point (infra/functions.yaml names them): decode, call one service, return.

What an error means (retry, or acknowledge with a dead letter) is decided once, in
adapters/entry.py; each entry point names its function as the manifest does (infra/functions.yaml),
which is what its dead letters are filed under. Clients come from the composition root, devplan.runtime.

Each entry point imports its decoder and its service when it first runs, not here: every
function's instance loads this whole file, and a cold start pays for every import on a fraction
of a vCPU before the first answer (bench/cold_start.py). Slack's endpoint must answer within
3 s, so it must not wait for the Pub/Sub sender, the quarterly cycle or the Firestore event
types it never uses."""

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import functions_framework

from devplan import runtime
from devplan.adapters.entry import HttpAnswer, http_answer, run_event
from devplan.services import deadline
from devplan.services.ports import DeadLetters

# Each function's timeout_seconds (infra/functions.yaml; tests/unit/test_manifest.py keeps them
# equal): the platform cuts an invocation off there, mid-call if need be.
TIMEOUT_SECONDS = {
    "platform-webhook": 60,
    "slack-events": 60,
    "employee-written": 60,
    "outbox-created": 60,
    "daily-tick": 60,
    "employee-tick": 60,
    "outbox-sweep": 120,
    "onboarding-catch-up": 120,
}
# Of each timeout, what its Slack work may not use (services/deadline.py): the loading before
# it, the transaction and writes after its last call, the dead letter of a failure.
AFTER_SLACK_SECONDS = 15.0
# Slack's endpoint: Slack takes an answer within 3 s (a modal's trigger_id lives as long), so
# its Slack calls end within 2 s of the work's start, counting a warm call (views.open about
# 0.2 s) at 0.5 s: no wait or call that would leave less (services/deadline.py: per_call).
ANSWER_BUDGET_SECONDS, ANSWER_CALL_SECONDS = 2.0, 0.5


def _slack_budget(function: str, *, slack: bool = False) -> AbstractContextManager[None]:
    """The budget within which `function` may talk to Slack (it starts when entered)."""
    if slack:
        return deadline.within(ANSWER_BUDGET_SECONDS, per_call=ANSWER_CALL_SECONDS)
    return deadline.within(TIMEOUT_SECONDS[function] - AFTER_SLACK_SECONDS)


def _run(function: str, event: Any, work: Callable[[DeadLetters], object]) -> None:
    def budgeted(letters: DeadLetters) -> object:
        with _slack_budget(function):
            return work(letters)

    run_event(
        event,
        budgeted,
        function=function,
        max_age_seconds=runtime.settings().max_event_age_seconds,
        now=runtime.now(),
        dead_letters=runtime.dead_letters,
    )


def _answer(function: str, request: Any, work: Callable[[], dict[str, Any]], *, slack: bool = False) -> HttpAnswer:
    def budgeted() -> dict[str, Any]:
        with _slack_budget(function, slack=slack):
            return work()

    return http_answer(budgeted, function=function, request=request, dead_letters=runtime.dead_letters, slack=slack)


@functions_framework.http
def platform_webhook(request: Any) -> HttpAnswer:
    with runtime.loading:  # one thread at a time (devplan.runtime)
        from devplan.adapters.decoding.platform import decode_platform_request
        from devplan.services import platform_events, privacy

    def work() -> dict[str, Any]:
        event = decode_platform_request(
            request.headers, request.get_data(), secret=runtime.settings().platform_secret, now=runtime.now()
        )
        if event.type in privacy.REQUESTS:  # the platform's GDPR flow: answered in the body
            return {"id": event.id, **privacy.requested(event, runtime.personal_records(), runtime.store())}
        grants = runtime.settings().funding_grants_for_larger
        status = platform_events.handle(event, runtime.store(), funding_grants_for_larger=grants)
        return {"id": event.id, "status": status}

    return _answer("platform-webhook", request, work)


@functions_framework.http
def slack_events(request: Any) -> HttpAnswer:
    with runtime.loading:  # one thread at a time (devplan.runtime)
        from devplan.adapters.decoding.slack import decode_slack_request
        from devplan.services import slack_routes

    def work() -> dict[str, object]:
        slack_request = decode_slack_request(
            request.headers,
            request.get_data(),
            signing_secret=runtime.settings().slack_signing_secret,
            now=runtime.now(),
        )
        # Slack's client is built by the first route that calls Slack: most answers never do.
        table = slack_routes.routes(runtime.store(), runtime.slack_on_demand(), runtime.now)
        return slack_routes.route(slack_request, table)

    return _answer("slack-events", request, work, slack=True)


@functions_framework.cloud_event
def on_employee_written(event: Any) -> None:
    with runtime.loading:  # one thread at a time (devplan.runtime)
        from devplan.adapters.decoding.firestore import employee_written
        from devplan.services import onboarding

    _run(
        "employee-written",
        event,
        lambda _: onboarding.welcome_new_employee(employee_written(event), runtime.store(), runtime.slack()),
    )


@functions_framework.cloud_event
def send_outbox_message(event: Any) -> None:
    with runtime.loading:  # one thread at a time (devplan.runtime)
        from devplan.adapters.decoding.firestore import outbox_written
        from devplan.services import delivery

    _run(
        "outbox-created",
        event,
        lambda _: delivery.deliver_change(outbox_written(event), runtime.store(), runtime.slack(), runtime.now()),
    )


@functions_framework.cloud_event
def on_daily_tick(event: Any) -> None:
    with runtime.loading:  # one thread at a time (devplan.runtime)
        from devplan.adapters.decoding.pubsub import tick_event
        from devplan.services import daily_tick

    _run("daily-tick", event, lambda _: daily_tick.fan_out(tick_event(event), runtime.store(), runtime.publisher()))


@functions_framework.cloud_event
def on_employee_tick(event: Any) -> None:
    with runtime.loading:  # one thread at a time (devplan.runtime)
        from devplan.adapters.decoding.pubsub import chunk_event
        from devplan.services import quarterly_cycle

    _run("employee-tick", event, lambda aside: quarterly_cycle.run_chunk(chunk_event(event), runtime.store(), aside))


@functions_framework.cloud_event
def sweep_outbox(event: Any) -> None:
    with runtime.loading:  # one thread at a time (devplan.runtime)
        from devplan.adapters.decoding.pubsub import tick_event
        from devplan.services import outbox_sweep

    def work(letters: DeadLetters) -> None:
        tick = tick_event(event)
        outbox_sweep.sweep(
            runtime.store(), runtime.slack(), runtime.now, letters, sweep_id=tick.message_id, as_of=tick.as_of
        )

    _run("outbox-sweep", event, work)


@functions_framework.cloud_event
def catch_up_onboarding(event: Any) -> None:
    with runtime.loading:  # one thread at a time (devplan.runtime)
        from devplan.services import onboarding

    _run(
        "onboarding-catch-up",
        event,
        lambda aside: onboarding.catch_up(runtime.store(), runtime.slack(), runtime.now(), aside, run_id=event["id"]),
    )
