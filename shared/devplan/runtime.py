"""Composition root: settings from the environment and clients built lazily, once per instance.

Nothing here touches the network at import (DESIGN §5.4); tests call `reset()` after
changing the environment.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any, cast

from devplan import logs
from devplan.domain.advancement import DEFAULT_MONTHS, DEFAULT_SESSIONS, Criteria

if TYPE_CHECKING:
    from devplan.adapters.firestore.dead_letters import DeadLetterStore
    from devplan.adapters.firestore.store import Store
    from devplan.services.ports import PersonalRecords, Publisher, Slack


@dataclass(frozen=True)
class Settings:
    project: str
    platform_secret: str
    slack_signing_secret: str
    slack_bot_token: str
    slack_api_url: str
    max_event_age_seconds: int
    firestore_database: str = "(default)"
    senior_coach: Criteria = Criteria()  # "se separata kriterier": months of tenure and sessions
    funding_grants_for_larger: int = 1  # grants before the lead is asked about larger programmes

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        return cls(
            project=env.get("GOOGLE_CLOUD_PROJECT") or env.get("GCLOUD_PROJECT") or "devplan-local",
            platform_secret=env.get("DEVPLAN_PLATFORM_SECRET", ""),
            slack_signing_secret=env.get("SLACK_SIGNING_SECRET", ""),
            slack_bot_token=env.get("SLACK_BOT_TOKEN", ""),
            slack_api_url=env.get("SLACK_API_URL", "https://slack.com/api/"),
            # Older events are dropped: production retries for 24 h; a day-old Slack
            # message or reaction helps nobody, the next daily tick catches up instead.
            max_event_age_seconds=int(env.get("DEVPLAN_MAX_EVENT_AGE_SECONDS", "3600")),
            # The database Terraform owns and the triggers watch (switched after a restore: README).
            firestore_database=env.get("DEVPLAN_FIRESTORE_DATABASE") or "(default)",
            senior_coach=Criteria(  # at least 1 each: 0 would make every coach a Senior Coach at once
                months=max(1, int(env.get("DEVPLAN_SENIOR_COACH_MONTHS") or DEFAULT_MONTHS)),
                sessions=max(1, int(env.get("DEVPLAN_SENIOR_COACH_SESSIONS") or DEFAULT_SESSIONS)),
            ),
            funding_grants_for_larger=int(env.get("DEVPLAN_FUNDING_GRANTS_FOR_LARGER") or "1"),
        )


# What an entry point needs is imported at its first use, not at module level, to keep cold starts
# short (bench/cold_start.py). Requests arriving together (the local host's threads, an instance
# answering several at once) import one at a time: a package with circular imports, imported from
# two threads at once, can hand one of them a half-initialised module. functions/main.py imports
# under it too.
loading = threading.RLock()


def now() -> datetime:
    return datetime.now(UTC)


@lru_cache(maxsize=1)
def settings() -> Settings:
    with loading:
        from devplan.services import senior_coach

    logs.configure()
    found = Settings.from_env()
    senior_coach.configure(found.senior_coach)  # the services take the thresholds from here
    return found


@lru_cache(maxsize=1)
def store() -> Store:
    with loading:
        from google.cloud import firestore

        from devplan.adapters.firestore.documents import FirestoreDocuments
        from devplan.adapters.firestore.store import Store as RecordStore

        s = settings()
        client = firestore.Client(project=s.project, database=s.firestore_database)
        return RecordStore(FirestoreDocuments(client), clock=now)


def dead_letters() -> DeadLetterStore:
    """Beside the store, over the same documents (one client; the in-memory twin when tests swap the store)."""
    with loading:
        from devplan.adapters.firestore.dead_letters import DeadLetterStore

    return DeadLetterStore(store().documents, clock=now)


def personal_records() -> PersonalRecords:
    """A person's documents for export and erasure (services/privacy.py), over the store's documents."""
    return store().personal_records()


@lru_cache(maxsize=1)
def slack() -> Slack:
    with loading:
        from devplan.adapters.slack import SlackGateway, web_client

        s = settings()
        return SlackGateway(web_client(s.slack_api_url, s.slack_bot_token))


class _SlackOnDemand:
    """The Slack port, built at its first use. Most clicks and commands answer from Firestore
    alone, and slack-sdk costs about 0.1 CPU-second to import: a cold instance answering Slack
    within its 3 s must not pay for it unless the route calls Slack (bench/cold_start.py)."""

    def __getattr__(self, name: str) -> Any:
        return getattr(slack(), name)  # slack() looked up at each use: tests replace it


def slack_on_demand() -> Slack:
    return cast("Slack", _SlackOnDemand())


@lru_cache(maxsize=1)
def publisher() -> Publisher:
    with loading:
        from devplan.adapters.pubsub import Publisher as PubSubPublisher

        return PubSubPublisher(settings().project)


def reset() -> None:
    from devplan.services import senior_coach

    for cached in (settings, store, slack, publisher):
        cached.cache_clear()
    senior_coach.configure(Criteria())  # the next settings() sets it from the environment again
