"""Slack's external file upload (files.upload is retired), as slack-sdk's files_upload_v2 makes
it, but each of its three calls paced and started within the budget on its own: as one call,
the three together could outlast the invocation's budget by up to three HTTP time-outs."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.web import SlackResponse

from devplan.adapters.slack_client import guarded, left_for_calls
from devplan.errors import TransientError

log = logging.getLogger(__name__)
UPLOAD = "files.upload_url"  # step 2 of an upload: bytes to the URL Slack gave, no Web API method
Paced = Callable[[str, str | None, Callable[[], SlackResponse]], dict[str, Any]]


def upload_external(
    client: WebClient, paced: Paced, conversation: str, filename: str, content: bytes, title: str, comment: str
) -> str:
    """The file's id once it is shared in `conversation` (a conversation id, not a user's)."""
    where = paced(
        "files.getUploadURLExternal",
        None,
        lambda: client.files_getUploadURLExternal(filename=filename, length=len(content)),
    )

    def send_bytes() -> None:
        sent = client._upload_file(  # slack-sdk's own step 2 of files_upload_v2
            url=where["upload_url"],
            data=content,
            logger=log,
            timeout=client.timeout,
            proxy=client.proxy,
            ssl=client.ssl,
        )
        if sent.status != 200:
            raise TransientError(f"HTTP {sent.status}")

    left_for_calls(UPLOAD)  # no tier paces it (not a Web API method): only the budget's check
    guarded(UPLOAD, send_bytes)
    response = paced(
        "files.completeUploadExternal",
        None,
        lambda: client.files_completeUploadExternal(
            files=[{"id": where["file_id"], "title": title}], channel_id=conversation, initial_comment=comment
        ),
    )
    return str(response["files"][0]["id"])
