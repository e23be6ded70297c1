"""The § 14 Abs. 4 UStG check of an incoming invoice: each mandatory field passing and failing
on its own, the reduced set of § 33 UStDV up to 250 EUR gross, and the documents that are no
invoice (booking aids, letters) never called compliant.

Method: one complete invoice that passes every rule; each case changes the fields its rule
is about through `invoice(...)` and checks that rule, and that every other rule still passes,
so a case cannot pass for a reason other than its own."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import msgspec
import pytest

from ledger.einvoice.compliance import (
    RULES,
    SMALL_AMOUNT_DETAIL,
    Check,
    ComplianceCheck,
    check_invoice,
)
from ledger.einvoice.extracted import ExtractedInvoice, ExtractedLine

TODAY = date(2026, 3, 10)
PAPER = ExtractedLine(
    description="Kopierpapier A4, 80 g",
    quantity=Decimal(40),
    unit_price=Decimal("25.00"),
    tax_rate=Decimal("0.19"),
    line_total=Decimal("1000.00"),
)
BOOKS = ExtractedLine(
    description="Fachbuch Umsatzsteuer",
    quantity=Decimal(2),
    unit_price=Decimal("50.00"),
    tax_rate=Decimal("0.07"),
    line_total=Decimal("100.00"),
)
INVOICE = ExtractedInvoice(
    layer="pdf_text",
    profile=None,
    document_type="invoice",
    vendor_name="Muster Bürobedarf GmbH",
    vendor_vat_id="DE136695976",
    vendor_address="Musterstraße 1, 10115 Berlin",
    buyer_name="Kanzlei Beispiel",
    invoice_number="RE-2026-0042",
    invoice_date=date(2026, 3, 5),
    delivery_date=date(2026, 3, 2),
    total_net=Decimal("1000.00"),
    total_tax=Decimal("190.00"),
    total_gross=Decimal("1190.00"),
    currency="EUR",
    tax_rates=(Decimal(19),),
    line_items=(PAPER,),
    raw_markdown="Rechnung RE-2026-0042",
)
# Tax free: a 0 % line and a note that the buyer owes the tax, with or without the note.
ZERO_TAX = {
    "total_tax": Decimal("0.00"),
    "total_gross": Decimal("1000.00"),
    "tax_rates": (Decimal(0),),
    "line_items": (msgspec.structs.replace(PAPER, tax_rate=Decimal(0)),),
}
SMALL = {
    "total_net": Decimal("100.00"),
    "total_tax": Decimal("19.00"),
    "total_gross": Decimal("119.00"),
    "line_items": (msgspec.structs.replace(PAPER, line_total=Decimal("100.00")),),
}
FULL_SET_ONLY = (
    "recipient_name_address",
    "tax_number_or_vat_id",
    "invoice_number",
    "delivery_date",
    "net_amount_by_rate",
)


def invoice(**overrides: object) -> ExtractedInvoice:
    return msgspec.structs.replace(INVOICE, **overrides)


def check_of(result: ComplianceCheck, rule: str) -> Check:
    return next(check for check in result.checks if check.rule == rule)


def failed_rules(result: ComplianceCheck) -> list[str]:
    return [check.rule for check in result.checks if check.status == "failed"]


def test_the_rules_keep_their_stable_ids_in_the_order_of_the_law():
    assert [rule.rule for rule in RULES] == [
        "supplier_name_address",
        "recipient_name_address",
        "tax_number_or_vat_id",
        "invoice_date",
        "invoice_number",
        "delivery_description",
        "delivery_date",
        "net_amount_by_rate",
        "tax_rate_and_amount",
        "tax_exemption_note",
        "total",
    ]


def test_a_complete_invoice_passes_every_applicable_rule():
    result = check_invoice(INVOICE, today=TODAY)

    assert (result.document_type, result.is_invoice, result.compliant) == ("invoice", True, True)
    assert (result.passed, result.total) == (10, 10)  # no exemption note needed with 19 % tax
    assert check_of(result, "tax_exemption_note").status == "not_applicable"
    assert all(check.label for check in result.checks)


@pytest.mark.parametrize(
    ("overrides", "rule", "detail"),
    [
        # § 14 Abs. 4 S. 1 Nr. 1
        ({"vendor_name": None}, "supplier_name_address", "Name des Lieferanten nicht erkannt"),
        ({"vendor_address": " "}, "supplier_name_address", "Anschrift des Lieferanten"),
        ({"buyer_name": None}, "recipient_name_address", "Leistungsempfängers nicht erkannt"),
        # Nr. 2
        (
            {"vendor_vat_id": None, "vendor_tax_number": None},
            "tax_number_or_vat_id",
            "Weder Steuernummer noch USt-IdNr.",
        ),
        ({"vendor_vat_id": "DE136695977"}, "tax_number_or_vat_id", "DE136695977 ungültig"),
        # Nr. 3
        ({"invoice_date": None}, "invoice_date", "Rechnungsdatum fehlt"),
        ({"invoice_date": date(2026, 3, 11)}, "invoice_date", "2026-03-11 liegt in der Zukunft"),
        # Nr. 4
        ({"invoice_number": ""}, "invoice_number", "Rechnungsnummer fehlt"),
        # Nr. 5
        ({"line_items": ()}, "delivery_description", "Keine Positionen erkannt"),
        (
            {"line_items": (PAPER, msgspec.structs.replace(PAPER, description=None))},
            "delivery_description",
            "Position 2 ohne Bezeichnung",
        ),
        # Nr. 6
        (
            {"delivery_date": None},
            "delivery_date",
            "Leistungsdatum fehlt (ein Hinweis 'Leistungsdatum = Rechnungsdatum' genügt)",
        ),
        # Nr. 7
        ({"total_net": None}, "net_amount_by_rate", "Nettobetrag fehlt"),
        (
            {"tax_rates": (Decimal(7), Decimal(19))},
            "net_amount_by_rate",
            "Nettobetrag je Steuersatz nicht erkannt (7 %)",
        ),
        # Nr. 8
        ({"tax_rates": ()}, "tax_rate_and_amount", "Steuersatz nicht erkannt"),
        ({"total_tax": None}, "tax_rate_and_amount", "Steuerbetrag nicht erkannt"),
        (ZERO_TAX, "tax_exemption_note", "kein Hinweis auf eine Steuerbefreiung"),
        # the total
        ({"total_gross": None}, "total", "Bruttobetrag fehlt"),
        (
            {"total_gross": Decimal("1190.01")},
            "total",
            "Netto 1000.00 + Steuer 190.00 ergibt nicht den Bruttobetrag 1190.01",
        ),
    ],
)
def test_a_missing_or_wrong_mandatory_field_fails_its_rule_alone(overrides, rule, detail):
    result = check_invoice(invoice(**overrides), today=TODAY)

    assert failed_rules(result) == [rule]
    assert detail in (check_of(result, rule).detail or "")
    assert result.compliant is False
    assert result.passed == result.total - 1


@pytest.mark.parametrize(
    ("overrides", "rule", "detail"),
    [
        (
            {"vendor_vat_id": None, "vendor_tax_number": "13/815/08150"},
            "tax_number_or_vat_id",
            None,
        ),
        (
            {"vendor_vat_id": "DE136695977", "vendor_tax_number": "13/815/08150"},
            "tax_number_or_vat_id",
            "USt-IdNr. DE136695977 ungültig; Steuernummer angegeben",
        ),
        ({"vendor_vat_id": "ATU13585627"}, "tax_number_or_vat_id", None),
        ({"invoice_date": TODAY}, "invoice_date", None),
        (
            {"layer": "einvoice", "profile": "en16931", "delivery_date": None},
            "delivery_date",
            "E-Rechnung: Leistungsdatum oder -zeitraum kann auf Positionsebene stehen "
            "(EN 16931); nicht ausgelesen",
        ),
        (
            {
                "tax_rates": (Decimal(7), Decimal(19)),
                "line_items": (PAPER, BOOKS),
                "total_net": Decimal("1100.00"),
                "total_tax": Decimal("197.00"),
                "total_gross": Decimal("1297.00"),
            },
            "net_amount_by_rate",
            None,
        ),
        (
            {**ZERO_TAX, "raw_markdown": "Steuerschuldnerschaft des Leistungsempfängers"},
            "tax_exemption_note",
            None,
        ),
        (
            {**ZERO_TAX, "raw_markdown": "Gemäß § 19 UStG wird keine Umsatzsteuer berechnet."},
            "tax_exemption_note",
            None,
        ),
        (
            {**ZERO_TAX, "raw_markdown": "Steuerfreie innergemeinschaftliche Lieferung"},
            "tax_exemption_note",
            None,
        ),
        ({**ZERO_TAX, "raw_markdown": "Reverse charge, VAT exempt"}, "tax_exemption_note", None),
    ],
)
def test_each_way_of_meeting_a_rule_passes(overrides, rule, detail):
    result = check_invoice(invoice(**overrides), today=TODAY)

    check = check_of(result, rule)
    assert (check.status, check.detail) == ("passed", detail)
    assert result.compliant is True


def test_a_tax_free_invoice_needs_the_exemption_note_instead_of_rate_and_amount():
    result = check_invoice(invoice(**ZERO_TAX, raw_markdown="steuerfrei"), today=TODAY)

    assert check_of(result, "tax_rate_and_amount").status == "not_applicable"
    assert check_of(result, "tax_exemption_note").status == "passed"
    assert (result.passed, result.total) == (10, 10)


def test_the_recipient_is_checked_by_name_only_and_says_so():
    check = check_of(check_invoice(INVOICE, today=TODAY), "recipient_name_address")

    assert check.status == "passed"
    assert check.detail == "Nur der Name geprüft; die Anschrift wird nicht ausgelesen"


@pytest.mark.parametrize(
    ("gross", "currency", "document_type"),
    [
        (Decimal("119.00"), "EUR", "small_amount_invoice"),
        (Decimal("250.00"), "EUR", "small_amount_invoice"),  # § 33 UStDV: "nicht übersteigt"
        (Decimal("250.01"), "EUR", "invoice"),
        (Decimal("119.00"), None, "small_amount_invoice"),  # no currency read: taken as EUR
        (Decimal("119.00"), "USD", "invoice"),  # the limit is in EUR
    ],
)
def test_up_to_250_eur_gross_is_a_small_amount_invoice(gross, currency, document_type):
    result = check_invoice(invoice(total_gross=gross, currency=currency), today=TODAY)

    assert result.document_type == document_type


def test_a_small_amount_invoice_needs_only_what_section_33_ustdv_asks():
    bare = invoice(
        **{
            **SMALL,
            "buyer_name": None,
            "vendor_vat_id": None,
            "invoice_number": None,
            "delivery_date": None,
            "total_tax": None,  # net and tax in one sum and the rate suffice
        }
    )

    result = check_invoice(bare, today=TODAY)

    assert (result.document_type, result.compliant) == ("small_amount_invoice", True)
    assert (result.passed, result.total) == (5, 5)
    assert [check_of(result, rule).detail for rule in FULL_SET_ONLY] == [SMALL_AMOUNT_DETAIL] * 5


@pytest.mark.parametrize(
    ("overrides", "rule"),
    [
        ({"vendor_address": None}, "supplier_name_address"),
        ({"invoice_date": None}, "invoice_date"),
        ({"line_items": ()}, "delivery_description"),
        ({"tax_rates": ()}, "tax_rate_and_amount"),
        (
            {**ZERO_TAX, "total_gross": Decimal("100.00"), "total_net": Decimal("100.00")},
            "tax_exemption_note",
        ),
    ],
)
def test_a_small_amount_invoice_still_fails_what_section_33_ustdv_asks(overrides, rule):
    result = check_invoice(invoice(**{**SMALL, **overrides}), today=TODAY)

    assert result.document_type == "small_amount_invoice"
    assert failed_rules(result) == [rule]


def test_a_booking_aid_is_checked_but_never_compliant():
    aid = invoice(layer="einvoice", profile="minimum", document_type="booking_aid", line_items=())

    result = check_invoice(aid, today=TODAY)

    assert (result.document_type, result.is_invoice, result.compliant) == (
        "booking_aid",
        False,
        False,
    )
    assert failed_rules(result) == ["delivery_description"]  # MINIMUM carries no lines


def test_a_booking_aid_that_meets_every_rule_is_still_not_compliant():
    result = check_invoice(invoice(document_type="booking_aid"), today=TODAY)

    assert (result.passed, result.total, result.compliant) == (10, 10, False)


def test_a_document_without_number_or_totals_is_not_an_invoice_and_has_no_checks():
    letter = ExtractedInvoice(
        layer="ocr",
        profile=None,
        document_type="unknown",
        vendor_name="Finanzamt Berlin",
        raw_markdown="Sehr geehrte Damen und Herren,",
    )

    assert check_invoice(letter, today=TODAY) == ComplianceCheck(
        document_type="not_an_invoice",
        is_invoice=False,
        compliant=False,
        passed=0,
        total=0,
        checks=(),
    )


@pytest.mark.parametrize(
    ("overrides", "document_type"),
    [
        ({"total_net": None, "total_tax": None, "total_gross": None}, "invoice"),  # a number
        ({"invoice_number": None, "total_net": None, "total_tax": None}, "invoice"),  # a total
        ({"invoice_number": None, **SMALL}, "small_amount_invoice"),
    ],
)
def test_an_unknown_document_with_a_number_or_a_total_is_checked_as_an_invoice(
    overrides, document_type
):
    result = check_invoice(invoice(document_type="unknown", **overrides), today=TODAY)

    assert (result.document_type, result.is_invoice) == (document_type, True)


@pytest.mark.parametrize(
    ("overrides", "applicable"),
    [
        ({}, 10),  # the full set
        (SMALL, 5),  # up to 250 EUR: § 33 UStDV applies to a credit note as well
    ],
)
def test_a_credit_note_stays_a_credit_note_and_is_checked_as_an_invoice(overrides, applicable):
    result = check_invoice(invoice(document_type="credit_note", **overrides), today=TODAY)

    assert (result.document_type, result.is_invoice, result.compliant) == (
        "credit_note",
        True,
        True,
    )
    assert result.total == applicable
