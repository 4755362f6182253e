"""Functions for the host's own test (loaded by functions-framework from this path): each
fails as many times as its message's `fail` attribute says, counting attempts per message `key`,
or refuses the message (a 400, as an entry point does with what it cannot use) when `refuse` is set."""

import functions_framework
from werkzeug.exceptions import BadRequest

from tests.integration import flaky_attempts


@functions_framework.cloud_event
def flaky(event):
    attributes = event.data["message"]["attributes"]
    attempts = flaky_attempts.seen(attributes["key"])
    if attributes.get("refuse"):
        raise BadRequest("refused on purpose")
    if attempts <= int(attributes.get("fail", "0")):
        raise RuntimeError(f"failing on purpose (attempt {attempts})")
