"""Slack's requests from their documented shapes (the recorded fixtures): the /utveckling slash
command form, a block_actions payload, an Events API team_join envelope and url_verification;
mutated, oddly serialised, and signed, wrongly signed or with odd headers."""

from __future__ import annotations

import copy
import json
from typing import Any
from urllib.parse import parse_qsl, urlencode

from hypothesis import strategies as st

from tests.generated.values import EMAILS, ODD_TIMESTAMPS, json_bytes, mutated, odd_text
from tests.unit.entry_support import FIXTURES


def _fixture(name: str) -> Any:
    return json.loads((FIXTURES / "slack" / name).read_text())


COMMAND = dict(parse_qsl((FIXTURES / "slack" / "command_utveckling.form").read_text().strip(), keep_blank_values=True))
CLICK = _fixture("block_actions_mark_held.json")
TEAM_JOIN = _fixture("event_team_join.json")
URL_VERIFICATION = _fixture("url_verification.json")
_KNOWN_USERS = st.sampled_from(["U_ANNA", "U_BO", "U07L2ANNA", "U07NEW"])
SLACK_USER_IDS = st.one_of(_KNOWN_USERS, _KNOWN_USERS, _KNOWN_USERS, odd_text())
FORM, JSON = "application/x-www-form-urlencoded", "application/json"


@st.composite
def slack_command(draw: st.DrawFn) -> tuple[bytes, str]:
    form = {**COMMAND, "user_id": draw(SLACK_USER_IDS)}
    form = draw(st.one_of(st.just(form), st.just(form), mutated(form)))
    fields = form.items() if isinstance(form, dict) else [("command", form)]
    pairs = [(k, v if isinstance(v, str) else json.dumps(v)) for k, v in fields]
    return urlencode(pairs, encoding="utf-8", errors="surrogatepass").encode(), FORM


@st.composite
def slack_click(draw: st.DrawFn) -> tuple[bytes, str]:
    payload = copy.deepcopy(CLICK)
    payload["user"]["id"] = draw(SLACK_USER_IDS)
    action = payload["actions"][0]
    values = st.sampled_from(["anna|2025-Q2", "anna|2025-Q3", "bo|2025-Q2"])
    action["value"] = draw(st.one_of(values, values, values, odd_text()))
    action["action_ts"] = draw(
        st.one_of(
            st.just(action["action_ts"]),
            st.just(action["action_ts"]),
            st.floats(0, 10**12).map(lambda f: f"{f:.6f}"),
            st.sampled_from(["", "1e20", "-1", "9" * 40, "²"]),
        )
    )
    payload = draw(st.one_of(st.just(payload), st.just(payload), mutated(payload)))
    serialised = json.dumps(payload, ensure_ascii=draw(st.booleans()))
    return urlencode({"payload": serialised}, encoding="utf-8", errors="surrogatepass").encode(), FORM


@st.composite
def slack_team_join(draw: st.DrawFn) -> tuple[bytes, str]:
    envelope = copy.deepcopy(TEAM_JOIN)
    user = envelope["event"]["user"]
    user["id"] = draw(st.one_of(st.just("U_ERIK"), SLACK_USER_IDS))
    erik = st.just("erik@innerjourney.se")
    user["profile"]["email"] = draw(st.one_of(erik, erik, EMAILS, odd_text()))
    envelope = draw(st.one_of(st.just(envelope), st.just(envelope), mutated(envelope)))
    return draw(json_bytes(envelope)), JSON


@st.composite
def slack_url_verification(draw: st.DrawFn) -> tuple[bytes, str]:
    envelope = draw(st.one_of(st.just(URL_VERIFICATION), mutated(URL_VERIFICATION)))
    return draw(json_bytes(envelope)), JSON


def slack_request() -> st.SearchStrategy[tuple[bytes, str]]:
    return st.one_of(slack_command(), slack_click(), slack_team_join(), slack_url_verification())


@st.composite
def slack_headers(draw: st.DrawFn, world: Any, body: bytes, content_type: str) -> dict[str, str]:
    headers = world.slack_headers(body, content_type)
    how = draw(st.sampled_from(["signed"] * 10 + ["drop", "secret", "stale", "timestamp", "signature", "type"]))
    if how == "drop":
        del headers[draw(st.sampled_from(["X-Slack-Request-Timestamp", "X-Slack-Signature", "Content-Type"]))]
    elif how == "secret":
        headers = world.slack_headers(body, content_type, secret="not-the-secret")
    elif how == "stale":
        headers["X-Slack-Request-Timestamp"] = str(int(headers["X-Slack-Request-Timestamp"]) - 301)
    elif how == "timestamp":
        headers["X-Slack-Request-Timestamp"] = draw(st.sampled_from(ODD_TIMESTAMPS))
    elif how == "signature":
        headers["X-Slack-Signature"] = draw(st.sampled_from(["v0=", "v0=zz", "v1=" + "0" * 64, "v0=²", "x" * 300]))
    elif how == "type":
        headers["Content-Type"] = draw(st.sampled_from([JSON, FORM, "text/plain", "application/json; charset=utf-16"]))
        headers.update(
            {k: v for k, v in world.slack_headers(body, headers["Content-Type"]).items() if k != "Content-Type"}
        )
    return headers
