"""Settling open items with bank money: which invoices a target intent stands for, what a
settlement clears of them in document currency and in EUR, and the realized FX difference.

Pure functions. `ledger/reconciliation.py` (one transaction : one open item) and
`ledger/match_groups.py` (n transactions : m open items) build their settlement intents from
them. Nothing here changes the lookups: a decision commits its settlements only once every
check of it has passed (`commit`), so a refused intent leaves the next one of the batch
seeing the invoices as they were.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Final, Literal
from uuid import UUID

import msgspec

from ledger import errors
from ledger.chart import FX_DIFFERENCE_ACCOUNTS
from ledger.events import Settlement
from ledger.intents import BookingLine
from ledger.money import divide_half_up

if TYPE_CHECKING:
    from ledger.state import Lookups, TenantState

OpenItemKind = Literal["open_receivable", "open_liability"]
OPEN_ITEM_DIRECTION: Final[dict[str, int]] = {"open_receivable": 1, "open_liability": -1}
INVOICE_DIRECTION: Final = {"open_receivable": "outgoing", "open_liability": "incoming"}
MONEY: Final = {1: "coming in", -1: "going out"}


class OpenInvoice(msgspec.Struct, kw_only=True):
    """An invoice linked to an intent, as settling it needs it (amounts in its currency)."""

    invoice_id: UUID
    direction: str
    invoice_type: str
    currency: str
    invoice_date: date
    total_gross_cents: int
    settled_cents: int
    party_account: str

    @property
    def remaining_cents(self) -> int:
        return self.total_gross_cents - self.settled_cents


@dataclass(frozen=True)
class OpenItem:
    """The invoices one target intent stands for on one account, in one currency."""

    intent_id: UUID
    kind: OpenItemKind
    account: str
    currency: str
    invoices: tuple[OpenInvoice, ...]  # oldest first
    booked_eur_cents: int  # what the intent booked on the account: the items' EUR value

    @property
    def foreign(self) -> bool:
        return self.currency != "EUR"

    @property
    def open_cents(self) -> int:
        return sum(invoice.remaining_cents for invoice in self.invoices)


@dataclass(frozen=True)
class Cleared:
    """What settling part of an open item does: the invoices' new settled totals, and the
    EUR value that leaves the open item account."""

    item: OpenItem
    document_cents: int
    eur_cents: int
    settlements: tuple[Settlement, ...]


def open_item(
    state: TenantState,
    lookups: Lookups,
    intent_id: UUID,
    kind: OpenItemKind,
    account: str | None,
) -> OpenItem:
    """The open item behind `intent_id` on `account`; without an account, the one account the
    intent's invoices of that direction sit on (several: `TARGET_AMBIGUOUS`)."""
    target = lookups.by_intent_id.get(intent_id)
    if target is None:
        raise errors.TargetNotFound(
            "No booking with this intent_id exists in this tenant.", intent_id=str(intent_id)
        )
    linked = [
        invoice
        for invoice in lookups.invoices_of_intent.get(intent_id, ())
        if invoice.direction == INVOICE_DIRECTION[kind] and invoice.invoice_type == "invoice"
    ]
    if account is None:
        accounts = sorted({invoice.party_account for invoice in linked})
        if len(accounts) > 1:
            raise errors.TargetAmbiguous(
                f"The intent carries open items on the accounts {', '.join(accounts)}; "
                "name one as open_item_account.",
                intent_id=str(intent_id),
                accounts=accounts,
            )
        account = accounts[0] if accounts else None
    elif account not in state.accounts:
        raise errors.AccountNotFound(f"Account {account} does not exist.", account_number=account)
    invoices = sorted(
        (invoice for invoice in linked if invoice.party_account == account),
        key=lambda invoice: (invoice.invoice_date, str(invoice.invoice_id)),
    )
    if account is None or not invoices:
        where = f" on account {account}" if account else ""
        raise errors.TargetNotFound(
            f"No {INVOICE_DIRECTION[kind]} invoice{where} is linked to this intent.",
            intent_id=str(intent_id),
        )
    currencies = sorted({invoice.currency for invoice in invoices})
    if len(currencies) > 1:
        raise errors.MixedSettlementCurrency(
            f"The intent's invoices are in {' and '.join(currencies)}; one settlement clears "
            "one currency.",
            currencies=currencies,
        )
    sign = OPEN_ITEM_DIRECTION[kind]
    booked = sum(
        line.amount_cents
        * sign
        * ((line.account_debit == account) - (line.account_credit == account))
        for line in target.lines
    )
    item = OpenItem(
        intent_id=intent_id,
        kind=kind,
        account=account,
        currency=currencies[0],
        invoices=tuple(invoices),
        booked_eur_cents=booked,
    )
    if item.foreign and booked <= 0:
        raise errors.InvalidInput(
            f"The intent books nothing on account {account}, so the {item.currency} item has "
            "no EUR value to settle against.",
            intent_id=str(intent_id),
        )
    return item


def require_direction(kind: OpenItemKind, money_sign: int, amount_cents: int) -> None:
    if OPEN_ITEM_DIRECTION[kind] != money_sign:
        raise errors.DirectionMismatch(
            f"{kind} settles money {MONEY[OPEN_ITEM_DIRECTION[kind]]}; the bank money "
            f"({euros(amount_cents)}) is {MONEY[money_sign]}.",
            amount=euros(amount_cents),
        )


def clear(item: OpenItem, document_cents: int) -> Cleared:
    """Settle `document_cents` of the item, oldest invoice first. The EUR value cleared is the
    drop of each invoice's remaining EUR value, so partial settlements of an FX item add up
    to exactly the EUR it was booked at."""
    if document_cents > item.open_cents:
        raise errors.SettlementExceedsOpenAmount(
            f"The settlement clears {euros(document_cents)} {item.currency}, but only "
            f"{euros(item.open_cents)} {item.currency} is open.",
            open_amount=euros(item.open_cents),
            amount=euros(document_cents),
            currency=item.currency,
        )
    gross_of_item = sum(invoice.total_gross_cents for invoice in item.invoices)
    settlements, left, eur = [], document_cents, 0
    for invoice in item.invoices:
        applied = min(left, invoice.remaining_cents)
        if applied <= 0:
            continue
        left -= applied
        eur += _eur_value(item, invoice, invoice.remaining_cents, gross_of_item)
        eur -= _eur_value(item, invoice, invoice.remaining_cents - applied, gross_of_item)
        settlements.append(
            Settlement(
                invoice_id=invoice.invoice_id,
                applied_cents=applied,
                settled_cents=invoice.settled_cents + applied,
            )
        )
    return Cleared(
        item=item, document_cents=document_cents, eur_cents=eur, settlements=tuple(settlements)
    )


def _eur_value(item: OpenItem, invoice: OpenInvoice, remaining: int, gross_of_item: int) -> int:
    if not item.foreign:
        return remaining
    carried = divide_half_up(item.booked_eur_cents * invoice.total_gross_cents, gross_of_item)
    return divide_half_up(remaining * carried, invoice.total_gross_cents)


def commit(lookups: Lookups, settlements: tuple[Settlement, ...]) -> None:
    """Later intents of the batch see the invoices' new settled totals."""
    for settlement in settlements:
        lookups.open_invoices[settlement.invoice_id].settled_cents = settlement.settled_cents


def revert(lookups: Lookups, applied: Iterable[Settlement]) -> tuple[Settlement, ...]:
    """Undo settlements (an unmatch): the invoices' settled totals move back, and the
    returned settlements say so (negative amounts, new totals)."""
    reverted = []
    for one in applied:
        invoice = lookups.open_invoices[one.invoice_id]
        invoice.settled_cents -= one.applied_cents
        reverted.append(
            Settlement(
                invoice_id=one.invoice_id,
                applied_cents=-one.applied_cents,
                settled_cents=invoice.settled_cents,
            )
        )
    return tuple(reverted)


def open_item_line(cleared: Cleared) -> BookingLine | None:
    """The open item account gives up the EUR cleared: credit for a customer, debit for a
    vendor."""
    if cleared.eur_cents == 0:
        return None
    side = "credit" if cleared.item.kind == "open_receivable" else "debit"
    return BookingLine(
        account_number=cleared.item.account, side=side, amount_cents=cleared.eur_cents
    )


def fx_difference_cents(cleared: Cleared, bank_cents: int) -> int:
    """The realized gain (> 0) or loss (< 0) when `bank_cents` of bank money settle an FX
    item: more money in than the receivable was carried at is a gain, more money out than the
    liability was carried at a loss. Same-currency items have none."""
    if not cleared.item.foreign:
        return 0
    return (bank_cents - cleared.eur_cents) * OPEN_ITEM_DIRECTION[cleared.item.kind]


def fx_line(state: TenantState, difference_cents: int) -> BookingLine | None:
    if difference_cents == 0:
        return None
    assert state.tenant is not None
    accounts = FX_DIFFERENCE_ACCOUNTS[state.tenant.account_framework]
    number = accounts.gain if difference_cents > 0 else accounts.loss
    if number not in state.accounts:
        raise errors.AccountNotFound(
            f"The realized FX difference goes to account {number}, which this tenant does "
            "not have; create it first.",
            account_number=number,
        )
    return BookingLine(
        account_number=number,
        side="credit" if difference_cents > 0 else "debit",
        amount_cents=abs(difference_cents),
    )


def bank_line(bank_account_number: str, amount_cents: int) -> BookingLine:
    """Money in is a debit on the bank's ledger account, money out a credit."""
    return BookingLine(
        account_number=bank_account_number,
        side="debit" if amount_cents > 0 else "credit",
        amount_cents=abs(amount_cents),
    )


def euros(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"
