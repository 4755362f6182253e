"""Ids the platform and Slack give us, checked once: they become Firestore document ids."""

from __future__ import annotations

import re
from typing import Any

from devplan.domain.limits import MAX_ID_LENGTH, MAX_SLACK_ID_LENGTH

_ID = re.compile(r"[A-Za-z0-9_.-]+")
# Slack's user ids are capital letters and digits (U0123ABCD, W…); the stand-in and the test
# fakes add '_' and '-' (U_ANNA). Nothing else: the id is stored and queried by.
_SLACK_ID = re.compile(r"[A-Za-z0-9_-]+")


def is_valid_id(value: Any) -> bool:
    """An id the platform may use that is also a legal Firestore document id
    (no '/', not '.' or '..', not the reserved __name__ form). ASCII only: `fullmatch`, since
    `$` would let a trailing newline through."""
    return (
        isinstance(value, str)
        and 1 <= len(value) <= MAX_ID_LENGTH
        and bool(_ID.fullmatch(value))
        and value not in (".", "..")
        and not (value.startswith("__") and value.endswith("__"))
    )


def is_slack_id(value: Any) -> bool:
    """A Slack user id as Slack writes them; what we store and look people up by."""
    return isinstance(value, str) and len(value) <= MAX_SLACK_ID_LENGTH and bool(_SLACK_ID.fullmatch(value))
