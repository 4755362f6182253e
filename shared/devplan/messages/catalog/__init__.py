"""The message catalog: Swedish first, English second. Pure lookups, no I/O after first load."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

LANGUAGES = ("sv", "en")
DEFAULT_LANGUAGE = "sv"


@cache
def _catalog(language: str) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((Path(__file__).parent / f"{language}.yaml").read_text(encoding="utf-8"))
    return loaded


def entry(language: str, key: str) -> Any:
    """The raw catalog entry at a dotted key ("welcome.plan"), falling back to Swedish."""
    for lang in (language if language in LANGUAGES else DEFAULT_LANGUAGE, DEFAULT_LANGUAGE):
        node: Any = _catalog(lang)
        for part in key.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        if node is not None:
            return node
    raise KeyError(f"no catalog entry {key!r}")


def text(language: str, key: str, **fields: Any) -> str:
    return str(entry(language, key)).format(**fields)


def format_sek(language: str, amount: int) -> str:
    """5 000 kr (Swedish groups thousands with a non-breaking space) / 5,000 SEK."""
    if language == "en":
        return f"{amount:,} SEK"
    return f"{amount:,}".replace(",", "\u00a0") + "\u00a0kr"


def role_name(language: str, role: str) -> str:
    return text(language, f"role.{role}")
