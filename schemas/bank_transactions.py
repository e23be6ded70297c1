"""Bank transactions: import and listing (reference §2.4, §3.2)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from msgspec import Meta

from schemas.journal import NO_NUL_PATTERN, Out, Wire
from schemas.limits import AMOUNT_MAX_TEXT
from schemas.money import CENT

TxStatus = Literal["unreconciled", "reconciled", "excluded"]
BANK_IMPORT_ROWS_MAX = 1_000
AMOUNT_MAX = Decimal(AMOUNT_MAX_TEXT)


def _text(max_length: int):
    return Annotated[str, Meta(max_length=max_length, pattern=NO_NUL_PATTERN)]


Name = _text(140)
Reference = _text(500)
Short = _text(64)


class BankTransactionIn(Wire, kw_only=True):
    tx_date: date
    amount: Decimal  # positive: money in; negative: money out
    currency: Annotated[str, Meta(pattern=r"^[A-Z]{3}$")] = "EUR"
    value_date: date | None = None
    counterparty_name: Name | None = None
    counterparty_iban: Annotated[str, Meta(max_length=42, pattern=NO_NUL_PATTERN)] | None = None
    reference: Reference | None = None
    bank_reference: Short | None = None
    end_to_end_id: Short | None = None
    tx_type: Short | None = None

    def __post_init__(self) -> None:
        if not self.amount.is_finite() or abs(self.amount) > AMOUNT_MAX:
            raise ValueError(f"amount must be a number up to {AMOUNT_MAX_TEXT} either way")
        if self.amount != self.amount.quantize(CENT):
            raise ValueError("amount must have at most two decimal places")


class BankImportIn(Wire, kw_only=True):
    bank_account_id: UUID
    transactions: Annotated[
        list[BankTransactionIn], Meta(min_length=1, max_length=BANK_IMPORT_ROWS_MAX)
    ]


class RowErrorOut(Out, kw_only=True):
    index: int
    code: str
    message: str


class BankImportOut(Out, kw_only=True):
    batch_id: UUID
    total_rows: int
    imported: int
    skipped_duplicates: int
    errors: list[RowErrorOut]


class BankTransactionOut(Out, kw_only=True):
    id: UUID
    bank_account_id: UUID
    tx_date: date
    value_date: date | None
    amount: Decimal
    currency: str
    counterparty_name: str | None
    counterparty_iban: str | None
    reference: str | None
    bank_reference: str | None
    end_to_end_id: str | None
    tx_type: str | None
    status: TxStatus
    reconcile_mode: Literal["linked", "settled", "settled_fx", "grouped"] | None
    settlement_intent_id: UUID | None
    match_group_id: UUID | None
    source: str
    batch_id: UUID
    created_at: datetime


class BankTransactionsOut(Out, kw_only=True):
    transactions: list[BankTransactionOut]
    total: int
    limit: int
    offset: int


class UnreconciledCountOut(Out, kw_only=True):
    count: int


class CsvMappingIn(Wire, kw_only=True):
    """How to read a bank's CSV that is not in the German preset's layout."""

    columns: dict[
        Literal[
            "tx_date",
            "value_date",
            "amount",
            "currency",
            "counterparty_name",
            "counterparty_iban",
            "reference",
            "tx_type",
        ],
        Annotated[str, Meta(min_length=1, max_length=100)],
    ]
    delimiter: Literal[";", ",", "\t", "|"] = ";"
    decimal_comma: bool = True
    date_format: Literal["DD.MM.YYYY", "DD.MM.YY", "YYYY-MM-DD", "MM/DD/YYYY"] = "DD.MM.YYYY"
    encoding: Literal["cp1252", "utf-8", "latin-1"] = "cp1252"


Note = Annotated[str, Meta(max_length=2_000, pattern=NO_NUL_PATTERN)]


class EvidencePutIn(Wire, kw_only=True):
    """Partial: `document_id` and `note` (≤ 2,000); `null` clears."""

    document_id: UUID | msgspec.UnsetType | None = msgspec.UNSET
    note: (
        Annotated[str, Meta(max_length=2_000, pattern=NO_NUL_PATTERN)] | msgspec.UnsetType | None
    ) = msgspec.UNSET


class EvidenceOut(Out, kw_only=True):
    transaction_id: UUID
    document_id: UUID | None
    note: str | None
    updated_at: datetime | None
    updated_by: str | None


class ReconcileIn(Wire, kw_only=True):
    intent_id: UUID
    candidate_kind: Literal["bank_booking", "open_receivable", "open_liability"]
    open_item_account: Annotated[str, Meta(pattern=r"^[0-9]{1,8}$")] | None = None


class ReconciledOut(Out, kw_only=True):
    ok: bool
    mode: Literal["linked", "settled", "settled_fx"]
    intent_id: UUID
    settlement_intent_id: UUID | None
    transaction: BankTransactionOut


class UnmatchedOut(Out, kw_only=True):
    ok: bool
    reversal_intent_id: UUID | None
    transaction: BankTransactionOut


class ReconcilePairIn(ReconcileIn, kw_only=True):
    bank_transaction_id: UUID


class BatchReconcileIn(Wire, kw_only=True):
    pairs: Annotated[list[ReconcilePairIn], Meta(min_length=1, max_length=500)]


class PairErrorOut(Out, kw_only=True):
    index: int
    bank_transaction_id: UUID
    code: str
    message: str


class BatchReconciledOut(Out, kw_only=True):
    reconciled: int
    errors: list[PairErrorOut]


class SuggestionOut(Out, kw_only=True):
    bank_transaction_id: UUID
    ledger_intent_id: UUID
    candidate_kind: Literal["bank_booking", "open_receivable", "open_liability"]
    open_item_account: str | None
    match_score: int  # 0-100
    match_reasons: list[str]
    ledger_description: str
    ledger_amount: Decimal  # signed as the bank sees it: > 0 money in
    ledger_date: date


class SuggestionsOut(Out, kw_only=True):
    suggestions: list[SuggestionOut]
