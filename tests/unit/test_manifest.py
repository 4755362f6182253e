"""The manifest, functions/main.py and Terraform must agree (DESIGN §2)."""

import ast
from datetime import timedelta
from pathlib import Path

from devplan_tools import manifest

ROOT = Path(__file__).resolve().parents[2]


def entry_points_in_main() -> dict[str, str]:
    """Decorated functions of functions/main.py → their functions-framework signature type."""
    tree = ast.parse((ROOT / "functions" / "main.py").read_text())
    found = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            for deco in node.decorator_list:
                if (
                    isinstance(deco, ast.Attribute)
                    and isinstance(deco.value, ast.Name)
                    and deco.value.id == "functions_framework"
                ):
                    found[node.name] = deco.attr
    return found


def test_every_manifest_function_has_a_matching_entry_point_and_no_more():
    m = manifest.load()
    declared = {f.entry_point: ("http" if f.kind == "http" else "cloud_event") for f in m.functions}
    assert entry_points_in_main() == declared


def test_names_are_unique_and_topics_are_subscribed_or_scheduled():
    m = manifest.load()
    assert len({f.name for f in m.functions}) == len(m.functions)
    subscribed = {f.topic for f in m.by_kind("pubsub")}
    for schedule in m.schedules:
        assert schedule.topic in subscribed, schedule.name
        assert schedule.time_zone == "Europe/Stockholm"


def test_the_webhook_contract_lists_exactly_the_event_types_handled():
    import yaml

    from devplan.services import platform_events, privacy

    spec = yaml.safe_load((ROOT / "infra" / "webhook.openapi.yaml").read_text())
    body = spec["paths"]["/platform-webhook"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    # The platform's GDPR requests are answered by services/privacy.py (functions/main.py routes them).
    assert set(body["discriminator"]["mapping"]) == set(platform_events.HANDLERS) | set(privacy.REQUESTS)


# --- resources: what each function gets, and what the pacing relies on -------------------------

SERVICE_CONFIG = {  # service_config attribute (google provider) -> manifest field
    "available_memory": "memory",
    "available_cpu": "cpu",
    "timeout_seconds": "timeout_seconds",
    "max_instance_count": "max_instances",
    "min_instance_count": "min_instances",
    "max_instance_request_concurrency": "concurrency",
}


def test_every_function_declares_its_resources():
    import yaml

    raw = yaml.safe_load((ROOT / "infra" / "functions.yaml").read_text())
    for entry in raw["functions"]:
        assert set(manifest.RESOURCE_FIELDS) <= set(entry), entry["name"]
        r = manifest.load().function(entry["name"]).resources
        assert r.memory.endswith(("Mi", "Gi")) and float(r.cpu) > 0, entry["name"]
        assert r.concurrency >= 1 and 0 <= r.min_instances <= r.max_instances, entry["name"]
        # Cloud Functions: more than one request per instance needs a whole vCPU
        assert r.concurrency == 1 or float(r.cpu) >= 1, entry["name"]
        # event functions run 540 s at most
        assert entry["name"] in {f.name for f in manifest.load().by_kind("http")} or r.timeout_seconds <= 540


def test_terraform_takes_every_resource_from_the_manifest():
    from tests.unit.test_infra import expr, locals_, only, the_function_resource

    service = only(the_function_resource()["service_config"])
    functions = expr(locals_()["functions"])
    for attribute, field in SERVICE_CONFIG.items():
        assert expr(service[attribute]) == f"each.value.{field}", attribute
        assert f"{field} = f.{field}" in functions, field


def main_constant(name: str) -> object:
    """A literal assigned at the top of functions/main.py (read, not imported: it loads
    functions-framework and registers every entry point)."""
    for node in ast.parse((ROOT / "functions" / "main.py").read_text()).body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                names = target.elts if isinstance(target, ast.Tuple) else [target]
                values = node.value.elts if isinstance(node.value, ast.Tuple) else [node.value]
                for each, value in zip(names, values, strict=True):
                    if isinstance(each, ast.Name) and each.id == name:
                        return ast.literal_eval(value)
    raise KeyError(name)


def test_every_function_talks_to_slack_within_a_budget_inside_its_timeout():
    """functions/main.py sets each function's Slack budget from its timeout: they must agree.
    Assumed: a Slack call starts only while CALL_RESERVE (one HTTP time-out) of the budget is
    left, so Slack work ends with the budget; AFTER_SLACK_SECONDS is enough for what follows
    (a transaction, the writes, a dead letter); one call fits in every budget."""
    from devplan.adapters import slack

    m = manifest.load()
    timeouts = main_constant("TIMEOUT_SECONDS")
    assert timeouts == {f.name: f.resources.timeout_seconds for f in m.functions}
    after = main_constant("AFTER_SLACK_SECONDS")
    assert isinstance(timeouts, dict) and isinstance(after, float)
    assert min(timeouts.values()) - after > slack.CALL_RESERVE
    answer, per_call = main_constant("ANSWER_BUDGET_SECONDS"), main_constant("ANSWER_CALL_SECONDS")
    assert isinstance(answer, float) and isinstance(per_call, float)
    assert 0 < per_call < answer < 3  # Slack's 3 s for an answer


def test_the_sender_bounds_slack_calls_and_fits_its_timeout():
    """One sender instance (the in-process pace is then the whole truth), a wait in its queue
    inside the send budget with a call's time still left after it, the budget inside the
    timeout with AFTER_SLACK_SECONDS for the writes after it (no call starts that could end
    past the budget: services/deadline.py), the lease longer than the timeout (a lease that
    ran out means its attempt was cut off: two senders never overlap)."""
    from devplan.adapters import slack, slack_pace
    from devplan.services import delivery, outbox_sweep

    m = manifest.load()
    sender = m.function("outbox-created").resources
    assert sender.max_instances == 1
    slowest = slack_pace.TIER_PER_MINUTE[slack_pace.METHOD_TIER["conversations.open"]]  # the sender's tightest
    queued_wait = m.function("outbox-created").bound * 60 / (slowest * slack_pace.MARGIN)
    assert queued_wait + slack.CALL_RESERVE < delivery.SEND_BUDGET.total_seconds()
    assert delivery.TIMEOUT.total_seconds() == sender.timeout_seconds
    after = main_constant("AFTER_SLACK_SECONDS")
    assert isinstance(after, float)
    assert delivery.SEND_BUDGET + timedelta(seconds=after) <= delivery.TIMEOUT < delivery.LEASE
    sweep = m.function("outbox-sweep").resources
    assert outbox_sweep.TIME_BUDGET_SECONDS + delivery.SEND_BUDGET.total_seconds() + after <= sweep.timeout_seconds
    # the waits of one call (all its 429s) stay inside every timeout, with the call after them
    assert min(f.resources.timeout_seconds for f in m.functions) > slack.MAX_WAIT + slack.CALL_RESERVE
    # the one instance that looks people up paces them
    assert m.function("employee-written").resources.max_instances == 1
