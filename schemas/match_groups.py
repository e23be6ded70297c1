"""Match groups: n bank transactions against m open items (reference §3.2)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from msgspec import Meta

from schemas.journal import NO_NUL_PATTERN, Out, Wire
from schemas.money import check_amount

AccountNumber = Annotated[str, Meta(pattern=r"^[0-9]{1,8}$")]


class AllocationIn(Wire, kw_only=True):
    intent_id: UUID
    candidate_kind: Literal["bank_booking", "open_receivable", "open_liability"]
    open_item_account: AccountNumber | None = None
    allocated_bank_amount: Decimal  # EUR, the bank money this item takes
    settled_document_amount: Decimal | None = None  # document currency; FX items need it

    def __post_init__(self) -> None:
        check_amount(self.allocated_bank_amount, "allocated_bank_amount", allow_zero=False)
        check_amount(self.settled_document_amount, "settled_document_amount", allow_zero=False)


class AdjustmentIn(Wire, kw_only=True):
    account_number: AccountNumber
    posting_side: Literal["debit", "credit"]
    amount: Decimal  # EUR; gross when tax_code is given
    tax_code: Annotated[str, Meta(min_length=1, max_length=32)] | None = None
    description: Annotated[str, Meta(max_length=200, pattern=NO_NUL_PATTERN)] | None = None

    def __post_init__(self) -> None:
        check_amount(self.amount, "amount", allow_zero=False)


class MatchGroupIn(Wire, kw_only=True):
    bank_transaction_ids: Annotated[list[UUID], Meta(min_length=1, max_length=100)]
    allocations: Annotated[list[AllocationIn], Meta(min_length=1, max_length=500)]
    adjustments: Annotated[list[AdjustmentIn], Meta(max_length=50)] = msgspec.field(
        default_factory=list
    )


class AllocationOut(Out, kw_only=True):
    intent_id: UUID
    candidate_kind: Literal["open_receivable", "open_liability"]
    open_item_account: str
    currency: str
    allocated_bank_amount: Decimal
    settled_document_amount: Decimal
    cleared_base_amount: Decimal  # EUR that left the open item account
    fx_difference: Decimal  # > 0 realized gain, < 0 loss (EUR)


class AdjustmentOut(Out, kw_only=True):
    account_number: str
    posting_side: Literal["debit", "credit"]
    amount: Decimal
    tax_code: str | None
    description: str | None


class SettlementOut(Out, kw_only=True):
    invoice_id: UUID
    applied_amount: Decimal  # document currency


class MatchGroupOut(Out, kw_only=True):
    id: UUID
    bank_account_id: UUID
    bank_transaction_ids: list[UUID]
    mode: Literal["settled", "settled_fx"]
    status: Literal["active", "reversed"]
    intent_id: UUID  # the settlement intent
    reversal_intent_id: UUID | None
    allocations: list[AllocationOut]
    adjustments: list[AdjustmentOut]
    settlements: list[SettlementOut]
    created_at: datetime
    created_by: str
    reversed_at: datetime | None


class MatchGroupCreatedOut(Out, kw_only=True):
    ok: bool
    match_group_id: UUID
    intent_id: UUID
    mode: Literal["settled", "settled_fx"]
    group: MatchGroupOut


class MatchGroupUnmatchedOut(Out, kw_only=True):
    ok: bool
    reversal_intent_id: UUID
    group: MatchGroupOut
