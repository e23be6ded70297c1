"""Document extraction (`POST /v1/ocr/extract`): the reference's field set, plus which layer
read it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal
from uuid import UUID

from schemas.journal import Out, Wire


class ExtractIn(Wire, kw_only=True):
    document_id: UUID


class LineItemOut(Out, kw_only=True):
    description: str | None
    quantity: Decimal | None
    unit_price: Decimal | None
    tax_rate: Decimal | None  # a fraction: 0.19
    line_total: Decimal | None


class ExtractionOut(Out, kw_only=True):
    document_id: UUID
    layer: Literal["einvoice", "pdf_text", "ocr"]
    profile: str | None
    document_type: Literal["invoice", "credit_note", "booking_aid", "unknown"]
    vendor_name: str | None
    vendor_vat_id: str | None
    vendor_tax_number: str | None
    vendor_iban: str | None
    vendor_address: str | None
    buyer_name: str | None
    buyer_vat_id: str | None
    invoice_number: str | None
    invoice_date: date | None
    due_date: date | None
    delivery_date: date | None
    total_net: Decimal | None
    total_tax: Decimal | None
    total_gross: Decimal | None
    currency: str | None
    tax_rates: list[Decimal]
    line_items: list[LineItemOut]
    payment_terms: str | None
    reference_text: str | None
    raw_markdown: str
