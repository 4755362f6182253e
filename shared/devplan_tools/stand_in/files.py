"""files.*: Slack's external upload, the flow that replaced files.upload.

    files.getUploadURLExternal(filename, length) → {upload_url, file_id}
    POST the bytes to upload_url                  → HTTP 200 "OK - {length}"
    files.completeUploadExternal(files=[{id, title}], channel_id, initial_comment)
                                                  → {files: [{id, title}]}, shared in the channel

Validated as Slack does: filename and a whole-number length are required (a length of 0 is
`missing_argument`); completing needs a file id that was handed out (`file_not_found` otherwise)
whose bytes arrived (until then Slack has nothing to share: `file_not_found` too), and a file is
completed once only. The bytes are kept, so tests and the demo can read the file back
(GET /_stand-in/files/{id}). Sharing adds a message with the file to the channel's history, as
Slack does: that is where a retry looks for a file that got through (adapters/slack.find_uploaded).
"""

from __future__ import annotations

import contextlib
import json

from devplan_tools.stand_in.protocol import SlackError
from devplan_tools.stand_in.state import WorkspaceState

UPLOAD_PATH = "/upload/v1/"  # as files.slack.com's: the stand-in serves it at {url}/upload/v1/{file_id}


class Files(WorkspaceState):
    """Part of Workspace (see workspace.py): keeps `files` (file id → file, with its bytes)."""

    METHODS: tuple[str, ...] = ("files.getUploadURLExternal", "files.completeUploadExternal")

    def files_getUploadURLExternal(self, args):
        filename, length = args.get("filename"), args.get("length")
        if not isinstance(filename, str) or not filename.strip():
            raise SlackError("invalid_arguments")
        with contextlib.suppress(TypeError, ValueError):
            length = int(length) if not isinstance(length, bool) else None
        if not isinstance(length, int) or length < 0:
            raise SlackError("invalid_arguments")
        if length == 0:
            raise SlackError("missing_argument")
        file_id = f"F{len(self.files) + 1:010d}"
        self.files[file_id] = {"id": file_id, "name": filename, "length": length, "content": None, "shared": None}
        return {"ok": True, "upload_url": self.upload_url_base + UPLOAD_PATH + file_id, "file_id": file_id}

    def receive_upload(self, file_id: str, content: bytes) -> tuple[int, str]:
        """The upload URL: (HTTP status, body). The declared length must match what arrives."""
        file = self.files.get(file_id)
        if file is None or file["shared"] is not None:
            return 404, "Not Found"
        if len(content) != file["length"]:
            return 400, f"Bad Request - length {len(content)} is not the declared {file['length']}"
        file["content"] = content
        return 200, f"OK - {len(content)}"

    def files_completeUploadExternal(self, args):
        listed = args.get("files")
        if isinstance(listed, str):
            with contextlib.suppress(ValueError):
                listed = json.loads(listed)
        if not isinstance(listed, list) or not listed or not all(isinstance(f, dict) and "id" in f for f in listed):
            raise SlackError("invalid_arguments")
        found = [self.files.get(str(f["id"])) for f in listed]
        if any(f is None or f["content"] is None or f["shared"] is not None for f in found):
            raise SlackError("file_not_found")
        conv = self.conversation(args["channel_id"]) if args.get("channel_id") else None
        done = []
        for file, asked in zip(found, listed, strict=True):
            assert file is not None  # checked above
            file["title"] = asked.get("title") or file["name"]
            file["shared"] = conv["id"] if conv else "private"
            done.append({"id": file["id"], "title": file["title"]})
        if conv is not None:
            shown = [
                {"id": f["id"], "name": f["name"], "title": f["title"], "size": f["length"], "mimetype": _mimetype(f)}
                for f in found
                if f is not None
            ]
            self._post(conv, {"text": str(args.get("initial_comment") or ""), "files": shown, "upload": True})
        return {"ok": True, "files": done}


def _mimetype(file: dict) -> str:
    return "image/png" if file["name"].lower().endswith(".png") else "application/octet-stream"
