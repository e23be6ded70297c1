"""Extracting documents over HTTP: an XRechnung exactly, a ZUGFeRD PDF by the XML it carries,
a PDF by its text, a scan refused clearly when no OCR engine is installed, and the result
kept on the document."""

from __future__ import annotations

import io
import shutil
import uuid
from pathlib import Path

import pytest
from facturx import generate_from_binary

from tests.conftest import Tenant, error_details
from tests.http.mailing import PNG_1X1

EINVOICES = Path(__file__).parents[1] / "fixtures" / "einvoice"


def text_pdf(lines: list[str]) -> bytes:
    """A one-page PDF whose text layer holds `lines` (Helvetica, ASCII)."""
    body = "BT /F1 11 Tf 50 800 Td 14 TL " + " ".join(f"({line}) '" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        " /Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(body)} >>\nstream\n{body}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.4\n")
    for number, content in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n{content}\nendobj\n".encode("latin-1"))
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


async def upload(tenant: Tenant, name: str, content: bytes, mime: str) -> str:
    response = await tenant.client.post(
        "/v1/documents", headers=tenant.headers, files={"file": (name, content, mime)}
    )
    assert response.status_code == 200, response.text
    return response.json()["id"]


async def extract(tenant: Tenant, document_id: str):
    return await tenant.post("/v1/ocr/extract", {"document_id": document_id})


async def test_an_xrechnung_is_read_exactly_and_kept_on_the_document(tenant: Tenant):
    xml = (EINVOICES / "zugferd_2p1_XRECHNUNG_Einfach.xml").read_bytes()
    document_id = await upload(tenant, "rechnung.xml", xml, "application/xml")

    response = await extract(tenant, document_id)

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["layer"], body["profile"], body["document_type"]) == (
        "einvoice",
        "xrechnung",
        "invoice",
    )
    assert (body["vendor_name"], body["vendor_vat_id"], body["vendor_iban"]) == (
        "Lieferant GmbH",
        "DE123456789",
        "DE02120300000000202051",
    )
    assert (body["invoice_number"], body["invoice_date"], body["currency"]) == (
        "471102",
        "2018-03-05",
        "EUR",
    )
    assert (body["total_net"], body["total_tax"], body["total_gross"]) == (473, 56.87, 529.87)
    assert [(i["description"], i["tax_rate"]) for i in body["line_items"]] == [
        ("Trennblätter A4", 0.19),
        ("Joghurt Banane", 0.07),
    ]
    assert body["raw_markdown"].startswith("# Rechnung 471102")
    stored = await tenant.ledger.pool.fetchrow(
        "select version, ocr_layer from documents where id = $1", uuid.UUID(document_id)
    )
    assert (stored["version"], stored["ocr_layer"]) == (2, "einvoice")


async def test_a_zugferd_pdf_is_read_by_the_xml_it_carries(tenant: Tenant):
    xml = (EINVOICES / "zugferd_2p1_EN16931_Einfach.xml").read_bytes()
    pdf = generate_from_binary(text_pdf(["Rechnung 471102"]), xml, check_xsd=False)
    document_id = await upload(tenant, "rechnung.pdf", pdf, "application/pdf")

    body = (await extract(tenant, document_id)).json()

    assert (body["layer"], body["invoice_number"], body["total_gross"]) == (
        "einvoice",
        "471102",
        529.87,
    )


async def test_a_pdf_with_text_is_read_by_the_patterns(tenant: Tenant):
    pdf = text_pdf(
        [
            "Muster Buero GmbH",
            "USt-IdNr.: DE136695976",
            "Rechnungsnummer: RE-2026-77",
            "Rechnungsdatum: 05.03.2026",
            "Nettobetrag: 100,00 EUR",
            "USt 19 % auf 100,00 EUR: 19,00 EUR",
            "Gesamtbetrag: 119,00 EUR",
        ]
    )
    document_id = await upload(tenant, "scan-text.pdf", pdf, "application/pdf")

    response = await extract(tenant, document_id)

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["layer"], body["vendor_name"], body["vendor_vat_id"]) == (
        "pdf_text",
        "Muster Buero GmbH",
        "DE136695976",
    )
    assert (body["invoice_number"], body["total_net"], body["total_tax"], body["total_gross"]) == (
        "RE-2026-77",
        100,
        19,
        119,
    )
    assert "Rechnungsnummer: RE-2026-77" in body["raw_markdown"]


@pytest.mark.skipif(shutil.which("tesseract") is not None, reason="an OCR engine is installed")
async def test_a_scan_without_an_ocr_engine_is_refused_clearly_and_kept(tenant: Tenant):
    document_id = await upload(tenant, "scan.png", PNG_1X1, "image/png")

    details = error_details(await extract(tenant, document_id), 422, "OCR_FAILED")

    assert details["reason"] == "no_ocr_engine"
    assert (await tenant.get(f"/v1/documents/{document_id}/file")).status_code == 200


async def test_extracting_an_unknown_document_is_not_found(tenant: Tenant, other_tenant: Tenant):
    foreign = await upload(other_tenant, "x.xml", b"<a/>", "application/xml")
    for document_id in (str(uuid.uuid4()), foreign):
        error_details(await extract(tenant, document_id), 404, "NOT_FOUND")


async def test_an_xml_that_is_no_einvoice_is_a_clear_error(tenant: Tenant):
    document_id = await upload(tenant, "x.xml", b"<Document>nix</Document>", "application/xml")
    error_details(await extract(tenant, document_id), 400, "EINVOICE_INVALID")
