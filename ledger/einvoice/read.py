"""Reading a structured e-invoice from a file: XRechnung or ZUGFeRD/Factur-X XML as it is, or
the XML a ZUGFeRD / Factur-X PDF (PDF/A-3) carries as an embedded file.

Untrusted input: XML is parsed without entities, DTDs or network access and refused when it
declares a DTD; the PDF's embedded XML is taken through `factur-x` and must stay small.
"""

from __future__ import annotations

from typing import Final

from lxml import etree

from ledger.einvoice import cii, ubl
from ledger.einvoice.errors import EInvoiceInvalid
from ledger.einvoice.model import EInvoice
from ledger.untrusted_xml import safe_root as untrusted_root

EINVOICE_XML_BYTES_MAX: Final = 5 * 1024 * 1024
PDF_MAGIC: Final = b"%PDF-"


def read_einvoice(content: bytes) -> EInvoice:
    """The normalized invoice of an XRechnung (UBL or CII) or ZUGFeRD / Factur-X file."""
    xml = embedded_xml(content) if content.startswith(PDF_MAGIC) else content
    root = safe_root(xml)
    if root.tag == cii.ROOT:
        return cii.read(root)
    if root.tag in ubl.ROOTS:
        return ubl.read(root)
    raise EInvoiceInvalid(
        f"The XML is a {etree.QName(root).localname}, not an e-invoice (UBL Invoice or "
        "CreditNote, or UN/CEFACT CrossIndustryInvoice).",
        root=etree.QName(root).localname,
    )


def is_einvoice_xml(content: bytes) -> bool:
    """Whether the bytes are XML with an e-invoice root (without raising)."""
    try:
        root = safe_root(content)
    except EInvoiceInvalid:
        return False
    return root.tag == cii.ROOT or root.tag in ubl.ROOTS


def embedded_xml(pdf: bytes) -> bytes:
    """The Factur-X / ZUGFeRD XML inside a PDF; refused when it has none."""
    xml = embedded_xml_or_none(pdf)
    if xml is None:
        raise EInvoiceInvalid(
            "The PDF carries no ZUGFeRD / Factur-X / XRechnung XML (factur-x.xml, "
            "zugferd-invoice.xml or xrechnung.xml)."
        )
    return xml


def embedded_xml_or_none(pdf: bytes) -> bytes | None:
    """The Factur-X / ZUGFeRD XML inside a PDF (factur-x finds it by its file name), or None."""
    from facturx import get_xml_from_pdf  # imported here: it loads pypdf

    try:
        _, xml = get_xml_from_pdf(pdf, check_xsd=False)
    except Exception as error:  # factur-x raises plain Exceptions for unreadable PDFs
        raise EInvoiceInvalid(f"The PDF cannot be read: {error}.") from None
    if not xml:
        return None
    if len(xml) > EINVOICE_XML_BYTES_MAX:
        raise EInvoiceInvalid(
            f"The embedded XML has {len(xml):,} bytes; at most {EINVOICE_XML_BYTES_MAX:,}."
        )
    return xml


def safe_root(content: bytes) -> etree._Element:
    return untrusted_root(
        content, bytes_max=EINVOICE_XML_BYTES_MAX, refusal=EInvoiceInvalid, what="XML"
    )
