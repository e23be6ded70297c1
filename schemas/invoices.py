"""Outgoing and incoming invoices and credit notes (reference §2.3, §3.3, §3.4)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec
from msgspec import Meta

from schemas import limits
from schemas.journal import NO_NUL_PATTERN, AccountNumber, Out, Wire
from schemas.money import check_amount, check_positive_decimal

InvoiceType = Literal["invoice", "credit_note"]
InvoiceStatus = Literal["draft", "open", "partially_paid", "paid", "overdue"]
InvoiceNumber = Annotated[
    str, Meta(min_length=1, max_length=limits.INVOICE_NUMBER_CHARS_MAX, pattern=NO_NUL_PATTERN)
]
LineText = Annotated[
    str,
    Meta(
        min_length=1, max_length=limits.INVOICE_LINE_DESCRIPTION_CHARS_MAX, pattern=NO_NUL_PATTERN
    ),
]
Notes = Annotated[str, Meta(max_length=limits.INVOICE_NOTES_CHARS_MAX, pattern=NO_NUL_PATTERN)]
Currency = Annotated[str, Meta(pattern=r"^[A-Z]{3}$")]


class InvoiceLineIn(Wire, kw_only=True):
    position: Annotated[int, Meta(ge=1, le=100_000)]
    description: LineText
    quantity: Decimal
    unit_price: Decimal  # net
    tax_rate: Decimal  # 0..1, e.g. 0.19
    tax_amount: Decimal
    line_total: Decimal  # gross
    account_number: AccountNumber | None = None

    def __post_init__(self) -> None:
        check_positive_decimal(self.quantity, "quantity", decimals_max=limits.QUANTITY_DECIMALS_MAX)
        if self.unit_price != 0:
            check_positive_decimal(
                self.unit_price, "unit_price", decimals_max=limits.UNIT_PRICE_DECIMALS_MAX
            )
        if not self.tax_rate.is_finite() or not 0 <= self.tax_rate <= 1:
            raise ValueError("tax_rate must be between 0 and 1 (0.19 for 19 %)")
        if self.tax_rate != self.tax_rate.quantize(Decimal("0.0001")):
            raise ValueError("tax_rate must have at most four decimal places (0.055)")
        check_amount(self.tax_amount, "tax_amount")
        check_amount(self.line_total, "line_total")


class _InvoiceIn(Wire, kw_only=True):
    invoice_number: InvoiceNumber
    invoice_date: date
    due_date: date | None = None
    total_net: Decimal
    total_tax: Decimal
    total_gross: Decimal
    currency: Currency = "EUR"
    intent_id: UUID | None = None
    document_id: UUID | None = None
    notes: Notes | None = None
    lines: Annotated[list[InvoiceLineIn], Meta(min_length=1, max_length=limits.INVOICE_LINES_MAX)]
    book: bool = False  # post the journal intent with the invoice (docs/api.md)

    def __post_init__(self) -> None:
        for name in ("total_net", "total_tax", "total_gross"):
            check_amount(getattr(self, name), name)


class OutgoingInvoiceIn(_InvoiceIn, kw_only=True):
    customer_id: UUID
    type: InvoiceType


class IncomingInvoiceIn(_InvoiceIn, kw_only=True):
    vendor_id: UUID
    type: InvoiceType = "invoice"


class InvoicePatchIn(Wire, kw_only=True):
    """Only these change: `intent_id` once, `notes` and `due_date` (null clears)."""

    intent_id: UUID | msgspec.UnsetType | None = msgspec.UNSET
    notes: Notes | msgspec.UnsetType | None = msgspec.UNSET
    due_date: date | msgspec.UnsetType | None = msgspec.UNSET


class InvoiceLineOut(Out, kw_only=True):
    position: int
    description: str
    quantity: Decimal
    unit_price: Decimal
    tax_rate: Decimal
    tax_amount: Decimal
    line_total: Decimal
    account_number: str | None


@dataclass(frozen=True)
class InvoiceSchemas:
    """The answer types of one direction: the reference names the party `customer_…` on
    outgoing invoices and `vendor_…` on incoming ones, so each direction has its own."""

    summary: type[Out]
    invoice: type[Out]
    page: type[Out]
    party_items: type[Out]
    open_items: type[Out]
    ageing_row: type[Out]
    ageing: type[Out]


def _summary_fields(party: str) -> list[tuple[str, Any]]:
    return [
        ("id", UUID),
        (f"{party}_id", UUID),
        (f"{party}_name", str),
        ("invoice_number", str),
        ("invoice_date", date),
        ("due_date", date | None),
        ("currency", str),
        ("total_net", Decimal),
        ("total_tax", Decimal),
        ("total_gross", Decimal),
        ("type", InvoiceType),
        ("status", InvoiceStatus),
        ("remaining_amount", Decimal),
        ("intent_id", UUID | None),
        ("document_id", UUID | None),
    ]


def _struct(name: str, fields: list[tuple[str, Any]]) -> type[Out]:
    return msgspec.defstruct(name, fields, bases=(Out,), kw_only=True)


def _schemas(prefix: str, party: str) -> InvoiceSchemas:
    summary = _struct(f"{prefix}InvoiceSummaryOut", _summary_fields(party))
    invoice = _struct(
        f"{prefix}InvoiceOut",
        [
            *_summary_fields(party),
            ("notes", str | None),
            ("lines", list[InvoiceLineOut]),
            ("created_at", datetime),
            ("updated_at", datetime),
        ],
    )
    page = _struct(
        f"{prefix}InvoicesOut",
        [("invoices", list[summary]), ("total", int), ("limit", int), ("offset", int)],
    )
    party_items = _struct(
        f"{prefix}PartyOpenItemsOut",
        [
            (f"{party}_id", UUID),
            (f"{party}_name", str),
            ("account_number", str),
            ("total_open", Decimal),
            ("credit_note_total", Decimal),
            ("net_open", Decimal),
            ("invoices", list[OpenItemOut]),
        ],
    )
    open_items = _struct(f"{prefix}OpenItemsOut", [(f"{party}s", list[party_items])])
    ageing_row = _struct(
        f"{prefix}AgeingRowOut",
        [
            (f"{party}_id", UUID | None),  # null on the totals row
            (f"{party}_name", str),
            ("current", Decimal),
            ("days_1_30", Decimal),
            ("days_31_60", Decimal),
            ("days_61_90", Decimal),
            ("days_over_90", Decimal),
            ("total", Decimal),
        ],
    )
    ageing = _struct(
        f"{prefix}AgeingOut", [("as_of", date), ("rows", list[ageing_row]), ("totals", ageing_row)]
    )
    return InvoiceSchemas(summary, invoice, page, party_items, open_items, ageing_row, ageing)


class OpenItemOut(Out, kw_only=True):
    id: UUID
    invoice_number: str
    invoice_date: date
    due_date: date | None
    total_gross: Decimal
    type: InvoiceType
    status: InvoiceStatus
    currency: str
    remaining_amount: Decimal  # in the invoice's currency
    base_amount: Decimal  # the same in EUR, by the linked intent's EUR amount
    base_currency: str
    intent_id: UUID


OUTGOING = _schemas("Outgoing", "customer")
INCOMING = _schemas("Incoming", "vendor")
