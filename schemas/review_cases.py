"""Invoice review cases (reference §2.5, §3.4): the queue of extracted incoming invoices."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from msgspec import Meta

from schemas.journal import NO_NUL_PATTERN, AccountNumber, Out, Wire
from schemas.money import check_amount

QueueState = Literal["approval", "correction", "exception", "approved", "rejected"]
Text = Annotated[str, Meta(min_length=1, max_length=500, pattern=NO_NUL_PATTERN)]


class LineItemIn(Wire, kw_only=True):
    description: Text
    quantity: Decimal
    unit_price: Decimal  # net
    tax_rate: Decimal  # a fraction: 0.19
    net_amount: Decimal
    tax_amount: Decimal
    account_number: AccountNumber | None = None

    def __post_init__(self) -> None:
        check_amount(self.net_amount, "net_amount")
        check_amount(self.tax_amount, "tax_amount")
        if not self.tax_rate.is_finite() or not 0 <= self.tax_rate < 1:
            raise ValueError("tax_rate must be a fraction from 0 to below 1, e.g. 0.19")
        if not self.quantity.is_finite() or not self.unit_price.is_finite():
            raise ValueError("quantity and unit_price must be numbers")


class NormalizedInvoiceIn(Wire, kw_only=True):
    invoice_type: Literal["invoice", "credit_note"] = "invoice"
    vendor_name: Text | None = None
    vendor_vat_id: Annotated[str, Meta(max_length=20)] | None = None
    invoice_number: Annotated[str, Meta(min_length=1, max_length=100)]
    invoice_date: date
    due_date: date | None = None
    currency: Annotated[str, Meta(pattern=r"^[A-Z]{3}$")] = "EUR"
    total_net: Decimal
    total_tax: Decimal
    total_gross: Decimal
    line_items: Annotated[list[LineItemIn], Meta(max_length=500)]

    def __post_init__(self) -> None:
        for name in ("total_net", "total_tax", "total_gross"):
            check_amount(getattr(self, name), name)


class ReviewCasePatchIn(Wire, kw_only=True):
    """At least one of the two; `vendor_id: null` clears the vendor."""

    vendor_id: UUID | msgspec.UnsetType | None = msgspec.UNSET
    normalized_invoice: NormalizedInvoiceIn | msgspec.UnsetType = msgspec.UNSET


class ReviewRejectIn(Wire, kw_only=True):
    reason: Annotated[str, Meta(max_length=1000, pattern=NO_NUL_PATTERN)] | None = None


class LineItemOut(Out, kw_only=True):
    description: str
    quantity: Decimal
    unit_price: Decimal
    tax_rate: Decimal
    net_amount: Decimal
    tax_amount: Decimal
    account_number: str | None


class NormalizedInvoiceOut(Out, kw_only=True):
    invoice_type: Literal["invoice", "credit_note"]
    vendor_name: str | None
    vendor_vat_id: str | None
    invoice_number: str | None
    invoice_date: date | None
    due_date: date | None
    currency: str
    total_net: Decimal
    total_tax: Decimal
    total_gross: Decimal
    line_items: list[LineItemOut]


class ReviewCaseOut(Out, kw_only=True):
    id: UUID
    queue_state: QueueState
    inbox_id: UUID
    document_id: UUID
    normalized_invoice: NormalizedInvoiceOut
    vendor_id: UUID | None
    vendor_candidates: list[UUID]
    problems: list[str]  # what keeps it from approval (the reference's posting errors)
    invoice_id: UUID | None
    intent_id: UUID | None
    reason: str | None
    created_at: datetime
    updated_at: datetime


class ReviewCasesOut(Out, kw_only=True):
    cases: list[ReviewCaseOut]
    total: int
    limit: int
    offset: int


class ApprovedOut(Out, kw_only=True):
    """camelCase, as the reference shows it."""

    reviewCaseId: UUID
    intentId: UUID
    invoiceId: UUID
