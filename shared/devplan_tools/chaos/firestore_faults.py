"""Transient Firestore errors injected at the client, inside the function host process only.

    DEVPLAN_CHAOS_FIRESTORE="rate=0.03,seed=7"

With probability `rate` a read (DocumentReference.get, Client.get_all, Query.stream, which
Query.get, CollectionReference.get/stream and Transaction.get(query) go through), a write commit
(WriteBatch.commit, which set() and update() go through) or a DocumentReference.delete raises
UNAVAILABLE before it reaches the emulator, and a transaction's commit raises ABORTED (contention: the client runs the
transaction's work again, up to its max attempts). Nothing is half-written: a fault fires
before the call. Counts are served by the host's /_host/status as `firestoreFaults`.
"""

from __future__ import annotations

import functools
import logging
import os
import random
import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

ENV = "DEVPLAN_CHAOS_FIRESTORE"
log = logging.getLogger("devplan_tools.chaos.firestore")
injected: Counter[str] = Counter()


def parse(spec: str) -> tuple[float, int]:
    values = dict(part.split("=", 1) for part in spec.split(",") if "=" in part)
    return float(values.get("rate", "0.03")), int(values.get("seed", "0"))


def install_from_env() -> bool:
    spec = os.environ.get(ENV)
    if not spec:
        return False
    install(*parse(spec))
    return True


def install(rate: float, seed: int) -> None:
    from google.api_core import exceptions
    from google.cloud.firestore_v1 import batch, client, document, query, transaction

    from devplan_tools.local import function_host

    rng, lock = random.Random(seed), threading.Lock()

    def faulty(owner: Any, name: str, error: type[Exception], *, ends_transaction: bool = False) -> None:
        original: Callable[..., Any] = getattr(owner, name)

        @functools.wraps(original)
        def call(*args: Any, **kwargs: Any) -> Any:
            with lock:
                fire = rng.random() < rate
            if fire:
                kind = f"{owner.__name__}.{name}:{error.__name__}"
                injected[kind] += 1
                log.warning("injected Firestore fault %s", kind, extra={"fault": kind})
                if ends_transaction:  # as the server does when it aborts one: its locks are let go
                    args[0]._rollback()
                raise error(f"injected by the chaos harness ({kind})")
            return original(*args, **kwargs)

        setattr(owner, name, call)

    faulty(document.DocumentReference, "get", exceptions.ServiceUnavailable)
    faulty(client.Client, "get_all", exceptions.ServiceUnavailable)
    faulty(query.Query, "stream", exceptions.ServiceUnavailable)
    faulty(document.DocumentReference, "delete", exceptions.ServiceUnavailable)
    faulty(batch.WriteBatch, "commit", exceptions.ServiceUnavailable)
    faulty(transaction.Transaction, "_commit", exceptions.Aborted, ends_transaction=True)
    function_host.STATUS_SOURCES.append(lambda: {"firestoreFaults": dict(injected)})
    log.info("Firestore faults injected at rate %.3f (seed %d)", rate, seed, extra={"rate": rate, "seed": seed})
