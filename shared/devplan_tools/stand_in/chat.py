"""chat.*: posting, updating and ephemeral messages, validated the way Slack validates them."""

from __future__ import annotations

import time

from devplan_tools.stand_in.protocol import APP_ID, BOT_ID, BOT_NAME, BOT_USER_ID, TEAM_ID, SlackError
from devplan_tools.stand_in.state import WorkspaceState

MAX_BLOCKS, MAX_TEXT = 50, 40_000


class Chat(WorkspaceState):
    """Part of Workspace (see workspace.py): appends to `history`, keeps `_last_ts`."""

    METHODS: tuple[str, ...] = ("chat.postMessage", "chat.update", "chat.postEphemeral")

    def next_ts(self) -> str:
        """Slack ts: epoch seconds with 6 decimals, unique and strictly increasing."""
        self._last_ts = max(int(time.time() * 1_000_000), self._last_ts + 1)
        return f"{self._last_ts // 1_000_000}.{self._last_ts % 1_000_000:06d}"

    @staticmethod
    def _content(args: dict, *, creating: bool = True) -> dict:
        """Validate text/blocks/attachments/metadata the way chat.* does; returns the fields given."""
        names = ("text", "blocks", "attachments", "metadata") + (("thread_ts",) if creating else ())
        fields = {k: args[k] for k in names if k in args}
        blocks = fields.get("blocks")
        if isinstance(blocks, str):  # still a string: it was not valid JSON
            raise SlackError("invalid_blocks_format")
        if blocks is not None:
            if not isinstance(blocks, list) or not all(isinstance(b, dict) and "type" in b for b in blocks):
                raise SlackError("invalid_blocks", errors=["invalid_blocks [json-pointer:/blocks]"])
            if len(blocks) > MAX_BLOCKS:
                why = f"must provide an array of no more than {MAX_BLOCKS} items [json-pointer:/blocks]"
                raise SlackError("invalid_blocks", errors=[why], response_metadata={"messages": [f"[ERROR] {why}"]})
        if creating and not (fields.get("text") or blocks or fields.get("attachments")):
            raise SlackError("no_text")
        if len(str(fields.get("text") or "")) > MAX_TEXT:
            raise SlackError("msg_too_long")
        meta = fields.get("metadata")
        if isinstance(meta, str):
            raise SlackError("invalid_metadata_format")
        if meta is not None:
            if not (
                isinstance(meta, dict)
                and isinstance(meta.get("event_type"), str)
                and isinstance(meta.get("event_payload"), dict)
            ):
                raise SlackError("invalid_metadata_schema")
            fields["metadata"] = {"event_type": meta["event_type"], "event_payload": meta["event_payload"]}
        return fields

    @staticmethod
    def _shown(message: dict, *, with_metadata: bool = True) -> dict:
        """Slack only returns message metadata from history when include_all_metadata is set."""
        return {k: v for k, v in message.items() if with_metadata or k != "metadata"}

    def _post(self, conv: dict, fields: dict) -> dict:
        ts = self.next_ts()
        message = {
            "type": "message",
            "text": fields.get("text", ""),
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "app_id": APP_ID,
            "team": TEAM_ID,
            "ts": ts,
            **{k: v for k, v in fields.items() if k != "text"},
            "bot_profile": {
                "id": BOT_ID,
                "app_id": APP_ID,
                "name": BOT_NAME,
                "team_id": TEAM_ID,
                "deleted": False,
                "icons": {},
            },
        }
        self.history[conv["id"]].append(message)
        conv["is_open"] = True
        return message

    def chat_postMessage(self, args):
        conv = self.conversation(args.get("channel"), lenient=True)
        message = self._post(conv, self._content(args))
        return {"ok": True, "channel": conv["id"], "ts": message["ts"], "message": self._shown(message)}

    def chat_update(self, args):
        conv = self.conversation(args.get("channel"))
        message = next((m for m in self.history[conv["id"]] if m["ts"] == args.get("ts")), None)
        if message is None:
            raise SlackError("message_not_found")
        fields = self._content(args, creating=False)
        if not (fields.get("text") or fields.get("blocks") or fields.get("attachments")):
            raise SlackError("no_text")
        message.update(fields, edited={"user": BOT_USER_ID, "ts": self.next_ts()})
        return {
            "ok": True,
            "channel": conv["id"],
            "ts": message["ts"],
            "text": message["text"],
            "message": self._shown(message),
        }

    def chat_postEphemeral(self, args):
        conv = self.conversation(args.get("channel"), lenient=True)
        self.user(args.get("user"))
        if args["user"] not in conv["members"]:
            raise SlackError("user_not_in_channel")
        self._content(args)
        return {"ok": True, "message_ts": self.next_ts()}  # ephemeral: never in history
