"""What the plan accepts from outside, in one place: values every later step can hold.

Input is checked against these at the edge (the decoders and the domain's parsers), so a
value that passed can be stored in Firestore (a document holds at most 1 MiB of UTF-8 and
cannot hold a lone surrogate), shown in Slack (40,000 characters of message text, 3,000 per
section) and counted in Swedish business days (date arithmetic ends at year 9999; the
holiday tables are meant for years near today). infra/webhook.openapi.yaml declares the same
numbers; tests/unit/test_edge_contract.py checks that the two agree.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

# Ids become Firestore document ids (employees/{id}, cycles/{id}:{quarter}, outbox ids).
MAX_ID_LENGTH = 128
# An event id becomes part of a ledger document id (processedEvents/platform:{id}; ≤ 1,500 bytes).
MAX_EVENT_ID_LENGTH = 256
MAX_NAME_LENGTH = 200  # a person's name: shown in headers (150 characters) and sections
MAX_EMAIL_LENGTH = 254  # RFC 5321's path limit
MAX_TITLE_LENGTH = 300  # a goal's title: three of them and the agenda fit one section
MAX_MEASURE_LENGTH = 1000
MAX_GOAL_IDS = 20  # goals a reflection may name
MAX_REFLECTION_LENGTH = 3000  # each part of a reflection: shown to a lead in one Slack section
MAX_CHUNK_IDS = 100  # employees per tick chunk (the fan-out sends 25)
MAX_SLACK_ID_LENGTH = 64  # Slack user ids (U0123ABCD, W…) are short
MAX_SLACK_TEXT_LENGTH = 40_000  # Slack truncates longer message text
MAX_SLACK_BLOCKS = 50  # Block Kit: blocks per message

# Request bodies: the platform's events and Slack's requests are a few KiB.
WEBHOOK_MAX_BODY_BYTES = 64 * 1024
SLACK_MAX_BODY_BYTES = 128 * 1024  # a block_actions payload carries the message it came from
MAX_JSON_DEPTH = 32  # the deepest document we read is 4 levels; deeper is not ours

# The days the plan reasons about (start dates, due dates, reflections, ticks, clicks).
FIRST_SUPPORTED_DAY = date(2000, 1, 1)
LAST_SUPPORTED_DAY = date(2100, 12, 31)

# Control characters (a newline and a tab are allowed in free text) and lone surrogates, which
# UTF-8 (Firestore, Slack) cannot carry.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_CONTROL_OR_NEWLINE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def is_text(value: Any, max_length: int, *, multiline: bool = False) -> bool:
    """Non-blank text of at most `max_length` characters that UTF-8 can carry, without
    control characters (a newline and a tab only where `multiline`)."""
    if not isinstance(value, str) or not value.strip() or len(value) > max_length:
        return False
    return not (_CONTROL if multiline else _CONTROL_OR_NEWLINE).search(value)


def is_encodable(value: str) -> bool:
    """True when UTF-8 can carry the text (no lone surrogate): what Firestore and Slack need."""
    return not re.search(r"[\ud800-\udfff]", value)


def is_supported_day(day: date) -> bool:
    return FIRST_SUPPORTED_DAY <= day <= LAST_SUPPORTED_DAY


def is_supported_moment(moment: datetime) -> bool:
    """An aware time whose day, where it was written (within a day of Stockholm's), is supported.
    (Its own day, not UTC's: converting year 1 or 9999 to another zone can overflow.)"""
    return moment.tzinfo is not None and moment.utcoffset() is not None and is_supported_day(moment.date())


def parse_day(value: Any) -> date | None:
    """A supported day written exactly YYYY-MM-DD, else None. (date.fromisoformat alone also
    takes '20250107' and '2025-W02-2', and years the calendar cannot count in.)"""
    if not isinstance(value, str) or not _ISO_DAY.fullmatch(value):
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None
    return day if is_supported_day(day) else None
