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

from devplan.services.ports import SlackRefused  # the budget or the pace: a listing goes on later

log = logging.getLogger("devplan.adapters.slack")

LISTING_KEPT = 300.0  # seconds a listing answers for; an account made since is looked up by itself
PAGE_SIZE = 200  # members a page: Slack recommends no more than 200
MAX_PAGES = 100  # 20,000 members: a bound on one listing, far above Inner Journey's workspace


class Directory:
    """Members by e-mail from the newest listing, and their locales.

    A listing is built page by page and answers from its first page on: it only ever says who
    IS there, so a part of it is as true as the whole. A listing cut short (the invocation's
    budget ran out: Tier 2 gives about 14 pages, some 2,800 accounts, to one 45 s invocation; or
    Slack refused a page) keeps its pages and its cursor, and the next caller goes on from there
    instead of starting again. One that Slack refuses for another reason (a scope missing, an
    argument an org-wide app needs) is not tried again for LISTING_KEPT: look-ups answer meanwhile.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._by_email: dict[str, str] = {}
        self._locales: dict[str, str] = {}
        self._listed_at: float | None = None  # when the listing answering now was begun
        self._cursor: str | None = None  # where an unfinished listing goes on
        self._pages = 0
        self._failed_at: float | None = None
        self._listing = threading.Lock()  # one lister at a time; the others wait for it

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
        """The member with that e-mail, the workspace listed (further) first if need be; None when
        not in what is listed (logged if listing failed: the look-up by itself then answers)."""
        if (found := self.user_id(email)) is not None:
            return found
        try:
            self.list_members(page, wait)
        except Exception as exc:
            log.warning("slack users.list stopped, looking up by e-mail: %s", exc)
        return self.user_id(email)

    def list_members(self, page: Callable[[str | None], dict[str, Any]], wait: float) -> bool:
        """List the workspace (`page(cursor)`: one users.list page), or go on with an unfinished
        listing, unless a whole fresh one exists, listing failed lately, or another caller's
        listing takes longer than `wait`; True when a whole listing is fresh. A page's error is
        the caller's, after what was listed before it is kept."""
        if self._whole() or self._failed_lately():
            return self._whole()
        if not self._listing.acquire(timeout=max(0.0, wait)):
            return self._whole()
        try:
            if self._whole() or self._failed_lately():  # settled while this caller waited
                return self._whole()
            if not self.fresh():  # begin again: a listing answers for LISTING_KEPT from its start
                self._by_email, self._locales, self._cursor, self._pages = {}, {}, None, 0
                self._listed_at = self._clock()
            self._go_on(page)
            log.info(
                "slack workspace listed: %d members", len(self._by_email), extra={"slackMembers": len(self._by_email)}
            )
            return True
        finally:
            self._listing.release()

    def _whole(self) -> bool:
        return self.fresh() and self._cursor is None and self._pages > 0

    def _failed_lately(self) -> bool:
        failed = self._failed_at
        return failed is not None and self._clock() - failed < LISTING_KEPT

    def _go_on(self, page: Callable[[str | None], dict[str, Any]]) -> None:
        while self._pages < MAX_PAGES:
            try:
                answer = page(self._cursor)
            except SlackRefused:
                raise  # pages and cursor kept: the next caller goes on from here
            except Exception:
                self._failed_at = self._clock()
                raise
            by_email, locales = _members(answer)
            # New dicts, swapped in whole: readers on other threads never see one half-written.
            self._by_email, self._locales = {**self._by_email, **by_email}, {**self._locales, **locales}
            self._pages += 1
            self._cursor = (answer.get("response_metadata") or {}).get("next_cursor") or None
            if self._cursor is None:
                return
        self._cursor = None  # what MAX_PAGES holds answers; the rest are looked up one by one
        log.warning("slack users.list: more than %d pages, the rest looked up by e-mail", MAX_PAGES)


def _members(answer: dict[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
    by_email: dict[str, str] = {}
    locales: dict[str, str] = {}
    for member in answer.get("members") or ():
        email = str((member.get("profile") or {}).get("email") or "").strip().lower()
        if not email or member.get("deleted") or member.get("is_bot") or member.get("is_invited_user"):
            continue  # as users.lookupByEmail would not answer them for a new employee
        by_email[email] = str(member["id"])
        if isinstance(member.get("locale"), str):
            locales[str(member["id"])] = member["locale"]
    return by_email, locales
