"""The training wallet ↔ employees/{id}/wallets/{year}, and funding applications ↔ the
`funding` map of employees/{id} (the tick reads the employee anyway: deadlines are due there).

Both keep their items as lists written whole (a merge replaces a list), so ids from outside
need no field-path escaping. Kronor are stored as integers.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from devplan.adapters.firestore.mapping.common import EMPLOYEES, Document, compact, iso
from devplan.domain.funding import Application, FundingBook
from devplan.domain.wallet import TrainingRequest, Wallet
from devplan.errors import UnusableRecord

_PROBLEMS = (KeyError, TypeError, ValueError, AttributeError)


def wallet_path(employee_id: str, year: int) -> str:
    return f"{EMPLOYEES}/{employee_id}/wallets/{year}"


def wallet_from(employee_id: str, year: int, budget_sek: int | None, doc: Document | None) -> Wallet:
    """The year's requests against the person's budget as it is now (a budget the lead changes
    applies to the year at once; `baseSek` is stored for people reading the console only)."""
    opened = Wallet.opened(employee_id, year, budget_sek)
    if doc is None:
        return opened
    try:
        requests = {
            r["id"]: TrainingRequest(
                request_id=r["id"],
                course=r["course"],
                provider=r["provider"],
                cost_sek=int(r["costSek"]),
                requested_at=r["requestedAt"],
                goal_id=r.get("goalId"),
                status=r["status"],
                decided_by=r.get("decidedBy"),
                decided_at=r.get("decidedAt"),
                raised_sek=int(r.get("raisedSek") or 0),
                asked_sek=int(r.get("askedSek") or 0),
                why=r.get("why"),
            )
            for r in doc.get("requests") or []
        }
        return replace(opened, requests=requests)
    except _PROBLEMS as exc:
        raise UnusableRecord(f"{wallet_path(employee_id, year)} is not a usable wallet: {exc!r}") from None


def wallet_document(wallet: Wallet) -> Document:
    """Written whole (merge=False); the totals are for people reading the console."""
    return {
        "year": wallet.year,
        "baseSek": wallet.base_sek,
        "budgetSek": wallet.budget_sek,
        "usedSek": wallet.used_sek,
        "requests": [
            compact(
                {
                    "id": r.request_id,
                    "course": r.course,
                    "provider": r.provider,
                    "costSek": r.cost_sek,
                    "requestedAt": r.requested_at,
                    "goalId": r.goal_id,
                    "status": r.status,
                    "decidedBy": r.decided_by,
                    "decidedAt": r.decided_at,
                    "raisedSek": r.raised_sek or None,
                    "askedSek": r.asked_sek or None,
                    "why": r.why,
                }
            )
            for r in sorted(wallet.requests.values(), key=lambda r: r.request_id)
        ],
    }


def funding_book_from(doc: Document) -> FundingBook:
    applications = {
        a["id"]: Application(
            application_id=a["id"],
            funder=a["funder"],
            programme=a["programme"],
            amount_sek=int(a["amountSek"]),
            deadline=date.fromisoformat(a["deadline"]),
            status=a["status"],
            updated_at=a["updatedAt"],
            granted_sek=a.get("grantedSek"),
            reminded=frozenset(a.get("reminded") or ()),
        )
        for a in doc.get("applications") or []
    }
    return FundingBook(applications, doc.get("largerAskedAt"), doc.get("largerDeclinedAt"))


def funding_book_document(book: FundingBook) -> Document:
    return compact(
        {
            "applications": [
                compact(
                    {
                        "id": a.application_id,
                        "funder": a.funder,
                        "programme": a.programme,
                        "amountSek": a.amount_sek,
                        "deadline": iso(a.deadline),
                        "status": a.status,
                        "updatedAt": a.updated_at,
                        "grantedSek": a.granted_sek,
                        "reminded": sorted(a.reminded) or None,
                    }
                )
                for a in sorted(book.applications.values(), key=lambda a: a.application_id)
            ]
            or None,
            "largerAskedAt": book.larger_asked_at,
            "largerDeclinedAt": book.larger_declined_at,
        }
    )
