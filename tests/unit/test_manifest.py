"""The manifest, functions/main.py and Terraform must agree (DESIGN §2)."""

import ast
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
