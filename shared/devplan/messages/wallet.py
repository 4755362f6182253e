"""Slack messages of the training wallet (pure rendering): what the person is told, and the
lead's question with Godkänn ökning / Avslå. A button's value names the request as
`employee|year|request`; services/wallet.py reads it back with `parse_request_ref`."""

from __future__ import annotations

from devplan.domain.wallet import TrainingRequest, Wallet
from devplan.messages.blocks import Rendered, buttons, one_section, section
from devplan.messages.catalog import format_sek, text

WALLET_APPROVE, WALLET_REFUSE = "wallet_approve", "wallet_refuse"


def request_ref(employee_id: str, year: int, request_id: str) -> str:
    return f"{employee_id}|{year}|{request_id}"


def parse_request_ref(value: str) -> tuple[str, int, str]:
    """The inverse of request_ref (ValueError if it is not one)."""
    employee_id, year, request_id = value.split("|")
    return employee_id, int(year), request_id


def _figures(lang: str, wallet: Wallet, request: TrainingRequest) -> dict[str, str]:
    return {
        "course": request.course,
        "provider": request.provider,
        "cost": format_sek(lang, request.cost_sek),
        "left": format_sek(lang, wallet.left_sek),
        "budget": format_sek(lang, wallet.budget_sek),
        "needed": format_sek(lang, max(0, request.cost_sek - wallet.left_sek)),
        "raised": format_sek(lang, request.raised_sek),
        "year": str(wallet.year),
    }


def told(lang: str, key: str, wallet: Wallet, request: TrainingRequest, **names: str) -> Rendered:
    """A line of the catalog's `wallet:` section with the request's and the wallet's figures."""
    return one_section(text(lang, f"wallet.{key}", **_figures(lang, wallet, request), **names))


def over_budget(lang: str, *, employee: str, employee_id: str, wallet: Wallet, request: TrainingRequest) -> Rendered:
    """To the lead: the numbers, and Godkänn ökning / Avslå."""
    ref = request_ref(employee_id, wallet.year, request.request_id)
    line = text(lang, "wallet.over_budget_lead", employee=employee, **_figures(lang, wallet, request))
    blocks = (
        section(line),
        buttons(
            f"wallet-request:{ref}",
            (WALLET_APPROVE, text(lang, "wallet.approve"), ref, "primary"),
            (WALLET_REFUSE, text(lang, "wallet.refuse"), ref, "danger"),
        ),
    )
    return Rendered(line.replace("*", ""), blocks)
