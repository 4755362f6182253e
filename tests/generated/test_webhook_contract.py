"""schemathesis drives the webhook from its contract (infra/webhook.openapi.yaml): cases the schema
allows and cases it forbids, each signed as the platform signs (a `before_call` hook: the body
schemathesis made, serialised once, signed, sent as those exact bytes), sent in-process to
functions-framework's app for platform_webhook over the world of tests/generated/world.py.

Checks: no server error; the status code, the content type and the body are the ones the contract
declares for it; what the schema forbids is refused (negative_data_rejection), and a refused
request writes nothing."""

from __future__ import annotations

import json

import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from tests.generated.profiles import fuzz
from tests.generated.tally import TALLY
from tests.generated.world import World
from tests.unit.entry_support import ROOT, _app

SCHEMA = schemathesis.openapi.from_path(ROOT / "infra" / "webhook.openapi.yaml")
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
# The world the hook signs for: set by the test before each call.
_current: dict[str, World] = {}


@schemathesis.hook
def before_call(context, case, kwargs):
    """Sign the exact bytes sent. Headers the case carries (generated, maybe odd) stay unless the
    case is signed: a third of the cases keep schemathesis's own headers, which must be refused."""
    world = _current.get("world")
    if world is None or case.operation.path != "/platform-webhook":
        return
    body = json.dumps(case.body).encode() if isinstance(case.body, dict | list | str | int | float) else b""
    kwargs["data"] = body
    if hash(body) % 3:
        case.headers = {**(case.headers or {}), **world.platform_headers(body)}


@fuzz(weight=1)
@SCHEMA.parametrize()
def test_the_webhook_keeps_its_contract(case, world: World):
    world.reset()
    _current["world"] = world
    before = world.snapshot()
    try:
        response = case.call(app=_app("platform_webhook"))
    finally:
        _current.clear()
    status, body = TALLY.http("platform-webhook", response)
    case.validate_response(response, checks=CHECKS)
    assert body is not None, response.content[:300]
    if status != 200:
        assert world.docs == before, "a refused request wrote to Firestore"
