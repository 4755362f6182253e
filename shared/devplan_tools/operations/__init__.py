"""`devplan stuck`, `devplan dead-letters list|show|replay|dismiss` and `devplan outbox retry|dismiss`:
what is stuck, and what to do.

Both read the running local stack (.devplan/local.json) or a real project (`--project P`, with
the caller's Google credentials). What replay does depends on where the letter came from:

  source            local stack                                  --project P
  Pub/Sub function  the stored CloudEvent POSTed to the function  the stored message (data and attributes)
                    on the local host, same id, fresh time        published again to the function's topic:
                                                                  a new message id, and every function on
                                                                  that topic gets it (each is idempotent)
  Firestore trigger the stored CloudEvent POSTed to the trigger   not possible: Eventarc cannot be asked to
                    route, same id, fresh time                    redeliver. Mend the document (its write
                                                                  fires the trigger again), then dismiss
  HTTP (platform,   the stored body signed again with the local   not possible: signing needs the secret.
  Slack)            secret and POSTed, same envelope id           Ask the platform to send the event again
                                                                  (same id); Slack: the person acts again
Every replay carries the letter's id (a CloudEvent extension or a Pub/Sub attribute): the function
marks the letter `replayed` only if it handled the event without a new dead letter, and a batch
item's letter (outbox-sweep:outbox/…, …:employees/…) only if the run handled that item; a replay
that fails again, or never got to the item (the sweep on a weekend, not in the catch-up's sample),
counts one more attempt and the letter stays open (`show` says why).

An outbox message that `failed` (Slack refused it for good: a channel gone, a user removed) is
sent again with `devplan outbox retry ID` once the cause is mended (pending again, its error
cleared: the daily sweep sends it on the next business day), or left failed with `devplan outbox
dismiss ID` (no longer stuck).

Exit codes: 0 done (stuck: nothing is stuck), 1 something is stuck / the replay failed again /
no such letter, 2 not possible here (no local stack, a replay that cannot be done for that source).
"""

from __future__ import annotations

from typing import Any

PROJECT_HELP = "a Google Cloud project (default: the running local stack)"


def add_commands(commands: Any) -> None:
    """Registered by cli.py: one module per command (stuck.py, dead_letters.py, outbox.py)."""
    from devplan_tools.operations import dead_letters, outbox, stuck

    stuck.add_command(commands)
    dead_letters.add_command(commands)
    outbox.add_command(commands)
