"""Operations on the whole local stack: a record written by someone else makes an onboarding fail
for good; it is dead-lettered, `devplan stuck` shows it, and `devplan dead-letters replay` finishes
the onboarding once the record is mended."""

import json

import pytest
from google.cloud import firestore
from google.cloud.firestore import FieldFilter

from devplan_tools import cli
from devplan_tools.local import platform_client
from tests.conftest import wait_for
from tests.e2e.test_onboarding_flow import send_signed, welcome_of
from tests.people import ANNA, BO

pytestmark = pytest.mark.e2e


@pytest.fixture
def devplan(clean_stack, tmp_path, monkeypatch, capsys):
    """The `devplan` CLI in-process, pointed at the test stack by its .devplan/local.json."""
    (tmp_path / ".devplan").mkdir()
    (tmp_path / ".devplan" / "local.json").write_text(json.dumps(clean_stack.info()))
    monkeypatch.chdir(tmp_path)

    def run(*argv: str) -> tuple[int, str]:
        capsys.readouterr()
        code = cli.main(list(argv))
        return code, capsys.readouterr().out

    return run


def letters_about(stack, subject: str) -> list[dict]:
    query = firestore.Client(project=stack.project).collection("deadLetters")
    return [d.to_dict() for d in query.where(filter=FieldFilter("subject", "==", subject)).stream()]


def test_a_bad_lead_record_is_dead_lettered_shown_and_replayed_once_mended(clean_stack, devplan):
    stack, db = clean_stack, firestore.Client(project=clean_stack.project)
    for person in (ANNA, BO):
        stack.stand_in.add_user(person["email"], person["name"])
    db.document("employees/bo").set({"name": BO["name"], "startDate": "someday"})  # by hand, not by us
    assert send_signed(stack, platform_client.envelope("employee.onboarded", ANNA, event_id="evt-anna")).ok
    (anna,) = wait_for(lambda: letters_about(stack, "documents/employees/anna"), what="anna's dead letter")
    (bo,) = wait_for(lambda: letters_about(stack, "documents/employees/bo"), what="bo's dead letter")
    stack.wait_quiet()
    assert anna["function"] == "employee-written" and "employees/bo" in anna["error"]["message"]
    assert welcome_of(stack, "Anna Lindqvist") == []

    code, out = devplan("stuck")
    assert code == 1 and anna["id"] in out and bo["id"] in out and "UnusableRecord" in out

    code, out = devplan("dead-letters", "replay", anna["id"])  # not mended yet: fails again, stays open
    assert code == 1 and "failed again" in out
    assert db.document("employees/anna").get().to_dict()["onboarding"]["status"] == "pending"

    mended = {k: v for k, v in BO.items() if k != "employeeId"}
    db.document("employees/bo").set({**mended, "leadId": None, "status": "active", "onboarding": {"status": "pending"}})
    code, out = devplan("dead-letters", "replay", anna["id"])
    assert code == 0 and "replayed" in out, out
    wait_for(lambda: welcome_of(stack, "Anna Lindqvist"), what="Anna's welcome")
    stack.wait_quiet(settle=1.0)
    assert len(welcome_of(stack, "Anna Lindqvist")) == 1
    assert db.document("employees/anna").get().to_dict()["onboarding"]["status"] == "welcomed"

    # Bo's own letter carries the record as it was: mending it fired the trigger anew; nothing to replay.
    assert devplan("dead-letters", "dismiss", bo["id"])[0] == 0
    code, out = devplan("dead-letters", "list", "--all")
    assert code == 0 and "[replayed" in out and "[dismissed" in out
    code, out = devplan("stuck")
    assert (code, out.strip().splitlines()[-1]) == (0, "Nothing is stuck."), out


def test_a_failed_message_is_dismissed_then_retried_and_the_sweep_sends_it(clean_stack, devplan):
    from datetime import UTC, datetime, timedelta

    from tests.conftest import posts

    stack, db = clean_stack, firestore.Client(project=clean_stack.project)
    user = stack.stand_in.add_user("outbox.retry@innerjourney.se", "Outbox Retry")["user"]["id"]
    now = datetime.now(UTC)
    message = db.document("outbox/note:retry")
    message.set(
        {
            "kind": "message",
            "users": [user],
            "channel": None,
            "text": "Hej igen",
            "blocks": [],
            "topic": "welcome",
            "attempts": 1,
            "createdAt": now - timedelta(hours=2),
            "state": "failed",  # as the sender leaves a message Slack refused for good
            "error": "slack chat.postMessage: user_not_found",
            "failedAt": now - timedelta(hours=2),
        }
    )
    stack.wait_quiet()
    code, out = devplan("stuck")
    assert code == 1 and "note:retry  [failed" in out and "devplan outbox retry ID" in out

    assert devplan("outbox", "dismiss", "note:retry")[0] == 0
    assert message.get().to_dict()["state"] == "failed"
    assert devplan("stuck")[0] == 0

    code, out = devplan("outbox", "retry", "note:retry")
    assert code == 0 and "pending again" in out
    assert devplan("tick", "--as-of", "2025-04-01")[0] == 0  # a business day: the sweep runs
    wait_for(lambda: message.get().to_dict()["state"] == "sent", what="the retried message sent by the sweep")
    stack.wait_quiet(settle=1.0)
    assert [p["text"] for p in posts(stack, channel_name="DM Outbox Retry")] == ["Hej igen"]
    assert devplan("stuck")[0] == 0
