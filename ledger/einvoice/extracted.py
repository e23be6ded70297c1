"""What extracting a document yields (reference §3.4, `POST /v1/ocr/extract`): the invoice
fields, the text it was read from (`raw_markdown`) and which layer read it. Stored on the
document by a `document_extracted.v1` event."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

import msgspec

Layer = Literal["einvoice", "pdf_text", "ocr"]
DocumentType = Literal["invoice", "credit_note", "booking_aid", "unknown"]


class ExtractedLine(msgspec.Struct, frozen=True, kw_only=True):
    description: str | None
    quantity: Decimal | None
    unit_price: Decimal | None
    tax_rate: Decimal | None  # a fraction, 0.19, as on invoice lines
    line_total: Decimal | None  # net


class ExtractedInvoice(msgspec.Struct, frozen=True, kw_only=True):
    layer: Layer
    profile: str | None  # the e-invoice profile (einvoice layer)
    document_type: DocumentType
    vendor_name: str | None = None
    vendor_vat_id: str | None = None
    vendor_tax_number: str | None = None
    vendor_iban: str | None = None
    vendor_address: str | None = None
    buyer_name: str | None = None
    buyer_vat_id: str | None = None
    invoice_number: str | None = None
    invoice_date: date | None = None
    due_date: date | None = None
    delivery_date: date | None = None
    total_net: Decimal | None = None
    total_tax: Decimal | None = None
    total_gross: Decimal | None = None
    currency: str | None = None
    tax_rates: tuple[Decimal, ...] = ()  # percent, as printed
    line_items: tuple[ExtractedLine, ...] = ()
    payment_terms: str | None = None
    reference_text: str | None = None
    raw_markdown: str = ""
