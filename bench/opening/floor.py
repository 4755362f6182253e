"""The floor: the least time the same external work can take, against the same emulator and
stand-in: plain WriteBatch commits and plain concurrent chat.postMessage calls."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import requests
from google.cloud import firestore

from opening import BATCH_LIMIT, FLOOR_PROJECT, QUARTER


def floor_writes(writes: int) -> float:
    db = firestore.Client(project=FLOOR_PROJECT)
    doc = {
        "employeeId": "x",
        "quarter": QUARTER,
        "state": "pending",
        "text": "Dags för kvartalets 1:1 " * 8,
        "at": datetime.now(UTC),
    }
    started = time.monotonic()
    for start in range(0, writes, BATCH_LIMIT):
        batch = db.batch()
        for i in range(start, min(writes, start + BATCH_LIMIT)):
            batch.set(db.document(f"bench_floor/{i:06d}"), {**doc, "employeeId": f"e{i}"})
        batch.commit()
    return time.monotonic() - started


def floor_posts(stand_in, posts: int, user_id: str) -> float:
    url, headers = f"{stand_in.url}/api/", {"Authorization": f"Bearer {stand_in.bot_token}"}
    channel = requests.post(url + "conversations.open", json={"users": user_id}, headers=headers, timeout=10).json()[
        "channel"
    ]["id"]
    local = threading.local()

    def post(i: int) -> None:
        if not hasattr(local, "session"):
            local.session = requests.Session()
        session = local.session
        answer = session.post(
            url + "chat.postMessage",
            headers=headers,
            timeout=30,
            json={"channel": channel, "text": f"Floor post {i}: dags för kvartalets 1:1"},
        )
        if not answer.json().get("ok"):
            raise RuntimeError(answer.text)

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(post, range(posts)))
    return time.monotonic() - started
