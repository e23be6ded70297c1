"""Reading e-invoices: every sample XRechnung and ZUGFeRD file field by field, the UBL and CII
forms of one invoice alike, the XML inside a ZUGFeRD PDF, and hostile or foreign files
refused without reading anything they point to."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import msgspec
import pypdf
import pytest
from facturx import generate_from_binary

from ledger.einvoice.errors import EInvoiceInvalid
from ledger.einvoice.model import Address, EInvoice
from ledger.einvoice.read import read_einvoice

FIXTURES = Path(__file__).parents[1] / "fixtures" / "einvoice"
LIEFERANT = Address(street="Lieferantenstraße 20", postcode="80333", city="München", country="DE")
KUNDE_MITTE = Address(street="Kundenstraße 15", postcode="69876", city="Frankfurt", country="DE")
TWO_RATES = (("S", "7.00", "275.00", "19.25"), ("S", "19.00", "198.00", "37.62"))
EN16931_TOTALS = ("473.00", "473.00", "56.87", "529.87", "0.00", "529.87")


def read(name: str) -> EInvoice:
    return read_einvoice((FIXTURES / name).read_bytes())


def zugferd_pdf(xml: bytes) -> bytes:
    """A one-page PDF carrying `xml` as its factur-x.xml, as a ZUGFeRD sender makes it."""
    writer = pypdf.PdfWriter()
    writer.add_blank_page(595, 842)
    page = io.BytesIO()
    writer.write(page)
    return generate_from_binary(page.getvalue(), xml, check_xsd=False)


# The XRechnung test suite's invoice 01.01a, the same in both syntaxes.
XRECHNUNG_01_01A = (
    "380",
    "123456XX",
    date(2016, 4, 4),
    None,
    "EUR",
    "04011000-12345-03",
    ("[Seller name]", "DE 123456789", None, "[Seller city]"),
    ("[Buyer name]", None, "[Buyer identifier]"),
    (("S", "7", "314.86", "22.04"),),
    ("314.86", "314.86", "22.04", "336.9", None, "336.9"),
    ("DE79000000001234567890",),
    2,
)

# (file, syntax, profile, type, number, issued, due, currency, buyer reference,
#  seller (name, vat id, tax number, address), buyer (name, vat id, identifier),
#  vat breakdown, totals (line, basis, tax, grand, prepaid, due), ibans, line count)
SAMPLES = [
    (
        "xrechnung-01.01a-INVOICE_ubl.xml",
        "ubl",
        "xrechnung",
        *XRECHNUNG_01_01A,
    ),
    (
        "xrechnung-01.01a-INVOICE_uncefact.xml",
        "cii",
        "xrechnung",
        *XRECHNUNG_01_01A,
    ),
    (
        "zugferd_2p1_EN16931_Einfach.xml",
        "cii",
        "en16931",
        "380",
        "471102",
        date(2018, 3, 5),
        None,
        "EUR",
        None,
        ("Lieferant GmbH", "DE123456789", "201/113/40209", "München"),
        ("Kunden AG Mitte", None, "GE2020211"),
        TWO_RATES,
        EN16931_TOTALS,
        (),
        2,
    ),
    (
        "zugferd_2p1_EN16931_Gutschrift.xml",
        "cii",
        "en16931",
        "389",  # a Gutschrift: self-billed by the buyer, not a credit note
        "471102",
        date(2018, 3, 5),
        None,
        "EUR",
        None,
        ("Lieferant GmbH", "DE123456789", "201/113/40209", "München"),
        ("Kunden AG Mitte", "DE136695976", "GE2020211"),
        TWO_RATES,
        EN16931_TOTALS,
        (),
        2,
    ),
    (
        "zugferd_2p1_EXTENDED_Fremdwaehrung.xml",
        "cii",
        "extended",
        "380",
        "47110815",
        date(2018, 10, 31),
        date(2018, 11, 20),
        "GBP",
        None,
        ("Rohstoff AG Salzgitter", "DE123456789", None, "Salzgitter"),
        ("Metallbau Leipzig GmbH & Co. KG", None, "75969813"),
        (("S", "19", "858.75", "163.16"),),  # the GBP tax; the EUR figure is BT-111
        ("850", "858.75", "163.16", "1021.91", "500", "521.91"),
        ("DE12 1234 4321 9876 00",),
        1,
    ),
    (
        "zugferd_2p1_MINIMUM_Rechnung.xml",
        "cii",
        "minimum",
        "380",
        "471102",
        date(2020, 3, 5),
        None,
        "EUR",
        None,
        ("Lieferant GmbH", "DE123456789", "201/113/40209", None),
        ("Kunden AG Frankreich", None, None),
        (),
        (None, "198.00", "37.62", "235.62", None, "235.62"),
        (),
        0,
    ),
    (
        "zugferd_2p1_XRECHNUNG_Einfach.xml",
        "cii",
        "xrechnung",
        "380",
        "471102",
        date(2018, 3, 5),
        None,
        "EUR",
        "04011000-12345-34",
        ("Lieferant GmbH", "DE123456789", "201/113/40209", "München"),
        ("Kunden AG Mitte", None, "GE2020211"),
        TWO_RATES,
        EN16931_TOTALS,
        ("DE02120300000000202051",),
        2,
    ),
]


@pytest.mark.parametrize(
    (
        "name",
        "syntax",
        "profile",
        "type_code",
        "number",
        "issued",
        "due",
        "currency",
        "buyer_reference",
        "seller",
        "buyer",
        "vat",
        "totals",
        "ibans",
        "line_count",
    ),
    SAMPLES,
    ids=[sample[0] for sample in SAMPLES],
)
def test_every_sample_reads_field_by_field(
    name,
    syntax,
    profile,
    type_code,
    number,
    issued,
    due,
    currency,
    buyer_reference,
    seller,
    buyer,
    vat,
    totals,
    ibans,
    line_count,
):
    invoice = read(name)

    assert (invoice.syntax, invoice.profile, invoice.type_code) == (syntax, profile, type_code)
    assert (invoice.number, invoice.issue_date, invoice.due_date) == (number, issued, due)
    assert (invoice.currency, invoice.buyer_reference) == (currency, buyer_reference)
    city = invoice.seller.address.city if invoice.seller.address else None
    assert (invoice.seller.name, invoice.seller.vat_id, invoice.seller.tax_number, city) == seller
    assert (invoice.buyer.name, invoice.buyer.vat_id, invoice.buyer.identifier) == buyer
    assert [
        (v.category, v.rate, v.taxable_amount, v.tax_amount) for v in invoice.vat_breakdown
    ] == [tuple(Decimal(x) if i else x for i, x in enumerate(row)) for row in vat]
    t = invoice.totals
    assert (
        t.line_total,
        t.tax_basis_total,
        t.tax_total,
        t.grand_total,
        t.prepaid,
        t.due_payable,
    ) == (tuple(None if x is None else Decimal(x) for x in totals))
    assert (invoice.ibans, len(invoice.lines)) == (ibans, line_count)


def test_a_line_carries_its_quantity_unit_price_and_tax():
    [first, second] = read("zugferd_2p1_EN16931_Einfach.xml").lines
    assert (first.line_id, first.name, first.quantity, first.unit_code) == (
        "1",
        "Trennblätter A4",
        Decimal("20.0000"),
        "H87",
    )
    assert (first.net_price, first.net_amount, first.vat_category, first.vat_rate) == (
        Decimal("9.9000"),
        Decimal("198.00"),
        "S",
        Decimal("19.00"),
    )
    assert (second.vat_rate, second.net_amount) == (Decimal("7.00"), Decimal("275.00"))


def test_the_ubl_and_cii_forms_of_one_invoice_read_the_same():
    ubl = read("xrechnung-01.01a-INVOICE_ubl.xml")
    cii = read("xrechnung-01.01a-INVOICE_uncefact.xml")

    assert msgspec.structs.replace(ubl, syntax="cii") == cii
    assert ubl.seller.address == Address(
        street="[Seller address line 1]", postcode="12345", city="[Seller city]", country="DE"
    )
    assert [(n.subject, n.text[:10]) for n in ubl.notes] == [("ADU", "Es gelten ")]


def test_minimum_is_a_booking_aid_and_the_others_are_invoices():
    assert read("zugferd_2p1_MINIMUM_Rechnung.xml").is_booking_aid
    assert not read("zugferd_2p1_EN16931_Einfach.xml").is_booking_aid
    assert read("zugferd_2p1_EN16931_Einfach.xml").seller.address == LIEFERANT
    assert read("zugferd_2p1_EN16931_Einfach.xml").buyer.address == KUNDE_MITTE


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">&lol3;</Invoice>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">&secret;</Invoice>"""


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (BILLION_LAUGHS, "DTD"),
        (EXTERNAL_ENTITY, "DTD"),
        (b"<Document/>", "not an e-invoice"),
        (b"not xml at all", "not well-formed"),
        (b"%PDF-1.4\nnothing in here\n%%EOF", "PDF"),
        (
            (FIXTURES / "zugferd_2p1_MINIMUM_Rechnung.xml")
            .read_bytes()
            .replace(b"235.62</ram:GrandTotalAmount>", b"zwei</ram:GrandTotalAmount>"),
            "is not a number",
        ),
    ],
    ids=["billion-laughs", "external-entity", "foreign-xml", "not-xml", "pdf-without-xml", "nan"],
)
def test_a_file_that_is_no_readable_einvoice_is_refused(content: bytes, fragment: str):
    with pytest.raises(EInvoiceInvalid, match=fragment):
        read_einvoice(content)


def test_a_zugferd_pdf_reads_as_the_xml_it_carries():
    xml = (FIXTURES / "zugferd_2p1_EN16931_Einfach.xml").read_bytes()
    assert read_einvoice(zugferd_pdf(xml)) == read_einvoice(xml)


def test_a_pdf_with_a_huge_embedded_invoice_is_refused():
    xml = (FIXTURES / "zugferd_2p1_EN16931_Einfach.xml").read_bytes()
    note = (
        b"<ram:IncludedNote><ram:Content>" + b"x" * 1_000_000 + b"</ram:Content></ram:IncludedNote>"
    )
    padded = xml.replace(b"<rsm:ExchangedDocument>", b"<rsm:ExchangedDocument>" + note * 8, 1)
    with pytest.raises(EInvoiceInvalid, match="embedded XML has"):
        read_einvoice(zugferd_pdf(padded))
