"""Invoice review cases (reference §2.5): an extracted incoming invoice waits for a person before
it becomes an invoice and a booking. The payload is the invoice as it will be recorded — in
cents, its VAT spread over the lines so the lines add up to the header exactly — and the
queue state says what it needs: `approval` (ready), `correction` (something to fix by PATCH),
`exception` (not an invoice), then `approved` or `rejected` for good.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Final, Literal
from uuid import UUID

import msgspec

from ledger.einvoice.extracted import ExtractedInvoice
from ledger.money import round_to_cents

QueueState = Literal["approval", "correction", "exception", "approved", "rejected"]
TERMINAL: Final = frozenset({"approved", "rejected"})
BASIS_POINTS: Final = Decimal(10_000)


class ReviewLine(msgspec.Struct, frozen=True, kw_only=True):
    description: str
    quantity: Decimal
    unit_price: Decimal  # net, in the invoice currency
    tax_rate: Decimal  # a fraction, 0.19
    net_cents: int
    tax_cents: int
    account_number: str | None = None  # else the vendor's default account


class ReviewInvoice(msgspec.Struct, frozen=True, kw_only=True):
    """The invoice the case will record (the reference's `normalized_invoice`)."""

    invoice_type: Literal["invoice", "credit_note"] = "invoice"
    vendor_name: str | None = None
    vendor_vat_id: str | None = None
    invoice_number: str | None = None
    invoice_date: date | None = None
    due_date: date | None = None
    currency: str = "EUR"
    total_net_cents: int = 0
    total_tax_cents: int = 0
    total_gross_cents: int = 0
    lines: tuple[ReviewLine, ...] = ()


class KnownCase(msgspec.Struct, kw_only=True):
    """A case as deciding on it needs it."""

    queue_state: str
    version: int
    payload: ReviewInvoice
    vendor_id: UUID | None
    is_invoice: bool
    document_id: UUID
    inbox_id: UUID


def payload_of(extracted: ExtractedInvoice) -> ReviewInvoice:
    lines = [
        ReviewLine(
            description=(line.description or "Position")[:500],
            quantity=line.quantity if line.quantity is not None else Decimal(1),
            unit_price=line.unit_price if line.unit_price is not None else line.line_total,
            tax_rate=line.tax_rate or Decimal(0),
            net_cents=round_to_cents(line.line_total),
            tax_cents=round_to_cents(line.line_total * (line.tax_rate or Decimal(0))),
        )
        for line in extracted.line_items
        if line.line_total is not None
    ]
    total_tax = _cents(extracted.total_tax)
    if lines and total_tax is not None:
        lines = _spread_tax(lines, total_tax)
    return ReviewInvoice(
        invoice_type="credit_note" if extracted.document_type == "credit_note" else "invoice",
        vendor_name=extracted.vendor_name,
        vendor_vat_id=extracted.vendor_vat_id,
        invoice_number=extracted.invoice_number,
        invoice_date=extracted.invoice_date,
        due_date=extracted.due_date,
        currency=extracted.currency or "EUR",
        total_net_cents=_cents(extracted.total_net) or 0,
        total_tax_cents=total_tax or 0,
        total_gross_cents=_cents(extracted.total_gross) or 0,
        lines=tuple(lines),
    )


def problems_of(payload: ReviewInvoice, vendor_id: UUID | None) -> list[str]:
    """What keeps the case from approval, in words."""
    problems = []
    if vendor_id is None:
        problems.append("Kein Lieferant zugeordnet.")
    if not payload.invoice_number:
        problems.append("Rechnungsnummer fehlt.")
    if payload.invoice_date is None:
        problems.append("Rechnungsdatum fehlt.")
    if not payload.lines:
        problems.append("Keine Rechnungspositionen.")
    net = sum(line.net_cents for line in payload.lines)
    tax = sum(line.tax_cents for line in payload.lines)
    if payload.lines and (net, tax) != (payload.total_net_cents, payload.total_tax_cents):
        problems.append("Die Positionen ergeben nicht die Summen der Rechnung.")
    if payload.total_net_cents + payload.total_tax_cents != payload.total_gross_cents:
        problems.append("Netto und Steuer ergeben nicht den Bruttobetrag.")
    return problems


def queue_state_of(payload: ReviewInvoice, vendor_id: UUID | None, is_invoice: bool) -> str:
    if not is_invoice:
        return "exception"
    return "correction" if problems_of(payload, vendor_id) else "approval"


def rate_bp(line: ReviewLine) -> int:
    return int(line.tax_rate * BASIS_POINTS)


def _spread_tax(lines: list[ReviewLine], total_tax: int) -> list[ReviewLine]:
    """The header's VAT is computed per rate, lines round one by one: put the difference (a
    few cents) on the largest lines, so the lines add up to the header's VAT."""
    difference = total_tax - sum(line.tax_cents for line in lines)
    if difference == 0 or abs(difference) > len(lines):
        return lines
    order = sorted(range(len(lines)), key=lambda i: -lines[i].net_cents)
    step = 1 if difference > 0 else -1
    adjusted = list(lines)
    for index in order[: abs(difference)]:
        line = adjusted[index]
        if line.tax_rate == 0:
            continue
        adjusted[index] = msgspec.structs.replace(line, tax_cents=line.tax_cents + step)
    return adjusted


def _cents(amount: Decimal | None) -> int | None:
    return None if amount is None else round_to_cents(amount)
