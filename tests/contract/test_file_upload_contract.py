"""The sender's file upload (services/ports.Slack.upload_file / find_uploaded), against FakeSlack
and against SlackGateway on the stand-in: a file shared once is found again by its name."""

from __future__ import annotations

import time
import uuid

PNG = b"\x89PNG\r\n\x1a\n" + b"\x01" * 40


def test_a_shared_file_is_found_again_by_its_name(slack):
    gateway, add_user = slack
    channel = gateway.conversation_for((add_user(f"{uuid.uuid4().hex[:8]}@innerjourney.se", "Bo Kvarnsmyr"),))
    since = time.time() - 60
    assert gateway.find_uploaded(channel, "digest-bo-2025-Q2.png", oldest=since) is None
    file_id = gateway.upload_file(channel, "digest-bo-2025-Q2.png", PNG, "Teamets kvartal – Q2 2025", "Hej Bo!")
    assert file_id.startswith("F")
    assert gateway.find_uploaded(channel, "digest-bo-2025-Q2.png", oldest=since) == file_id
    assert gateway.find_uploaded(channel, "digest-bo-2025-Q3.png", oldest=since) is None
