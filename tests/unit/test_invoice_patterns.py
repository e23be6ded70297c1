"""Invoice fields from plain text: German and English layouts, amounts in both notations, and
VAT IDs or IBANs that fail their check digits left out rather than guessed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ledger.einvoice.patterns import fields_from_text, parse_amount, parse_date

GERMAN = """Muster Bürobedarf GmbH
Musterstraße 1, 10115 Berlin
USt-IdNr.: DE136695976
Rechnung Nr. RE-2026-0042
Rechnungsdatum: 05.03.2026
Zahlbar bis: 04.04.2026
Nettobetrag: 1.234,56 EUR
USt 19 % auf 1.234,56 EUR: 234,57 EUR
Gesamtbetrag: 1.469,13 EUR
IBAN: DE02 1203 0000 0000 2020 51
"""
ENGLISH = """Acme Cloud Ltd
VAT No: IE6388047V
Invoice Number: INV-88812
Invoice date: 2026-02-01
Subtotal: 1,000.00
VAT 23% 230.00
Total: 1,230.00 EUR
"""


def test_a_german_invoice_text_gives_every_field():
    fields = fields_from_text(GERMAN)

    assert (fields.vendor_name, fields.vendor_vat_id, fields.vendor_iban) == (
        "Muster Bürobedarf GmbH",
        "DE136695976",
        "DE02120300000000202051",
    )
    assert (fields.invoice_number, fields.invoice_date, fields.due_date) == (
        "RE-2026-0042",
        date(2026, 3, 5),
        date(2026, 4, 4),
    )
    assert (fields.total_net, fields.total_tax, fields.total_gross, fields.currency) == (
        Decimal("1234.56"),
        Decimal("234.57"),
        Decimal("1469.13"),
        "EUR",
    )
    assert [(t.rate, t.base, t.tax) for t in fields.taxes] == [
        (Decimal(19), Decimal("1234.56"), Decimal("234.57"))
    ]
    assert fields.found_by["vendor_name"] == "first_line"


def test_an_english_invoice_text_reads_too_and_subtotal_is_not_the_total():
    fields = fields_from_text(ENGLISH)

    assert (fields.invoice_number, fields.invoice_date, fields.vendor_vat_id) == (
        "INV-88812",
        date(2026, 2, 1),
        "IE6388047V",
    )
    assert (fields.total_net, fields.total_tax, fields.total_gross) == (
        Decimal("1000.00"),
        Decimal("230.00"),
        Decimal("1230.00"),
    )


def test_a_vat_id_or_iban_with_wrong_check_digits_is_left_out():
    fields = fields_from_text("USt-IdNr.: DE136695977\nIBAN DE02 1203 0000 0000 2020 52\n")
    assert (fields.vendor_vat_id, fields.vendor_iban) == (None, None)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1.234,56", Decimal("1234.56")),
        ("1234,56", Decimal("1234.56")),
        ("1,234.56", Decimal("1234.56")),
        ("1'234.56", Decimal("1234.56")),
        ("-12,00", Decimal("-12.00")),
        ("abc", None),
    ],
)
def test_amounts_read_in_german_and_english_notation(text, value):
    assert parse_amount(text) == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("05.03.2026", date(2026, 3, 5)),
        ("5.3.26", date(2026, 3, 5)),
        ("2026-03-05", date(2026, 3, 5)),
        ("03/05/2026", date(2026, 3, 5)),
        ("31.02.2026", None),
    ],
)
def test_dates_read_in_the_usual_forms(text, value):
    assert parse_date(text) == value
