"""The quarterly digest on the whole local stack: the Q2 opening's tick (no digest yet), the next
business day's → Bo's digest of Q1 in the outbox → the sender draws the chart and uploads it to
the Slack stand-in (getUploadURLExternal, the bytes, completeUploadExternal) once, also when the
day is ticked again and when the delivery is taken up again after a crash left it `sending` (the
sweep finds the file by its name)."""

from datetime import UTC, date, datetime, timedelta

import pytest
import requests
from google.cloud import firestore

from tests.conftest import wait_for
from tests.e2e.test_onboarding_flow import ANNA, BO, onboard_team

pytestmark = pytest.mark.e2e
OPENING = date(2025, 4, 1)
DIGEST_DAY = date(2025, 4, 2)  # the business day after the opening
DIGEST = "outbox/digest:bo:2025-Q1"


def uploads(stack) -> list[dict]:
    return [c for c in stack.stand_in.calls() if c["ok"] and c["method"] == "files.completeUploadExternal"]


def tick(stack, day, **extra):
    stack.tick(day, **extra)
    stack.wait_quiet(settle=1.0)


def test_the_lead_gets_the_digest_chart_once_even_when_delivered_twice(clean_stack):
    onboard_team(clean_stack, BO, ANNA)
    clean_stack.wait_quiet()
    workspace = clean_stack.stand_in.workspace
    earlier = set(workspace.files)  # the stand-in keeps files (like history) across the run's tests
    db = firestore.Client(project=clean_stack.project)

    def new_files() -> list[dict]:
        return [f for file_id, f in workspace.files.items() if file_id not in earlier]

    tick(clean_stack, OPENING)
    assert not uploads(clean_stack) and not db.document(DIGEST).get().exists  # not on the opening day
    tick(clean_stack, DIGEST_DAY)
    [upload] = wait_for(lambda: uploads(clean_stack), what="the digest's upload")
    dm = workspace.conversations[upload["args"]["channel_id"]]
    assert dm["kind"] == "im" and upload["channel_name"] == "DM Bo Joel Kvarnsmyr"
    assert upload["args"]["initial_comment"].startswith("Hej Bo! Så här gick Q1 2025 för ditt team:")
    assert "*Anna Lindqvist*: mål satta 0," in upload["args"]["initial_comment"]
    [file] = new_files()
    assert file["name"] == "digest-bo-2025-Q1.png" and file["shared"] == dm["id"]
    png = requests.get(f"{clean_stack.stand_in.url}/_stand-in/files/{file['id']}", timeout=10).content
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) == file["length"]
    assert db.document(DIGEST).get().to_dict()["slack"]["ts"] == file["id"]

    # The day again, forced: the chunk re-runs, the digest is not emitted or sent again.
    tick(clean_stack, DIGEST_DAY, force=True)
    assert len(uploads(clean_stack)) == 1
    # A crash after Slack shared the file, before `sent` was recorded: the document is left
    # `sending` under a lease long run out. The next day's sweep takes it up, finds the file in
    # the DM's history by its name and records it, without uploading a second one.
    long_ago = datetime.now(UTC) - timedelta(hours=2)
    claim = {"eventId": "crashed", "attempt": "a1", "at": long_ago, "until": long_ago + timedelta(minutes=2)}
    db.document(DIGEST).update({"state": "sending", "claim": claim, "createdAt": long_ago, "slack": None})
    tick(clean_stack, date(2025, 4, 3))
    wait_for(lambda: (db.document(DIGEST).get().to_dict() or {}).get("state") == "sent", what="the sweep")
    assert db.document(DIGEST).get().to_dict()["slack"]["ts"] == file["id"]
    assert len(uploads(clean_stack)) == 1 and len(new_files()) == 1
