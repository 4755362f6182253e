"""Firestore's failures that are not about the data stay retryable: a transaction that lost to
others (ABORTED, however the client wraps it), an expired transaction, a missing index."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from google.api_core import exceptions as google
from google.auth.credentials import AnonymousCredentials
from google.cloud import firestore

from devplan.adapters.firestore.documents import Contention, FirestoreDocuments
from devplan.errors import failure_of

EXPIRED = "The referenced transaction has expired or is no longer valid."


@pytest.mark.parametrize(
    "error, failure",
    [
        (google.InvalidArgument(EXPIRED), "transient"),
        (google.InvalidArgument("Invalid transaction."), "transient"),
        (
            google.FailedPrecondition(
                "The query requires an index. You can create it here: https://console.firebase.google.com/…"
            ),
            "transient",
        ),
        (
            google.FailedPrecondition(
                "The query requires an index. That index is currently building and cannot be used yet."
            ),
            "transient",
        ),
        (google.InvalidArgument("Transaction too big. Decrease transaction size."), "permanent"),
        (google.InvalidArgument("Document id '__x__' is reserved"), "permanent"),
        (google.FailedPrecondition("the stored version does not match the required base version"), "permanent"),
    ],
)
def test_what_firestore_refuses_is_permanent_unless_it_is_about_a_transaction_or_an_index(error, failure):
    assert failure_of(error) == failure


class FirestoreApi:
    """The RPCs a transaction makes, answering as told: the real client's transaction code runs
    over it (its one attempt, its wrapping of an aborted commit, its rollback after a failure)."""

    def __init__(self, *, commit: Exception | None = None, rollback: Exception | None = None):
        self._commit, self._rollback = commit, rollback
        self.calls: list[str] = []

    def begin_transaction(self, request: Any, metadata: Any) -> Any:
        self.calls.append("begin")
        return SimpleNamespace(transaction=b"tx-1")

    def commit(self, request: Any, metadata: Any) -> Any:
        self.calls.append("commit")
        if self._commit:
            raise self._commit
        return SimpleNamespace(write_results=[], commit_time=None)

    def rollback(self, request: Any, metadata: Any) -> None:
        self.calls.append("rollback")
        if self._rollback:
            raise self._rollback


def documents_over(api: FirestoreApi) -> FirestoreDocuments:
    db = firestore.Client(project="p", credentials=AnonymousCredentials())
    db._firestore_api_internal = api
    return FirestoreDocuments(db)


def lost(exc: Exception):
    def work(tx: Any) -> None:
        raise exc

    return work


@pytest.mark.parametrize(
    "api, work",
    [
        (FirestoreApi(commit=google.Aborted("contention")), lambda tx: None),  # commit lost, rolled back
        # commit lost, and the rollback failed too: its error replaced the Aborted
        (FirestoreApi(commit=google.Aborted("contention"), rollback=google.InvalidArgument(EXPIRED)), lambda tx: None),
        (FirestoreApi(rollback=google.InvalidArgument(EXPIRED)), lost(google.Aborted("read lost"))),
        (FirestoreApi(rollback=google.ServiceUnavailable("x")), lost(google.Aborted("read lost"))),
    ],
)
def test_a_transaction_that_lost_to_others_is_contention_however_the_client_wraps_it(api, work):
    with pytest.raises(Contention):
        documents_over(api).run_in_transaction(work)
    assert api.calls[0] == "begin" and "rollback" in api.calls


def test_other_failures_of_a_transaction_pass_through_as_they_are():
    api = FirestoreApi(commit=google.InvalidArgument("Transaction too big. Decrease transaction size."))
    with pytest.raises(google.InvalidArgument):
        documents_over(api).run_in_transaction(lambda tx: None)
    with pytest.raises(KeyError):
        documents_over(FirestoreApi()).run_in_transaction(lost(KeyError("email")))
    assert documents_over(FirestoreApi()).run_in_transaction(lambda tx: "done") == "done"
