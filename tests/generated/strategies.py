"""Strategies for the class of input, not the example: real payload shapes (the platform's three
event types; Slack's slash command form, block_actions payload, Events API team_join envelope and
url_verification; Firestore documents; Pub/Sub ticks and chunks) mutated — fields dropped, values
of the wrong type, huge, odd or out-of-range, unicode that UTF-8 cannot carry, deep nesting — and
serialised in odd ways, plus random bytes, bad signatures and odd headers."""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qsl, urlencode

from hypothesis import strategies as st

from tests.unit.entry_support import FIXTURES

# --- building blocks -------------------------------------------------------------------------------

ODD_STRINGS = [
    "",
    " ",
    ".",
    "..",
    "__x__",
    "__name__",
    "a/b",
    "²",
    "١٢٣",
    "\n",
    "anna\n",
    "ａｎｎａ",
    "\u200b",
    "\ufeff",
    "NaN",
    "null",
    "0",
    "-1",
    "\x00",
    "\x7f",
    "\u2028",
    "😀",
    "e\u0301",
    "<script>",
    "%00",
    "a" * 129,
]
HUGE = st.builds(
    lambda c, n: c * n,
    st.sampled_from(["a", "å", "😀", "\u0301", "x y ", "\n"]),
    st.sampled_from([129, 201, 255, 301, 1001, 3001, 40_001, 70_000]),
)
SURROGATES = st.text(st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), min_size=1, max_size=3)
CONTROLS = st.text(st.characters(max_codepoint=0x1F), min_size=1, max_size=4)


def odd_text(*, surrogates: bool = True) -> st.SearchStrategy[str]:
    options = [st.text(max_size=24), st.sampled_from(ODD_STRINGS), HUGE, CONTROLS]
    if surrogates:
        options.append(st.builds(lambda a, s, b: a + s + b, st.text(max_size=4), SURROGATES, st.text(max_size=4)))
    return st.one_of(*options)


ODD_DAYS = [
    "2025-02-30",
    "20250107",
    "2025-W02-2",
    "0001-01-01",
    "9999-12-31",
    "1999-12-31",
    "2101-01-01",
    "2025-1-7",
    "２０２５-01-07",
    "2025-01-07T00:00:00",
    "",
    "2025-13-01",
    "1970-01-01",
    "2100-12-31",
]
DAYS = st.one_of(
    st.dates(date(2024, 1, 1), date(2026, 12, 31)).map(date.isoformat),
    st.dates().map(date.isoformat),
    st.sampled_from(ODD_DAYS),
)
ODD_TIMES = [
    "9999-12-31T23:59:59-23:59",
    "0001-01-01T00:00:00+23:59",
    "2025-04-08T07:00:00",
    "2025-04-08",
    "2025-04-08T07:00:00Z",
    "2025-04-08T25:00:00Z",
    "1999-12-31T23:00:00Z",
    "2101-01-01T00:00:00+01:00",
    "",
]
OFFSETS = st.sampled_from([UTC, timezone(timedelta(hours=1)), timezone(timedelta(hours=-23, minutes=-59))])
TIMES = st.one_of(
    st.datetimes(datetime(2024, 1, 1), datetime(2026, 12, 31), timezones=OFFSETS).map(datetime.isoformat),
    st.datetimes(timezones=OFFSETS).map(datetime.isoformat),
    st.sampled_from(ODD_TIMES),
)


def odd_values(*, surrogates: bool = True, firestore: bool = False) -> st.SearchStrategy[Any]:
    """A value of any JSON type, often the wrong one for where it lands."""
    ints = st.integers(-(2**63), 2**63 - 1) if firestore else st.integers(-(10**30), 10**30)
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        ints,
        st.floats(allow_nan=not firestore, allow_infinity=not firestore),
        odd_text(surrogates=surrogates),
        DAYS,
        TIMES,
    )
    return st.recursive(
        scalars,
        lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
        max_leaves=8,
    )


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Every place in a JSON document, as a path of keys and indexes."""
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


def _nested(depth: int) -> Any:
    value: Any = "deep"
    for _ in range(depth):
        value = [value]
    return value


@st.composite
def mutated(draw: st.DrawFn, base: Any, *, surrogates: bool = True, firestore: bool = False, most: int = 3) -> Any:
    """`base` with 0–`most` mutations, each at a random place: a key dropped, a value replaced by
    one of another type or an odd one, wrapped in a list, emptied, nested deep, a key added."""
    doc = copy.deepcopy(base)
    for _ in range(draw(st.integers(0, most))):
        path = draw(st.sampled_from(_paths(doc)))
        how = draw(st.sampled_from(["drop", "replace", "replace", "wrap", "empty", "deep", "add"]))
        if not path:
            if how in ("replace", "empty"):
                return draw(odd_values(surrogates=surrogates, firestore=firestore)) if how == "replace" else {}
            continue
        parent = doc
        for step in path[:-1]:
            parent = parent[step]
        last = path[-1]
        if how == "drop":
            del parent[last]
        elif how == "replace":
            parent[last] = draw(odd_values(surrogates=surrogates, firestore=firestore))
        elif how == "wrap":
            parent[last] = [parent[last]]
        elif how == "empty":
            parent[last] = draw(st.sampled_from([[], {}, "", None, 0]))
        elif how == "deep":
            parent[last] = _nested(draw(st.sampled_from([5, 19, 25] if firestore else [5, 33, 40])))
        elif isinstance(parent[last], dict):
            parent[last][draw(st.text(min_size=1, max_size=8))] = draw(odd_values(firestore=firestore))
    return doc


# --- the platform's events -------------------------------------------------------------------------

ROLES = ["developer", "coach", "funding_manager", "project_lead"]
IDS = st.one_of(
    st.sampled_from(["anna", "bo", "erik", "nya", "ny.person-2", "x_1"]),
    st.from_regex(r"[A-Za-z0-9_.-]{1,12}", fullmatch=True),
)
NAMES = st.one_of(
    st.sampled_from(["Nya Nilsson", "Åsa Öberg", "Li", "Jean-Luc Picard", "Zoë D'Angelo-Ñúñez"]),
    st.from_regex(r"[A-ZÅÄÖ][a-zåäöé]{1,12}( [A-ZÅÄÖ][a-zåäöé]{1,15}){0,3}", fullmatch=True),
    st.text(min_size=1, max_size=40),
)
EMAILS = st.one_of(
    st.from_regex(r"[a-z]{1,10}(\.[a-z]{1,8})?@innerjourney\.se", fullmatch=True),
    st.emails(),
)


def onboarded_data() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {
            "employeeId": IDS,
            "name": NAMES,
            "email": EMAILS,
            "role": st.sampled_from(ROLES),
            "leadId": st.one_of(st.just("bo"), st.none(), IDS),
            "startDate": st.one_of(st.dates(date(2024, 6, 1), date(2026, 6, 1)).map(date.isoformat), DAYS),
        }
    )


def goal() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"goalId": IDS, "title": st.one_of(st.text(min_size=1, max_size=60), HUGE)},
        optional={"measure": st.one_of(st.text(min_size=1, max_size=80), HUGE), "dueDate": DAYS},
    )


def goals_data() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"employeeId": st.one_of(st.just("anna"), IDS), "goals": st.lists(goal(), min_size=0, max_size=4)}
    )


def reflection_data() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"employeeId": st.one_of(st.just("anna"), IDS), "entryId": IDS},
        optional={"occurredAt": TIMES, "goalIds": st.lists(IDS, max_size=25)},
    )


EVENT_DATA = {
    "employee.onboarded": onboarded_data(),
    "goals.set": goals_data(),
    "journal.reflection_logged": reflection_data(),
}


@st.composite
def platform_envelope(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from([*EVENT_DATA, *EVENT_DATA, "employee.offboarded", ""]))
    data = draw(EVENT_DATA.get(kind, onboarded_data()))
    envelope = {
        "id": draw(st.one_of(st.uuids().map(str), st.text(min_size=1, max_size=20))),
        "type": kind,
        "occurredAt": draw(
            st.one_of(
                st.datetimes(datetime(2025, 1, 1), datetime(2025, 6, 30), timezones=OFFSETS).map(datetime.isoformat),
                TIMES,
            )
        ),
        "data": data,
    }
    return draw(st.one_of(st.just(envelope), st.just(envelope), mutated(envelope)))


def json_bytes(value: Any) -> st.SearchStrategy[bytes]:
    """`value` serialised as JSON in one of the ways a sender might: ASCII-escaped, raw UTF-8
    (lone surrogates then make it invalid UTF-8), UTF-16, padded past the size limit, or with a raw
    token no serialiser writes (a 5,000-digit integer, NaN, 100,000 levels of nesting)."""
    text = json.dumps(value)
    return st.one_of(
        *[st.just(text.encode())] * 4,
        st.just(json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")),
        st.just(text.encode("utf-16")),
        st.just(b" " * (64 * 1024) + text.encode()),
        st.sampled_from(["1" * 5000, "NaN", "-Infinity", "[" * 100_000 + "]" * 100_000, '"\\udc00"', "1e999"]).map(
            lambda token: _inject(text, token)
        ),
    )


def _inject(text: str, token: str) -> bytes:
    """Put a raw JSON token where the first value of the document is (or make it the document)."""
    colon = text.find(": ")
    if colon < 0:
        return token.encode()
    end = text.find(",", colon)
    return (text[: colon + 2] + token + (text[end:] if end > 0 else "}")).encode()


ODD_TIMESTAMPS = ["²", "1e9", "-1", "99999999999999999999999", " 123", "١٢٣", "", "0", "12.5", "0x10"]


@st.composite
def platform_headers(draw: st.DrawFn, world: Any, body: bytes) -> dict[str, str]:
    """Mostly correctly signed; else unsigned, wrongly signed, stale, or with odd header values."""
    headers = world.platform_headers(body)
    how = draw(st.sampled_from(["signed"] * 10 + ["drop", "secret", "stale", "timestamp", "signature", "delivery"]))
    if how == "drop":
        del headers[draw(st.sampled_from(["X-Devplan-Timestamp", "X-Devplan-Signature", "X-Devplan-Delivery"]))]
    elif how == "secret":
        headers = world.platform_headers(body, secret="not-the-secret")
    elif how == "stale":
        skew = draw(st.sampled_from([301, -301, 10**6, -(10**6)]))
        headers["X-Devplan-Timestamp"] = str(int(headers["X-Devplan-Timestamp"]) + skew)
    elif how == "timestamp":
        headers["X-Devplan-Timestamp"] = draw(st.sampled_from(ODD_TIMESTAMPS))
    elif how == "signature":
        headers["X-Devplan-Signature"] = draw(st.sampled_from(["v1=", "v1=zz", "v0=" + "0" * 64, "v1=²", "x" * 300]))
    elif how == "delivery":
        headers["X-Devplan-Delivery"] = draw(st.sampled_from(["x" * 300, " ", "\x00", "ÿ"]))
    return headers


# --- Slack's requests ------------------------------------------------------------------------------


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
    action["value"] = draw(st.one_of(st.sampled_from(["anna|2025-Q2", "anna|2025-Q3", "bo|2025-Q2"]), odd_text()))
    action["action_ts"] = draw(
        st.one_of(
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
    user["profile"]["email"] = draw(st.one_of(st.just("erik@innerjourney.se"), EMAILS, odd_text()))
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


# --- Firestore documents and Pub/Sub messages ------------------------------------------------------

NEW_EMPLOYEE = {
    "name": "Nya Nilsson",
    "email": "nya@innerjourney.se",
    "role": "developer",
    "leadId": "bo",
    "startDate": "2025-04-14",
    "status": "active",
    "language": "sv",
    "onboardedAt": datetime(2025, 4, 8, 7, 0, tzinfo=UTC),
    "sourceEventId": "evt-nya",
    "onboarding": {"status": "pending"},
}
WELCOME = {
    "kind": "message",
    "users": ["U_ANNA"],
    "channel": None,
    "text": "Välkommen till Inner Journey, Anna!",
    "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Sätt 1–3 SMART-mål senast *21 januari*."}}],
    "topic": "welcome",
    "state": "pending",
    "attempts": 0,
    "createdAt": datetime(2025, 4, 8, 7, 0, tzinfo=UTC),
}
DOCUMENT_IDS = st.one_of(IDS, st.sampled_from([".", "..", "__x__", "a:b", "welcome:anna"]))


def employee_document() -> st.SearchStrategy[dict[str, Any]]:
    return mutated(NEW_EMPLOYEE, surrogates=False, firestore=True, most=4)


def outbox_document() -> st.SearchStrategy[dict[str, Any]]:
    return mutated(WELCOME, surrogates=False, firestore=True, most=4)


def tick_data() -> st.SearchStrategy[Any]:
    tick = st.fixed_dictionaries({}, optional={"asOf": DAYS, "force": st.booleans()})
    return st.one_of(tick, tick.flatmap(lambda t: mutated(t)))


def chunk_data() -> st.SearchStrategy[Any]:
    chunk = st.fixed_dictionaries(
        {
            "asOf": st.one_of(st.sampled_from(["2025-04-01", "2025-04-15", "2025-06-10", "2025-07-01"]), DAYS),
            "employeeIds": st.lists(st.one_of(st.sampled_from(["anna", "bo", "erik"]), IDS), max_size=4),
            "chunk": st.integers(0, 3),
        }
    )
    return st.one_of(chunk, chunk.flatmap(lambda c: mutated(c)))


def message_data(data: st.SearchStrategy[Any]) -> st.SearchStrategy[bytes | str]:
    """A Pub/Sub message's data: base64 of JSON (the strategy's), of odd JSON or of random bytes;
    or a text that is not base64 at all; or empty (a push always carries `data`)."""
    return st.one_of(
        data.flatmap(json_bytes),
        data.flatmap(json_bytes),
        st.binary(max_size=64),
        st.sampled_from(["not base64!", "%%%", "e30", "W10=", ""]),
    )
