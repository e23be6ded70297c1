"""UN/CEFACT Cross Industry Invoice (ZUGFeRD 2.x / Factur-X, XRechnung CII) into the normalized
invoice. Paths from formats.md §4.4."""

from __future__ import annotations

from datetime import date, datetime
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
from ledger.einvoice.xml_fields import Fields, number

NAMESPACES: Final = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}
ROOT: Final = f"{{{NAMESPACES['rsm']}}}CrossIndustryInvoice"
_FIELDS: Final = Fields(NAMESPACES)
_text, _attribute, _decimal = _FIELDS.text, _FIELDS.attribute, _FIELDS.decimal
_TRADE: Final = "rsm:SupplyChainTradeTransaction"
_AGREEMENT: Final = f"{_TRADE}/ram:ApplicableHeaderTradeAgreement"
_SETTLEMENT: Final = f"{_TRADE}/ram:ApplicableHeaderTradeSettlement"


def read(root: etree._Element) -> EInvoice:
    specification = _text(
        root, "rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID"
    )
    number = _text(root, "rsm:ExchangedDocument/ram:ID")
    issued = _date(root, "rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString")
    currency = _text(root, f"{_SETTLEMENT}/ram:InvoiceCurrencyCode")
    if number is None or issued is None or currency is None:
        raise EInvoiceInvalid(
            "The invoice lacks its number, issue date or currency (BT-1, BT-2, BT-5)."
        )
    return EInvoice(
        syntax="cii",
        specification=specification,
        profile=profile_of(specification),
        type_code=_text(root, "rsm:ExchangedDocument/ram:TypeCode") or "380",
        number=number,
        issue_date=issued,
        due_date=_date(
            root,
            f"{_SETTLEMENT}/ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString",
        ),
        currency=currency,
        buyer_reference=_text(root, f"{_AGREEMENT}/ram:BuyerReference"),
        seller=_party(_first(root, f"{_AGREEMENT}/ram:SellerTradeParty")),
        buyer=_party(_first(root, f"{_AGREEMENT}/ram:BuyerTradeParty")),
        lines=tuple(
            _line(item)
            for item in root.iterfind(f"{_TRADE}/ram:IncludedSupplyChainTradeLineItem", NAMESPACES)
        ),
        vat_breakdown=tuple(
            VatBreakdown(
                category=_text(tax, "ram:CategoryCode"),
                rate=_decimal(tax, "ram:RateApplicablePercent"),
                taxable_amount=_decimal(tax, "ram:BasisAmount"),
                tax_amount=_decimal(tax, "ram:CalculatedAmount"),
                exemption_reason=_text(tax, "ram:ExemptionReason"),
            )
            for tax in root.iterfind(f"{_SETTLEMENT}/ram:ApplicableTradeTax", NAMESPACES)
        ),
        totals=_totals(
            _first(root, f"{_SETTLEMENT}/ram:SpecifiedTradeSettlementHeaderMonetarySummation"),
            currency,
        ),
        payment_terms=_text(root, f"{_SETTLEMENT}/ram:SpecifiedTradePaymentTerms/ram:Description"),
        payment_means_code=_text(
            root, f"{_SETTLEMENT}/ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode"
        ),
        ibans=tuple(
            iban.text.strip()
            for iban in root.iterfind(
                f"{_SETTLEMENT}/ram:SpecifiedTradeSettlementPaymentMeans/"
                "ram:PayeePartyCreditorFinancialAccount/ram:IBANID",
                NAMESPACES,
            )
            if iban.text and iban.text.strip()
        ),
        notes=tuple(
            Note(subject=_text(note, "ram:SubjectCode"), text=_text(note, "ram:Content") or "")
            for note in root.iterfind("rsm:ExchangedDocument/ram:IncludedNote", NAMESPACES)
        ),
    )


def _party(party: etree._Element | None) -> Party:
    if party is None:
        return Party()
    registrations = {
        element.get("schemeID"): (element.text or "").strip()
        for element in party.iterfind("ram:SpecifiedTaxRegistration/ram:ID", NAMESPACES)
    }
    address = _first(party, "ram:PostalTradeAddress")
    return Party(
        name=_text(party, "ram:Name"),
        trading_name=_text(party, "ram:SpecifiedLegalOrganization/ram:TradingBusinessName"),
        identifier=_text(party, "ram:ID"),
        vat_id=registrations.get("VA") or None,
        tax_number=registrations.get("FC") or None,
        address=None
        if address is None
        else Address(
            street=_text(address, "ram:LineOne"),
            additional_street=_text(address, "ram:LineTwo"),
            postcode=_text(address, "ram:PostcodeCode"),
            city=_text(address, "ram:CityName"),
            country=_text(address, "ram:CountryID"),
        ),
        electronic_address=_text(party, "ram:URIUniversalCommunication/ram:URIID"),
    )


def _line(item: etree._Element) -> Line:
    settlement = "ram:SpecifiedLineTradeSettlement"
    return Line(
        line_id=_text(item, "ram:AssociatedDocumentLineDocument/ram:LineID") or "",
        name=_text(item, "ram:SpecifiedTradeProduct/ram:Name"),
        description=_text(item, "ram:SpecifiedTradeProduct/ram:Description"),
        quantity=_decimal(item, "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity"),
        unit_code=_attribute(item, "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity", "unitCode"),
        net_price=_decimal(
            item, "ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/ram:ChargeAmount"
        ),
        net_amount=_decimal(
            item,
            f"{settlement}/ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount",
        ),
        vat_category=_text(item, f"{settlement}/ram:ApplicableTradeTax/ram:CategoryCode"),
        vat_rate=_decimal(item, f"{settlement}/ram:ApplicableTradeTax/ram:RateApplicablePercent"),
    )


def _totals(summation: etree._Element | None, currency: str) -> Totals:
    if summation is None:
        return Totals()
    # BT-110 is the tax total in the invoice currency; an invoice may add one in the
    # accounting currency (BT-111) with another currencyID.
    tax_totals = [
        element
        for element in summation.iterfind("ram:TaxTotalAmount", NAMESPACES)
        if element.get("currencyID") in (None, currency)
    ]
    return Totals(
        line_total=_decimal(summation, "ram:LineTotalAmount"),
        tax_basis_total=_decimal(summation, "ram:TaxBasisTotalAmount"),
        tax_total=number(tax_totals[0]) if tax_totals else None,
        grand_total=_decimal(summation, "ram:GrandTotalAmount"),
        prepaid=_decimal(summation, "ram:TotalPrepaidAmount"),
        due_payable=_decimal(summation, "ram:DuePayableAmount"),
    )


def _first(element: etree._Element, path: str) -> etree._Element | None:
    return element.find(path, NAMESPACES)


def _date(element: etree._Element, path: str) -> date | None:
    found = element.find(path, NAMESPACES)
    if found is None or not (found.text or "").strip():
        return None
    text = found.text.strip()
    try:
        return datetime.strptime(text, "%Y%m%d").date()  # format 102
    except ValueError:
        raise EInvoiceInvalid(
            f"The date {text!r} at line {found.sourceline} is not YYYYMMDD (format 102).",
            line=found.sourceline,
        ) from None
