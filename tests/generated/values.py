"""Building blocks of the generated input: odd text, days and times, values of any JSON type,
mutations of a real payload, and the odd ways a payload is serialised. The input modules
(platform_inputs, slack_inputs, event_inputs) start from real payload shapes and use these."""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from hypothesis import strategies as st

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


IDS = st.one_of(
    st.sampled_from(["anna", "bo", "erik", "nya", "ny.person-2", "x_1"]),
    st.from_regex(r"[A-Za-z0-9_.-]{1,12}", fullmatch=True),
)
# Event ids are any line of text: these are what a document id cannot hold as they are ("/", ".",
# "..", the reserved "__…__") or what an escaping could confuse ("a/b" and "a_b", "%2F").
EVENT_IDS = st.one_of(
    st.uuids().map(str),
    st.text(min_size=1, max_size=20),
    st.sampled_from([".", "..", "__x__", "__", "/", "%", "a/b", "a_b", "a%2Fb", "%2E", "r/1/../2"]),
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
