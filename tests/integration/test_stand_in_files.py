"""Slack's external file upload on the stand-in, driven by an unmodified slack_sdk.WebClient:
the three steps, Slack's errors for each, and the bytes kept for a test to read back."""

from __future__ import annotations

import pytest
import requests
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from devplan_tools.stand_in import SlackStandIn

pytestmark = pytest.mark.integration

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 24


@pytest.fixture(scope="module")
def stand_in():
    with SlackStandIn(port=0) as s:
        yield s


@pytest.fixture()
def slack(stand_in):
    return WebClient(base_url=f"{stand_in.url}/api/", token=stand_in.bot_token)


@pytest.fixture()
def dm(stand_in, slack):
    user = stand_in.add_user("bo@innerjourney.se", "Bo Joel Kvarnsmyr")["user"]
    return slack.conversations_open(users=user["id"])["channel"]["id"]


def error_of(call) -> str:
    with pytest.raises(SlackApiError) as caught:
        call()
    return caught.value.response["error"]


def test_files_upload_v2_shares_the_bytes_in_the_conversation(stand_in, slack, dm):
    done = slack.files_upload_v2(
        filename="digest-bo-2025-Q2.png", content=PNG, title="Teamets kvartal", channel=dm, initial_comment="Hej Bo!"
    )
    [file] = done["files"]
    assert file["title"] == "Teamets kvartal"
    assert requests.get(f"{stand_in.url}/_stand-in/files/{file['id']}", timeout=5).content == PNG
    [message] = slack.conversations_history(channel=dm)["messages"][:1]
    assert message["text"] == "Hej Bo!"
    assert message["files"][0] == {
        "id": file["id"],
        "name": "digest-bo-2025-Q2.png",
        "title": "Teamets kvartal",
        "size": len(PNG),
        "mimetype": "image/png",
    }
    methods = [c["method"] for c in stand_in.calls() if c["method"] != "conversations.history"][-3:]
    assert methods == ["files.getUploadURLExternal", "upload", "files.completeUploadExternal"]


def test_an_upload_url_needs_a_name_and_a_length(slack):
    assert error_of(lambda: slack.files_getUploadURLExternal(filename="a.png", length=0)) == "missing_argument"
    assert error_of(lambda: slack.api_call("files.getUploadURLExternal", params={"filename": "a.png"})) == (
        "invalid_arguments"
    )
    assert error_of(lambda: slack.api_call("files.getUploadURLExternal", params={"length": 3})) == "invalid_arguments"
    bad = {"filename": "a.png", "length": "three"}
    assert error_of(lambda: slack.api_call("files.getUploadURLExternal", params=bad)) == "invalid_arguments"


def test_completing_an_unknown_or_never_uploaded_file_is_file_not_found_and_a_file_completes_once(stand_in, slack, dm):
    complete = slack.files_completeUploadExternal
    assert error_of(lambda: complete(files=[{"id": "F0NOSUCH", "title": "x"}], channel_id=dm)) == "file_not_found"
    started = slack.files_getUploadURLExternal(filename="a.png", length=len(PNG))
    file_id, url = started["file_id"], started["upload_url"]
    assert error_of(lambda: complete(files=[{"id": file_id, "title": "x"}], channel_id=dm)) == "file_not_found"
    # The declared length is what must arrive.
    assert requests.post(url, data=PNG[:-1], timeout=5).status_code == 400
    assert requests.post(url, data=PNG, timeout=5).status_code == 200
    assert complete(files=[{"id": file_id, "title": "x"}], channel_id=dm)["files"] == [{"id": file_id, "title": "x"}]
    assert error_of(lambda: complete(files=[{"id": file_id, "title": "x"}], channel_id=dm)) == "file_not_found"
    assert error_of(lambda: complete(files=[], channel_id=dm)) == "invalid_arguments"
    other = slack.files_getUploadURLExternal(filename="b.png", length=len(PNG))
    requests.post(other["upload_url"], data=PNG, timeout=5)
    assert error_of(lambda: complete(files=[{"id": other["file_id"]}], channel_id="C0NOSUCH")) == "channel_not_found"
    shared = [f["id"] for m in slack.conversations_history(channel=dm)["messages"] for f in m.get("files", [])]
    assert shared.count(file_id) == 1 and other["file_id"] not in shared
