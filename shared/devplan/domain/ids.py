"""Ids the platform gives us, checked once: they become Firestore document ids."""

from __future__ import annotations

import re
from typing import Any

_ID = re.compile(r"^[A-Za-z0-9_.-]{1,128}$")


def is_valid_id(value: Any) -> bool:
    """An id the platform may use that is also a legal Firestore document id
    (no '/', not '.' or '..', not the reserved __name__ form)."""
    return (
        isinstance(value, str)
        and bool(_ID.match(value))
        and value not in (".", "..")
        and not (value.startswith("__") and value.endswith("__"))
    )
