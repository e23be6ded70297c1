"""Extracting invoice fields from a stored document, layer by layer, honest about which layer
read it (docs/api.md, "Extraction"):

1. `einvoice` — an XRechnung / ZUGFeRD / Factur-X file, or the XML inside a PDF: exact.
2. `pdf_text` — a PDF with a text layer: its text and the patterns of `patterns.py`.
3. `ocr` — a scan (JPEG, PNG, or a PDF without text): Tesseract, when it is installed
   (Debian `tesseract-ocr`, `tesseract-ocr-deu`), then the same patterns.

What cannot be read raises `ExtractionFailed` with the reason, never a crash.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from decimal import Decimal
from typing import Final

from ledger.einvoice.errors import EInvoiceInvalid
from ledger.einvoice.extracted import ExtractedInvoice, ExtractedLine
from ledger.einvoice.model import EInvoice, Party
from ledger.einvoice.patterns import fields_from_text
from ledger.einvoice.read import embedded_xml_or_none, read_einvoice
from ledger.errors import Rejected

PDF_PAGES_MAX: Final = 50
OCR_TIMEOUT_S: Final = 120
TEXT_CHARS_MIN: Final = 20  # less text than this on every page: a scan
HUNDRED: Final = Decimal(100)


class ExtractionFailed(Rejected):
    code = "OCR_FAILED"


def extract(content: bytes, mime_type: str) -> ExtractedInvoice:
    if mime_type == "application/xml":
        return from_einvoice(read_einvoice(content))
    if mime_type == "application/pdf":
        xml = embedded_xml_or_none(content)
        if xml is not None:
            return from_einvoice(read_einvoice(xml))
        text = pdf_text(content)
        if len(text.strip()) >= TEXT_CHARS_MIN:
            return from_text(text, "pdf_text")
        raise ExtractionFailed(
            "The PDF has no text layer (a scan) and carries no e-invoice; scans of PDFs need "
            "an OCR engine that renders pages, which this server does not have.",
            reason="no_text",
        )
    if mime_type in ("image/jpeg", "image/png"):
        return from_text(ocr_text(content), "ocr")
    raise ExtractionFailed(f"Documents of type {mime_type} are not extracted.", reason="type")


def from_einvoice(invoice: EInvoice) -> ExtractedInvoice:
    seller = invoice.seller
    document_type = (
        "booking_aid"
        if invoice.is_booking_aid
        else "credit_note"
        if invoice.is_credit_note
        else "invoice"
    )
    return ExtractedInvoice(
        layer="einvoice",
        profile=invoice.profile,
        document_type=document_type,
        vendor_name=seller.name or seller.trading_name,
        vendor_vat_id=_compact(seller.vat_id),
        vendor_tax_number=seller.tax_number,
        vendor_iban=_compact(invoice.ibans[0]) if invoice.ibans else None,
        vendor_address=_address(seller),
        buyer_name=invoice.buyer.name,
        buyer_vat_id=_compact(invoice.buyer.vat_id),
        invoice_number=invoice.number,
        invoice_date=invoice.issue_date,
        due_date=invoice.due_date,
        total_net=invoice.totals.tax_basis_total,
        total_tax=invoice.totals.tax_total,
        total_gross=invoice.totals.grand_total,
        currency=invoice.currency,
        tax_rates=tuple(sorted({v.rate for v in invoice.vat_breakdown if v.rate is not None})),
        line_items=tuple(
            ExtractedLine(
                description=line.name or line.description,
                quantity=line.quantity,
                unit_price=line.net_price,
                tax_rate=None if line.vat_rate is None else line.vat_rate / HUNDRED,
                line_total=line.net_amount,
            )
            for line in invoice.lines
        ),
        payment_terms=invoice.payment_terms,
        reference_text=invoice.buyer_reference,
        raw_markdown=markdown_of(invoice),
    )


def from_text(text: str, layer: str) -> ExtractedInvoice:
    fields = fields_from_text(text)
    return ExtractedInvoice(
        layer=layer,  # type: ignore[arg-type]
        profile=None,
        document_type="invoice" if fields.invoice_number else "unknown",
        vendor_name=fields.vendor_name,
        vendor_vat_id=fields.vendor_vat_id,
        vendor_iban=fields.vendor_iban,
        invoice_number=fields.invoice_number,
        invoice_date=fields.invoice_date,
        due_date=fields.due_date,
        total_net=fields.total_net,
        total_tax=fields.total_tax,
        total_gross=fields.total_gross,
        currency=fields.currency,
        tax_rates=tuple(sorted({t.rate for t in fields.taxes})),
        raw_markdown=text,
    )


def pdf_text(content: bytes) -> str:
    import pypdf  # here: only PDFs need it

    try:
        reader = pypdf.PdfReader(io.BytesIO(content))
        pages = reader.pages[:PDF_PAGES_MAX]
        return "\n\n".join(page.extract_text() or "" for page in pages)
    except Exception as error:  # pypdf raises many kinds for broken files
        raise ExtractionFailed(f"The PDF cannot be read: {error}.", reason="unreadable") from None


def ocr_text(image: bytes) -> str:
    engine = shutil.which("tesseract")
    if engine is None:
        raise ExtractionFailed(
            "No OCR engine is installed (Debian packages tesseract-ocr and "
            "tesseract-ocr-deu), so scans cannot be read here; the document is kept.",
            reason="no_ocr_engine",
        )
    try:
        done = subprocess.run(
            [engine, "stdin", "stdout", "-l", "deu+eng"],
            input=image,
            capture_output=True,
            timeout=OCR_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ExtractionFailed("OCR took too long.", reason="timeout") from None
    if done.returncode != 0:
        raise ExtractionFailed("The OCR engine could not read the image.", reason="unreadable")
    return done.stdout.decode("utf-8", errors="replace")


def markdown_of(invoice: EInvoice) -> str:
    """The invoice as Markdown: what `raw_markdown` shows for a structured invoice."""
    rows = [
        f"# {'Gutschrift' if invoice.is_credit_note else 'Rechnung'} {invoice.number}",
        "",
        f"- Datum: {invoice.issue_date.isoformat()}",
        f"- Verkäufer: {invoice.seller.name or ''} ({invoice.seller.vat_id or '-'})",
        f"- Käufer: {invoice.buyer.name or ''}",
        f"- Währung: {invoice.currency}",
        f"- Netto: {invoice.totals.tax_basis_total}, USt: {invoice.totals.tax_total}, "
        f"Brutto: {invoice.totals.grand_total}",
        "",
        "| Pos. | Bezeichnung | Menge | Preis | Netto | USt % |",
        "|---|---|---|---|---|---|",
    ]
    rows += [
        f"| {line.line_id} | {line.name or ''} | {line.quantity or ''} | {line.net_price or ''} "
        f"| {line.net_amount or ''} | {line.vat_rate or ''} |"
        for line in invoice.lines
    ]
    return "\n".join(rows) + "\n"


def _compact(value: str | None) -> str | None:
    return None if value is None else value.replace(" ", "")


def _address(party: Party) -> str | None:
    address = party.address
    if address is None:
        return None
    town = " ".join(part for part in (address.postcode, address.city) if part)
    parts = [address.street, address.additional_street, town, address.country]
    return ", ".join(part for part in parts if part) or None


__all__ = ["EInvoiceInvalid", "ExtractionFailed", "extract"]
