"""Terraform (infra/*.tf) and Cloud Build (cloudbuild.yaml) are driven by the manifest (infra/functions.yaml).

The .tf files are parsed with python-hcl2; no terraform binary is needed. python-hcl2 8.x keeps
string literals quoted ('"x"'), expressions as '${...}', blocks as lists of dicts and adds
'__is_block__'/'__comments__' keys; `_normalise` reduces that to plain values (older versions
already give unquoted literals, so the same assertions hold there).
"""

from __future__ import annotations

import re
from datetime import UTC
from functools import cache
from pathlib import Path
from typing import Any

import hcl2
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
INFRA = ROOT / "infra"
TF_FILES = sorted(INFRA.glob("*.tf"))
CLOUDBUILD = ROOT / "cloudbuild.yaml"

KNOWN_KINDS = ("http", "firestore", "pubsub")


# --- reading ------------------------------------------------------------------------------------


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == '"' and value[-1] == '"':
        return value[1:-1]
    return value


def _normalise(node: Any) -> Any:
    if isinstance(node, dict):
        return {_unquote(k): _normalise(v) for k, v in node.items() if not k.startswith("__")}
    if isinstance(node, list):
        return [_normalise(v) for v in node]
    if isinstance(node, str):
        return _unquote(node)
    return node


def expr(value: Any) -> str:
    """'${ a  ==  b }' -> 'a == b' (whitespace collapsed) for comparing expressions."""
    assert isinstance(value, str), f"expected an expression, got {value!r}"
    text = value[2:-1] if value.startswith("${") and value.endswith("}") else value
    return re.sub(r"\s+", " ", text).strip()


@cache
def parsed(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        return _normalise(hcl2.load(handle))


def _merged(kind: str) -> list[dict[str, Any]]:
    return [entry for path in TF_FILES for entry in parsed(path).get(kind, [])]


def resources() -> dict[tuple[str, str], dict[str, Any]]:
    found = {}
    for entry in _merged("resource"):
        for rtype, by_name in entry.items():
            for name, body in by_name.items():
                assert (rtype, name) not in found, f"duplicate resource {rtype}.{name}"
                found[(rtype, name)] = body
    return found


def resources_of(rtype: str) -> dict[str, dict[str, Any]]:
    return {name: body for (t, name), body in resources().items() if t == rtype}


def locals_() -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for block in _merged("locals"):
        merged.update(block)
    return merged


def blocks_by_label(entries: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {label: body for entry in entries for label, body in entry.items()}


def dynamic_blocks(body: dict[str, Any], name: str) -> list[dict[str, Any]]:
    return [d[name] for d in body.get("dynamic", []) if name in d]


def only(items: list[Any]) -> Any:
    assert len(items) == 1, items
    return items[0]


def tf_text() -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in TF_FILES)


def manifest() -> dict[str, Any]:
    return yaml.safe_load((INFRA / "functions.yaml").read_text(encoding="utf-8"))


def trigger_kind(function: dict[str, Any]) -> str:
    (kind,) = function["trigger"].keys()
    return kind


def the_function_resource() -> dict[str, Any]:
    return only(list(resources_of("google_cloudfunctions2_function").values()))


def event_trigger_for(kind: str) -> dict[str, Any]:
    """The dynamic event_trigger block enabled only for manifest functions of `kind`."""
    matching = [
        block
        for block in dynamic_blocks(the_function_resource(), "event_trigger")
        if f'kind == "{kind}"' in expr(block["for_each"])
    ]
    assert len(matching) == 1, f"expected one event_trigger for {kind} functions, found {len(matching)}"
    return only(matching[0]["content"])


# --- syntax -------------------------------------------------------------------------------------


def test_the_expected_tf_files_exist():
    assert {p.name for p in TF_FILES} >= {"main.tf", "variables.tf", "outputs.tf", "versions.tf"}


@pytest.mark.parametrize("path", TF_FILES, ids=lambda p: p.name)
def test_tf_file_parses(path):
    with path.open(encoding="utf-8") as handle:
        assert hcl2.load(handle), f"{path.name} is empty"


# --- (a) the manifest drives everything ---------------------------------------------------------


def test_manifest_is_read_with_yamldecode_exactly_once():
    assert expr(locals_()["manifest"]) == 'yamldecode(file("${path.module}/functions.yaml"))'
    reads = re.findall(r'file\("\$\{path\.module\}/functions\.yaml"\)', tf_text())
    assert len(reads) == 1


def test_region_and_runtime_default_to_the_manifest():
    assert expr(locals_()["region"]) == "coalesce(var.region, local.manifest.region)"
    variable = blocks_by_label(_merged("variable"))["region"]
    assert variable.get("default") is None
    function = the_function_resource()
    assert expr(function["location"]) == "local.region"
    assert expr(only(function["build_config"])["runtime"]) == "local.manifest.runtime"


def test_functions_come_from_for_each_over_the_manifest():
    assert re.search(r"for (\w+) in local\.manifest\.functions : \1\.name =>", expr(locals_()["functions"]))
    functions = resources_of("google_cloudfunctions2_function")
    assert functions, "no google_cloudfunctions2_function"
    for name, body in functions.items():
        assert expr(body.get("for_each", "")) == "local.functions", f"{name}: not for_each over local.functions"
        assert expr(body["name"]) == "each.key"
        build = only(body["build_config"])
        assert expr(build["entry_point"]) == "each.value.entry_point"
    assert "f.entry_point" in expr(locals_()["functions"])


def test_schedules_and_topics_come_from_for_each_over_the_manifest():
    assert re.search(
        r"for (\w+) in try\(local\.manifest\.schedules, \[\]\) : \1\.name =>", expr(locals_()["schedules"])
    )
    jobs = resources_of("google_cloud_scheduler_job")
    job = only(list(jobs.values()))
    assert expr(job["for_each"]) == "local.schedules"
    assert expr(job["name"]) == "each.key"
    assert expr(job["schedule"]) == "each.value.cron"
    assert expr(job["time_zone"]) == "each.value.time_zone"
    target = only(job["pubsub_target"])
    assert expr(target["topic_name"]) == "google_pubsub_topic.topic[each.value.topic].id"
    assert "base64encode(jsonencode(" in expr(target["data"]) and "payload" in expr(target["data"])

    topics = expr(locals_()["topics"])
    assert "local.functions" in topics and "local.schedules" in topics and ".topic" in topics
    topic = resources_of("google_pubsub_topic")["topic"]
    assert expr(topic["for_each"]) == "local.topics"
    assert expr(topic["name"]) == "each.key"


def _manifest_names() -> list[str]:
    m = manifest()
    names = []
    for f in m["functions"]:
        names += [f["name"], f["entry_point"]]
        spec = f["trigger"][trigger_kind(f)] or {}
        names += [v for k, v in spec.items() if k in ("topic", "document")]
    for s in m.get("schedules") or []:
        names += [s["name"], s["topic"]]
    return names


def test_no_function_schedule_or_topic_of_the_manifest_is_named_in_terraform():
    names = _manifest_names()
    assert names, "the manifest lists nothing: this test would check nothing"
    text = tf_text()
    hard_coded = [n for n in names if re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", text)]
    assert not hard_coded, f"named in infra/*.tf instead of coming from functions.yaml: {hard_coded}"


# --- (b) each trigger kind has its handler ------------------------------------------------------


def test_every_trigger_kind_in_the_manifest_is_one_terraform_handles():
    kinds = {trigger_kind(f) for f in manifest()["functions"]}
    unknown = kinds - set(KNOWN_KINDS)
    assert not unknown, f"no Terraform handler for trigger kind(s) {sorted(unknown)}"
    precondition = " ".join(expr(p["condition"]) for p in only(the_function_resource()["lifecycle"])["precondition"])
    assert all(f'"{k}"' in precondition for k in KNOWN_KINDS)


def _handles_http():
    assert re.fullmatch(
        r'\{for (\w+), (\w+) in local\.functions : \1 => \2 if \2\.kind == "http"\}', expr(locals_()["http_functions"])
    )
    public = only(
        [
            b
            for b in resources_of("google_cloud_run_service_iam_member").values()
            if expr(b["for_each"]) == "local.http_functions"
        ]
    )
    assert public["role"] == "roles/run.invoker" and public["member"] == "allUsers"
    assert expr(public["service"]) == "google_cloudfunctions2_function.function[each.key].name"
    assert expr(public["location"]) == "local.region"
    url = blocks_by_label(_merged("output"))["http_function_urls"]
    assert "local.http_functions" in expr(url["value"]) and "service_config[0].uri" in expr(url["value"])
    # no event trigger is ever enabled for http functions, and they accept internet traffic
    for block in dynamic_blocks(the_function_resource(), "event_trigger"):
        assert '"http"' not in expr(block["for_each"])
    service = only(the_function_resource()["service_config"])
    assert expr(service["ingress_settings"]) == 'each.value.kind == "http" ? "ALLOW_ALL" : "ALLOW_INTERNAL_ONLY"'


def _handles_firestore():
    trigger = event_trigger_for("firestore")
    assert expr(trigger["event_type"]) == "event_trigger.value.event_type"
    assert expr(trigger["trigger_region"]) == "var.firestore_location"
    filters = {f["attribute"]: f for f in trigger["event_filters"]}
    assert set(filters) == {"database", "document"}
    assert expr(filters["database"]["value"]) == "google_firestore_database.plans.name"  # created first
    assert blocks_by_label(_merged("variable"))["firestore_database"]["default"] == "(default)"
    assert expr(filters["document"]["value"]) == "event_trigger.value.document"
    assert filters["document"]["operator"] == "match-path-pattern"
    functions = expr(locals_()["functions"])
    assert "document = try(f.trigger.firestore.document, null)" in functions
    assert "event_type = try(f.trigger.firestore.event_type, null)" in functions


def _handles_pubsub():
    trigger = event_trigger_for("pubsub")
    assert trigger["event_type"] == "google.cloud.pubsub.topic.v1.messagePublished"
    assert expr(trigger["pubsub_topic"]) == "google_pubsub_topic.topic[event_trigger.value.topic].id"
    assert expr(trigger["trigger_region"]) == "local.region"
    assert "topic = try(f.trigger.pubsub.topic, null)" in expr(locals_()["functions"])


HANDLERS = {"http": _handles_http, "firestore": _handles_firestore, "pubsub": _handles_pubsub}


@pytest.mark.parametrize("kind", KNOWN_KINDS)
def test_trigger_kind_is_handled(kind):
    """All three, whether or not the manifest uses the kind today: adding one must just work."""
    HANDLERS[kind]()


def test_manifest_uses_trigger_kinds_terraform_knows():
    assert {trigger_kind(f) for f in manifest()["functions"]} <= set(HANDLERS)


def test_retry_maps_to_the_event_trigger_retry_policy():
    assert re.search(
        r'retry_policy = try\((\w+)\.retry, false\) \? "RETRY_POLICY_RETRY" : '
        r'"RETRY_POLICY_DO_NOT_RETRY"',
        expr(locals_()["functions"]),
    )
    for kind in ("firestore", "pubsub"):
        trigger = event_trigger_for(kind)
        assert expr(trigger["retry_policy"]) == "event_trigger.value.retry_policy"
        assert expr(trigger["service_account_email"]) == "google_service_account.triggers.email"


def test_only_event_functions_ask_for_retries():
    for f in manifest()["functions"]:
        if trigger_kind(f) == "http":
            assert "retry" not in f, f"{f['name']}: an HTTP function cannot be retried"


# --- (c) Firestore TTL --------------------------------------------------------------------------


def test_processed_events_expire_at_has_a_ttl_policy():
    from devplan.adapters.firestore import mapping

    fields = resources_of("google_firestore_field").values()
    ttl = only([f for f in fields if "ttl_config" in f])
    assert ttl["collection"] == mapping.LEDGER == "processedEvents"
    assert ttl["field"] == "expireAt"
    from datetime import datetime

    entry = mapping.ledger_document(datetime.now(UTC))
    assert entry["expireAt"] > entry["processedAt"]
    assert expr(ttl["database"]) == "google_firestore_database.plans.name"


# --- the database: PITR, delete protection, backups ----------------------------------------------


def test_terraform_owns_the_database_with_pitr_and_delete_protection():
    database = only(list(resources_of("google_firestore_database").values()))
    assert expr(database["name"]) == "var.firestore_database"
    assert expr(database["location_id"]) == "var.firestore_location"
    assert database["type"] == "FIRESTORE_NATIVE"
    assert database["point_in_time_recovery_enablement"] == "POINT_IN_TIME_RECOVERY_ENABLED"
    assert database["delete_protection_state"] == "DELETE_PROTECTION_ENABLED"
    assert database["deletion_policy"] == "ABANDON"  # `terraform destroy` forgets it, never deletes it
    assert only(database["lifecycle"])["prevent_destroy"] is True


def test_everything_on_the_database_names_the_terraform_database():
    """The TTL policy, the index and the Firestore triggers wait for the database Terraform owns."""
    for rtype in ("google_firestore_field", "google_firestore_index", "google_firestore_backup_schedule"):
        for name, body in resources_of(rtype).items():
            assert expr(body["database"]) == "google_firestore_database.plans.name", f"{rtype}.{name}"
    assert not re.search(r"database\s*=\s*var\.firestore_database", tf_text())


def test_a_daily_and_a_weekly_backup_schedule_kept_as_the_variables_say():
    schedules = resources_of("google_firestore_backup_schedule")
    assert set(schedules) == {"daily", "weekly"}
    assert "daily_recurrence" in schedules["daily"] and "weekly_recurrence" not in schedules["daily"]
    assert only(schedules["weekly"]["weekly_recurrence"])["day"] == "SUNDAY"
    variables = blocks_by_label(_merged("variable"))
    for name, variable, default in (
        ("daily", "backup_retention_days", 14),
        ("weekly", "weekly_backup_retention_days", 98),
    ):
        assert expr(schedules[name]["retention"]) == f"${{var.{variable} * 86400}}s"
        assert variables[variable]["default"] == default
        # Firestore keeps a backup at most 14 weeks: a longer retention must fail at plan, not at apply
        assert "<= 98" in expr(only(variables[variable]["validation"])["condition"])
    assert variables["weekly_backup_retention_days"]["default"] > variables["backup_retention_days"]["default"]


def test_the_import_of_an_existing_database_is_documented():
    command = "terraform -chdir=infra import google_firestore_database.plans 'projects/PROJECT/databases/(default)'"
    assert command in (INFRA / "database.tf").read_text(encoding="utf-8")
    assert command in (INFRA / "README.md").read_text(encoding="utf-8")


# --- runtime identity, secrets and environment --------------------------------------------------


def _env_names_read_by_the_code() -> set[str]:
    source = (ROOT / "shared" / "devplan" / "runtime.py").read_text(encoding="utf-8")
    return set(re.findall(r'env\.get\("([A-Z0-9_]+)"', source))


def test_secrets_and_environment_match_what_the_code_reads():
    secret_ids = locals_()["secret_ids"]
    assert set(secret_ids) == {"DEVPLAN_PLATFORM_SECRET", "SLACK_SIGNING_SECRET", "SLACK_BOT_TOKEN"}
    for env, value in secret_ids.items():
        assert expr(value).startswith("var."), env
    service = only(the_function_resource()["service_config"])
    plain = service["environment_variables"]
    assert set(plain) == {"GOOGLE_CLOUD_PROJECT", "DEVPLAN_MAX_EVENT_AGE_SECONDS", "DEVPLAN_FIRESTORE_DATABASE"}
    # the functions use the database Terraform owns and the triggers watch (switched after a restore)
    assert expr(plain["DEVPLAN_FIRESTORE_DATABASE"]) == "google_firestore_database.plans.name"
    assert (set(secret_ids) | set(plain)) <= _env_names_read_by_the_code()

    secret_env = only(dynamic_blocks(service, "secret_environment_variables"))
    assert expr(secret_env["for_each"]) == "local.secret_ids"
    content = only(secret_env["content"])
    assert expr(content["key"]) == "secret_environment_variables.key"
    assert content["version"] == "latest"

    secrets = resources_of("google_secret_manager_secret")
    assert expr(only(list(secrets.values()))["for_each"]) == "local.secret_ids"
    access = only(list(resources_of("google_secret_manager_secret_iam_member").values()))
    assert access["role"] == "roles/secretmanager.secretAccessor"
    assert "google_service_account.functions.email" in expr(access["member"])


def test_service_accounts_have_the_roles_they_need():
    assert (
        expr(only(the_function_resource()["service_config"])["service_account_email"])
        == "google_service_account.functions.email"
    )
    members = resources_of("google_project_iam_member")
    roles = {name: set(re.findall(r'"(roles/[\w.]+)"', expr(body["for_each"]))) for name, body in members.items()}
    assert roles["functions"] == {"roles/datastore.user", "roles/pubsub.publisher"}
    assert roles["triggers"] == {"roles/eventarc.eventReceiver", "roles/run.invoker"}
    assert "google_service_account.functions.email" in expr(members["functions"]["member"])
    assert "google_service_account.triggers.email" in expr(members["triggers"]["member"])


def test_variables_and_outputs():
    variables = blocks_by_label(_merged("variable"))
    assert {
        "project_id",
        "region",
        "firestore_location",
        "source_bucket",
        "source_object",
        "platform_secret_id",
        "slack_signing_secret_id",
        "slack_bot_token_id",
    } <= set(variables)
    versions = only(_merged("terraform"))
    google = only(versions["required_providers"])["google"]
    assert google["source"] == "hashicorp/google" and ">= 5" in google["version"]


# --- (d) Cloud Build ----------------------------------------------------------------------------


def cloudbuild() -> dict[str, Any]:
    return yaml.safe_load(CLOUDBUILD.read_text(encoding="utf-8"))


def _step_text(step: dict[str, Any]) -> str:
    return " ".join([step.get("entrypoint", "")] + [str(a) for a in step.get("args", [])])


def _step_index(steps: list[dict[str, Any]], predicate, what: str) -> int:
    found = [i for i, step in enumerate(steps) if predicate(step)]
    assert len(found) == 1, f"expected one {what} step, found {len(found)}"
    return found[0]


def test_cloudbuild_runs_the_unit_tests_before_it_deploys():
    steps = cloudbuild()["steps"]
    tests = _step_index(steps, lambda s: "pytest tests/unit" in _step_text(s), "unit test")
    assert "pip install" in _step_text(steps[tests]) and "-e '.[test]'" in _step_text(steps[tests])
    # the same checks as .ci/run (./dev test runs ./dev check first), before the tests
    assert _step_text(steps[tests]).index("./dev check") < _step_text(steps[tests]).index("pytest tests/unit")
    upload = _step_index(steps, lambda s: "gs://" in _step_text(s), "upload")
    init = _step_index(steps, lambda s: s.get("args", [None])[0] == "init", "terraform init")
    apply = _step_index(steps, lambda s: s.get("args", [None])[0] == "apply", "terraform apply")
    assert tests < upload < init < apply
    for i in (init, apply):
        assert steps[i]["name"].startswith("hashicorp/terraform")
        assert steps[i]["dir"] == "infra"
    assert "-auto-approve" in steps[apply]["args"]
    # steps run in order only when none of them opts out with waitFor
    assert not any("waitFor" in step for step in steps)


def test_cloudbuild_uploads_the_zip_terraform_deploys():
    steps = cloudbuild()["steps"]
    apply = next(s for s in steps if s.get("args", [None])[0] == "apply")
    args = dict(a.removeprefix("-var=").split("=", 1) for a in apply["args"] if a.startswith("-var="))
    obj, bucket = args["source_object"], args["source_bucket"]
    assert obj == "devplan-$SHORT_SHA.zip" and bucket == "$_SOURCE_BUCKET"
    assert args["project_id"] == "$PROJECT_ID"

    upload = next(s for s in steps if "gs://" in _step_text(s))
    assert f"gs://{bucket}/{obj}" in upload["args"]
    package = next(s for s in steps if "zipfile" in _step_text(s) or " zip " in _step_text(s))
    script = _step_text(package)
    assert obj in script
    for needed in ("functions/main.py", "shared/devplan", "requirements.txt", "tomllib", "pyproject.toml"):
        assert needed in script, needed

    storage = only(only(only(the_function_resource()["build_config"])["source"])["storage_source"])
    assert expr(storage["object"]) == "var.source_object"
    assert expr(storage["bucket"]) == "var.source_bucket"


def test_cloudbuild_declares_every_user_substitution_it_uses():
    text = CLOUDBUILD.read_text(encoding="utf-8")
    used = set(re.findall(r"(?<!\$)\$\{?(_[A-Z0-9_]+)", text))
    assert used, "no user substitutions found"
    assert used <= set(cloudbuild()["substitutions"]), used - set(cloudbuild()["substitutions"])


def test_cloudbuild_checks_the_deployed_functions_after_apply_with_the_deployed_secrets():
    build = cloudbuild()
    steps = build["steps"]
    apply = _step_index(steps, lambda s: s.get("args", [None])[0] == "apply", "terraform apply")
    urls = _step_index(steps, lambda s: "terraform output -json http_function_urls" in _step_text(s), "URL output")
    check = _step_index(steps, lambda s: "devplan deploy-check" in _step_text(s), "deploy check")
    assert apply < urls < check == len(steps) - 1
    assert "/workspace/function_urls.json" in _step_text(steps[urls]) and "--function-urls" in _step_text(steps[check])
    assert "output" in _step_text(steps[urls]) and steps[urls]["dir"] == "infra"
    # the same secrets the functions get: Secret Manager's ids as Terraform names them (variables.tf)
    variables = blocks_by_label(_merged("variable"))
    wanted = {
        "DEVPLAN_PLATFORM_SECRET": variables["platform_secret_id"]["default"],
        "SLACK_SIGNING_SECRET": variables["slack_signing_secret_id"]["default"],
    }
    assert set(steps[check]["secretEnv"]) == set(wanted)
    given = {s["env"]: s["versionName"] for s in build["availableSecrets"]["secretManager"]}
    assert given == {env: f"projects/$PROJECT_ID/secrets/{secret}/versions/latest" for env, secret in wanted.items()}
    assert set(wanted) <= set(locals_()["secret_ids"])
