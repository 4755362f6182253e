"""Attempts per message key, shared by the flaky functions and the test that reads them."""

import threading
import time
from collections import defaultdict

_lock = threading.Lock()
attempts: dict[str, list[float]] = defaultdict(list)  # message key -> monotonic time of each attempt


def seen(key: str) -> int:
    with _lock:
        attempts[key].append(time.monotonic())
        return len(attempts[key])
