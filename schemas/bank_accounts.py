"""Bank accounts (reference §3.2): the ones payment runs pay from and statements arrive for."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from msgspec import Meta

from schemas import limits
from schemas.bank_transactions import BankTransactionOut
from schemas.journal import NO_NUL_PATTERN, AccountNumber, Out, Wire

SepaVersion = Literal["pain.001.001.03", "pain.001.001.09"]
BankName = Annotated[str, Meta(min_length=1, max_length=255, pattern=NO_NUL_PATTERN)]
Iban = Annotated[str, Meta(min_length=15, max_length=42, pattern=NO_NUL_PATTERN)]  # with spaces
Bic = Annotated[str, Meta(max_length=limits.BIC_CHARS_MAX, pattern=NO_NUL_PATTERN)]


class BankAccountIn(Wire, kw_only=True):
    name: BankName
    iban: Iban
    bic: Bic | None = None
    account_number: AccountNumber
    currency: Annotated[str, Meta(pattern=r"^[A-Z]{3}$")] = "EUR"
    sepa_version: SepaVersion = "pain.001.001.03"


class BankAccountPutIn(Wire, kw_only=True):
    """Partial update: `name`, `bic` (`null` clears), `sepa_version`."""

    name: BankName | msgspec.UnsetType | None = msgspec.UNSET
    bic: Bic | msgspec.UnsetType | None = msgspec.UNSET
    sepa_version: SepaVersion | msgspec.UnsetType | None = msgspec.UNSET


class BankAccountOut(Out, kw_only=True):
    id: UUID
    name: str
    iban: str
    bic: str | None
    account_number: str
    currency: str
    sepa_version: SepaVersion
    tx_count: int
    unreconciled_count: int
    last_tx_date: date | None
    created_at: datetime
    updated_at: datetime


class BankAccountsOut(Out, kw_only=True):
    bank_accounts: list[BankAccountOut]


class BalancePointOut(Out, kw_only=True):
    date: date
    balance: Decimal


class BalanceHistoryOut(Out, kw_only=True, rename="camel"):
    """Field names as the reference spells them (`currentBalance`, `startBalance`)."""

    history: list[BalancePointOut]
    current_balance: Decimal
    start_balance: Decimal
    days: int


class AmountOut(Out, kw_only=True):
    amount: Decimal


class OpenItemViewOut(Out, kw_only=True):
    invoice_id: UUID
    intent_id: UUID
    direction: str
    party_name: str
    open_item_account: str
    invoice_number: str
    invoice_date: date
    due_date: date | None
    currency: str
    amount: Decimal  # left to pay, in the invoice's currency
    base_amount: Decimal  # the same in EUR
    base_currency: str


class ReconciliationViewOut(Out, kw_only=True):
    bank_account_id: UUID
    ledger: AmountOut  # the balance of the linked ledger account
    bank: AmountOut  # the sum of the imported transactions
    unmatched_ledger: AmountOut  # ledger balance not explained by reconciled transactions
    open_count: int
    reconciled_count: int
    open_transactions: list[BankTransactionOut]
    reconciled_transactions: list[BankTransactionOut]
    open_items: list[OpenItemViewOut]
