"""OASIS UBL 2.1 Invoice and CreditNote (XRechnung UBL, Peppol BIS) into the normalized invoice.
Paths from formats.md §4.4; XRechnung's `#SUBJECT#text` notes are split like CII's."""

from __future__ import annotations

import re
from datetime import date
from typing import Final

from lxml import etree

from ledger.einvoice.errors import EInvoiceInvalid
from ledger.einvoice.model import (
    Address,
    EInvoice,
    Line,
    Note,
    Party,
    Totals,
    VatBreakdown,
    profile_of,
)
from ledger.einvoice.xml_fields import Fields

INVOICE: Final = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CREDIT_NOTE: Final = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
NAMESPACES: Final = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
ROOTS: Final = (f"{{{INVOICE}}}Invoice", f"{{{CREDIT_NOTE}}}CreditNote")
_SUBJECT_NOTE: Final = re.compile(r"^#([A-Z]{3})#(.*)$", re.DOTALL)
_FIELDS: Final = Fields(NAMESPACES)
_text, _decimal = _FIELDS.text, _FIELDS.decimal


def read(root: etree._Element) -> EInvoice:
    credit_note = root.tag == ROOTS[1]
    number = _text(root, "cbc:ID")
    issued = _date(root, "cbc:IssueDate")
    currency = _text(root, "cbc:DocumentCurrencyCode")
    if number is None or issued is None or currency is None:
        raise EInvoiceInvalid(
            "The invoice lacks its number, issue date or currency (BT-1, BT-2, BT-5)."
        )
    specification = _text(root, "cbc:CustomizationID")
    line_tag, quantity_tag = (
        ("cac:CreditNoteLine", "cbc:CreditedQuantity")
        if credit_note
        else ("cac:InvoiceLine", "cbc:InvoicedQuantity")
    )
    tax_total = _tax_total(root, currency)
    return EInvoice(
        syntax="ubl",
        specification=specification,
        profile=profile_of(specification),
        type_code=_text(root, "cbc:CreditNoteTypeCode" if credit_note else "cbc:InvoiceTypeCode")
        or ("381" if credit_note else "380"),
        number=number,
        issue_date=issued,
        due_date=_date(root, "cbc:DueDate") or _date(root, "cac:PaymentMeans/cbc:PaymentDueDate"),
        currency=currency,
        buyer_reference=_text(root, "cbc:BuyerReference"),
        seller=_party(root.find("cac:AccountingSupplierParty/cac:Party", NAMESPACES)),
        buyer=_party(root.find("cac:AccountingCustomerParty/cac:Party", NAMESPACES)),
        lines=tuple(_line(line, quantity_tag) for line in root.iterfind(line_tag, NAMESPACES)),
        vat_breakdown=()
        if tax_total is None
        else tuple(
            VatBreakdown(
                category=_text(subtotal, "cac:TaxCategory/cbc:ID"),
                rate=_decimal(subtotal, "cac:TaxCategory/cbc:Percent"),
                taxable_amount=_decimal(subtotal, "cbc:TaxableAmount"),
                tax_amount=_decimal(subtotal, "cbc:TaxAmount"),
                exemption_reason=_text(subtotal, "cac:TaxCategory/cbc:TaxExemptionReason"),
            )
            for subtotal in tax_total.iterfind("cac:TaxSubtotal", NAMESPACES)
        ),
        totals=Totals(
            line_total=_decimal(root, "cac:LegalMonetaryTotal/cbc:LineExtensionAmount"),
            tax_basis_total=_decimal(root, "cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount"),
            tax_total=None if tax_total is None else _decimal(tax_total, "cbc:TaxAmount"),
            grand_total=_decimal(root, "cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount"),
            prepaid=_decimal(root, "cac:LegalMonetaryTotal/cbc:PrepaidAmount"),
            due_payable=_decimal(root, "cac:LegalMonetaryTotal/cbc:PayableAmount"),
        ),
        payment_terms=_text(root, "cac:PaymentTerms/cbc:Note"),
        payment_means_code=_text(root, "cac:PaymentMeans/cbc:PaymentMeansCode"),
        ibans=tuple(
            element.text.strip()
            for element in root.iterfind(
                "cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID", NAMESPACES
            )
            if element.text and element.text.strip()
        ),
        notes=tuple(_note(element.text or "") for element in root.iterfind("cbc:Note", NAMESPACES)),
    )


def _tax_total(root: etree._Element, currency: str) -> etree._Element | None:
    """The TaxTotal in the invoice currency (a second one may be in the accounting currency)."""
    for total in root.iterfind("cac:TaxTotal", NAMESPACES):
        amount = total.find("cbc:TaxAmount", NAMESPACES)
        if amount is not None and amount.get("currencyID") in (None, currency):
            return total
    return None


def _party(party: etree._Element | None) -> Party:
    if party is None:
        return Party()
    vat_id = tax_number = None
    for scheme in party.iterfind("cac:PartyTaxScheme", NAMESPACES):
        if _text(scheme, "cac:TaxScheme/cbc:ID") == "VAT":
            vat_id = _text(scheme, "cbc:CompanyID")
        else:
            tax_number = _text(scheme, "cbc:CompanyID")
    address = party.find("cac:PostalAddress", NAMESPACES)
    return Party(
        name=_text(party, "cac:PartyLegalEntity/cbc:RegistrationName"),
        trading_name=_text(party, "cac:PartyName/cbc:Name"),
        identifier=_text(party, "cac:PartyIdentification/cbc:ID"),
        vat_id=vat_id,
        tax_number=tax_number,
        address=None
        if address is None
        else Address(
            street=_text(address, "cbc:StreetName"),
            additional_street=_text(address, "cbc:AdditionalStreetName"),
            postcode=_text(address, "cbc:PostalZone"),
            city=_text(address, "cbc:CityName"),
            country=_text(address, "cac:Country/cbc:IdentificationCode"),
        ),
        electronic_address=_text(party, "cbc:EndpointID"),
    )


def _line(line: etree._Element, quantity_tag: str) -> Line:
    quantity = line.find(quantity_tag, NAMESPACES)
    return Line(
        line_id=_text(line, "cbc:ID") or "",
        name=_text(line, "cac:Item/cbc:Name"),
        description=_text(line, "cac:Item/cbc:Description"),
        quantity=_decimal(line, quantity_tag),
        unit_code=None if quantity is None else quantity.get("unitCode"),
        net_price=_decimal(line, "cac:Price/cbc:PriceAmount"),
        net_amount=_decimal(line, "cbc:LineExtensionAmount"),
        vat_category=_text(line, "cac:Item/cac:ClassifiedTaxCategory/cbc:ID"),
        vat_rate=_decimal(line, "cac:Item/cac:ClassifiedTaxCategory/cbc:Percent"),
    )


def _note(text: str) -> Note:
    match = _SUBJECT_NOTE.match(text.strip())
    if match:
        return Note(subject=match[1], text=match[2].strip())
    return Note(subject=None, text=text.strip())


def _date(element: etree._Element, path: str) -> date | None:
    text = _text(element, path)
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise EInvoiceInvalid(f"The date {text!r} ({path}) is not YYYY-MM-DD.") from None
