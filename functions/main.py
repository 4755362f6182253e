"""Every Cloud Function entry point (infra/functions.yaml names them): decode, call one service, return."""
import functions_framework

from devplan import runtime
from devplan.adapters.entry import event_scope, http_answer
from devplan.adapters.events import (decode_document_event, decode_employee_chunk, decode_platform_request,
                                     decode_pubsub_event, decode_tick)
from devplan.adapters.slack_inbound import decode_slack_request, route
from devplan.services import (daily_tick, delivery, onboarding, outbox_sweep, platform_events, quarterly_cycle,
                             slack_routes)


def _scope(event):
    return event_scope(event, max_age_seconds=runtime.settings().max_event_age_seconds, now=runtime.now())


@functions_framework.http
def platform_webhook(request):
    def work():
        event = decode_platform_request(request.headers, request.get_data(),
                                        secret=runtime.settings().platform_secret, now=runtime.now())
        return {"id": event.id, "status": platform_events.handle(event, runtime.store())}
    return http_answer(work)


@functions_framework.http
def slack_events(request):
    def work():
        slack_request = decode_slack_request(request.headers, request.get_data(),
                                             signing_secret=runtime.settings().slack_signing_secret, now=runtime.now())
        return route(slack_request, slack_routes.routes(runtime.store()))
    return http_answer(work)


@functions_framework.cloud_event
def on_employee_written(event):
    with _scope(event):
        onboarding.welcome_new_employee(decode_document_event(event), runtime.store(), runtime.slack())


@functions_framework.cloud_event
def send_outbox_message(event):
    with _scope(event):
        delivery.deliver_change(decode_document_event(event), runtime.store(), runtime.slack(), runtime.now())


@functions_framework.cloud_event
def on_daily_tick(event):
    with _scope(event):
        daily_tick.fan_out(decode_tick(decode_pubsub_event(event)), runtime.store(), runtime.publisher())


@functions_framework.cloud_event
def on_employee_tick(event):
    with _scope(event):
        quarterly_cycle.run_chunk(decode_employee_chunk(decode_pubsub_event(event)), runtime.store())


@functions_framework.cloud_event
def sweep_outbox(event):
    with _scope(event):
        tick = decode_tick(decode_pubsub_event(event))
        outbox_sweep.sweep(runtime.store(), runtime.slack(), runtime.now, sweep_id=tick.message_id, as_of=tick.as_of)


@functions_framework.cloud_event
def catch_up_onboarding(event):
    with _scope(event):
        onboarding.catch_up(runtime.store(), runtime.slack(), runtime.now(), run_id=event["id"])
