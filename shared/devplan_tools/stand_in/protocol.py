"""What every part of the Slack stand-in shares: the workspace's fixed ids, Slack's error
shape and the conventions Slack uses for arguments (booleans, id lists, timestamps)."""

from __future__ import annotations

TEAM_ID, TEAM_NAME, TEAM_URL = "T0INNERJ", "Inner Journey", "https://innerjourney.slack.com/"
BOT_USER_ID, BOT_ID, APP_ID, BOT_NAME = "U0DEVPLAN", "B0DEVPLAN", "A0DEVPLAN", "devplan"
TZ = "Europe/Stockholm"


class SlackError(Exception):
    """A Slack Web API error; ``extra`` holds Slack's additional fields (errors, response_metadata)."""

    def __init__(self, error: str, **extra):
        super().__init__(error)
        self.error, self.extra = error, extra


def missing(field: str) -> SlackError:
    return SlackError("invalid_arguments", response_metadata={"messages": [f"[ERROR] missing required field: {field}"]})


def flag(value) -> bool:
    """Slack booleans: slack-sdk sends "1"/"0" in form bodies and true/false in JSON bodies."""
    return value is True or str(value).strip().lower() in ("1", "true")


def id_list(value) -> list[str]:
    """``users`` arrives as "U1,U2" (slack-sdk joins lists) or, in raw JSON calls, as a list."""
    items = value if isinstance(value, list) else str(value or "").split(",")
    return list(dict.fromkeys(str(i).strip() for i in items if str(i).strip()))


def ts_key(ts) -> int:
    """A ts as integer microseconds; floats would lose the last digits of "1700000000.000100"."""
    seconds, _, fraction = str(ts).partition(".")
    return int(seconds) * 1_000_000 + int((fraction + "000000")[:6])
