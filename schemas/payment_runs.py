"""Payment runs and their SEPA export (reference §2.1, §3.4)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

from msgspec import Meta

from schemas.journal import NO_NUL_PATTERN, Out, Wire

RunStatus = Literal["draft", "approved", "exported", "completed", "cancelled"]
PAYMENT_RUN_INVOICES_MAX = 1_000


class PaymentRunIn(Wire, kw_only=True):
    bank_account_id: UUID
    execution_date: date
    invoice_ids: Annotated[list[UUID], Meta(min_length=1, max_length=PAYMENT_RUN_INVOICES_MAX)]
    label: Annotated[str, Meta(max_length=200, pattern=NO_NUL_PATTERN)] | None = None


class PaymentItemOut(Out, kw_only=True):
    id: UUID
    invoice_id: UUID
    vendor_id: UUID
    vendor_name: str
    vendor_iban: str
    vendor_bic: str | None
    amount: Decimal
    reference: str
    end_to_end_id: str


class PaymentRunSummaryOut(Out, kw_only=True):
    id: UUID
    status: RunStatus
    label: str | None
    bank_account_id: UUID
    execution_date: date
    total_amount: Decimal
    invoice_count: int
    message_id: str | None
    created_at: datetime
    updated_at: datetime


class PaymentRunOut(PaymentRunSummaryOut, kw_only=True):
    items: list[PaymentItemOut]


class PaymentRunsOut(Out, kw_only=True):
    payment_runs: list[PaymentRunSummaryOut]
    total: int
    limit: int
    offset: int


class EligibleInvoiceOut(Out, kw_only=True):
    id: UUID
    vendor_id: UUID
    vendor_name: str
    invoice_number: str
    invoice_date: date
    due_date: date | None
    total_gross: Decimal
    remaining_amount: Decimal
    currency: str
    intent_id: UUID
    iban_missing: bool


class EligibleInvoicesOut(Out, kw_only=True):
    invoices: list[EligibleInvoiceOut]


class RunRefOut(Out, kw_only=True):
    id: UUID
    status: RunStatus


class SepaExportOut(Out, kw_only=True):
    run: RunRefOut
    sepa_xml: str
    message_id: str
    number_of_transactions: int
    control_sum: Decimal
    sepa_version: str
