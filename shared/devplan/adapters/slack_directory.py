"""The workspace's members by e-mail, listed once for a batch instead of looked up one by one.

users.lookupByEmail is Tier 3 (about 50 a minute): a bulk import of 200 people is 4 minutes of
look-ups alone, and every onboarding delivery waiting for its turn holds one of the function's
few instances while the rest wait in Eventarc's backoff (10 s doubling to 600 s), idling the
look-up lane. users.list (Tier 2, about 20 pages a minute, https://docs.slack.dev/reference/methods/users.list)
answers every member with their e-mail and, with include_locale, their locale: a few pages
stand for every look-up (and every users.info for the locale) of the batch.

So the Slack adapter lists the workspace when look-ups queue up (more people at once than the
look-up's burst, adapters/slack.py) and answers from the listing for LISTING_KEPT seconds. A
listing only ever says who IS there: an e-mail not in it (an account made since, a guest) is
still looked up by itself, so the answer is the same as before, only cheaper.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

log = logging.getLogger("devplan.adapters.slack")

LISTING_KEPT = 300.0  # seconds a listing answers for; an account made since is looked up by itself
PAGE_SIZE = 200  # members a page: Slack recommends no more than 200
MAX_PAGES = 100  # 20,000 members: a bound on one listing, far above Inner Journey's workspace


class Directory:
    """Members by e-mail from the newest complete listing, and their locales."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._by_email: dict[str, str] = {}
        self._locales: dict[str, str] = {}
        self._listed_at: float | None = None
        self._listing = threading.Lock()  # one listing at a time; the others wait for it

    def fresh(self) -> bool:
        listed = self._listed_at
        return listed is not None and self._clock() - listed < LISTING_KEPT

    def user_id(self, email: str) -> str | None:
        """The member with that e-mail in a fresh listing; None: not in it, or no fresh listing."""
        return self._by_email.get(email.strip().lower()) if self.fresh() else None

    def locale(self, user_id: str) -> str | None:
        """The member's locale as the fresh listing gave it; None: ask users.info."""
        return self._locales.get(user_id) if self.fresh() else None

    def find(self, email: str, page: Callable[[str | None], dict[str, Any]], wait: float) -> str | None:
        """The member with that e-mail, the workspace listed first if need be (`list_members`);
        None when not in it or when listing fails (logged: the look-up by itself then answers)."""
        try:
            self.list_members(page, wait)
        except Exception as exc:
            log.warning("slack users.list failed, looking up by e-mail: %s", exc)
        return self.user_id(email)

    def list_members(self, page: Callable[[str | None], dict[str, Any]], wait: float) -> bool:
        """List the workspace (`page(cursor)`: one users.list page) unless a fresh listing exists
        or another caller's listing takes longer than `wait` to finish; True when one is fresh.
        A listing that fails half-way replaces nothing, and the error is the caller's."""
        if self.fresh():
            return True
        if not self._listing.acquire(timeout=max(0.0, wait)):
            return self.fresh()
        try:
            if self.fresh():  # listed while this caller waited
                return True
            started = self._clock()
            by_email, locales = _listed(page)
            self._by_email, self._locales, self._listed_at = by_email, locales, started
            log.info("slack workspace listed: %d members", len(by_email), extra={"slackMembers": len(by_email)})
            return True
        finally:
            self._listing.release()


def _listed(page: Callable[[str | None], dict[str, Any]]) -> tuple[dict[str, str], dict[str, str]]:
    by_email: dict[str, str] = {}
    locales: dict[str, str] = {}
    cursor: str | None = None
    for _ in range(MAX_PAGES):
        answer = page(cursor)
        for member in answer.get("members") or ():
            email = str((member.get("profile") or {}).get("email") or "").strip().lower()
            if not email or member.get("deleted") or member.get("is_bot"):
                continue  # as users.lookupByEmail would not answer them for a new employee
            by_email[email] = str(member["id"])
            if isinstance(member.get("locale"), str):
                locales[str(member["id"])] = member["locale"]
        cursor = (answer.get("response_metadata") or {}).get("next_cursor") or None
        if not cursor:
            return by_email, locales
    raise RuntimeError(f"slack users.list: more than {MAX_PAGES} pages")
