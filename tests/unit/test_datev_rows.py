"""DATEV rows from stored posting lines: gross rows with the code's key where the tax pairs up,
the lines as stored where it does not, key 40 on Automatikkonten whose tax must not apply,
and the fast record writer byte for byte like the general one."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from ledger.datev_columns import BUCHUNGSSTAPEL_COLUMNS, BUCHUNGSSTAPEL_TEXT_COLUMNS
from ledger.datev_tax import AUTOMATIC_TAX_CODES
from ledger.tax import TaxCode
from ledger.taxcodes import SYSTEM_TAX_CODES
from projections.exports import datev
from projections.exports.datev_rows import DatevRow, ExportLine, ExportRules, rows_of_intent

CODES = {
    code.code.upper(): TaxCode(
        code=code.code,
        label=code.label,
        description=None,
        rate_bp=code.rate_bp,
        vat_account=code.skr04[0],
        self_assess_account=code.skr04[1],
        kind=code.kind,
        is_system=True,
    )
    for code in SYSTEM_TAX_CODES
}
RULES = ExportRules(
    codes=CODES,
    automatic=AUTOMATIC_TAX_CODES["skr04"],
    account_types={"6815": "expense", "4400": "revenue", "5900": "expense", "4120": "revenue"},
)


def lines(*pairs: tuple[str, str, int, str | None]) -> list[ExportLine]:
    intent = uuid.uuid4()
    return [
        ExportLine(
            line_id=uuid.uuid4(),
            intent_id=intent,
            booking_date=date(2026, 3, 10),
            account_debit=debit,
            account_credit=credit,
            amount_cents=cents,
            tax_code=code,
            text="Beleg",
            belegfeld="RE-1",
            locked=False,
        )
        for debit, credit, cents, code in pairs
    ]


def summary(rows: list[DatevRow]) -> list[tuple]:
    return [(r.umsatz_cents, r.side, r.konto, r.gegenkonto, r.bu_key) for r in rows]


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        (  # a purchase with input VAT: one gross row, key 9, the expense as Gegenkonto
            [("6815", "1800", 10000, "VSt19"), ("1406", "1800", 1900, "VSt19")],
            [(11900, "H", "1800", "6815", "9")],
        ),
        (  # a sale on the Automatikkonto 4400: gross, no key (DATEV books the VAT)
            [("1800", "4400", 10000, "USt19"), ("1800", "3806", 1900, "USt19")],
            [(11900, "S", "1800", "4400", None)],
        ),
        (  # intra-EU acquisition: the self-assessed pair is left to key 19
            [("5900", "1800", 100000, "VSt-igE19"), ("1404", "3804", 19000, "VSt-igE19")],
            [(100000, "H", "1800", "5900", "19")],
        ),
        (  # a gross line split over two banks: the tax cannot pair up, lines go as stored
            [
                ("6815", "1800", 6000, "VSt19"),
                ("6815", "1810", 4000, "VSt19"),
                ("1406", "1810", 1900, "VSt19"),
            ],
            [
                (6000, "S", "6815", "1800", None),
                (4000, "S", "6815", "1810", None),
                (1900, "S", "1406", "1810", None),
            ],
        ),
        (  # untaxed revenue on 4400 must not get DATEV's automatic 19 %
            [("1800", "4400", 5000, None)],
            [(5000, "S", "1800", "4400", "40")],
        ),
        (  # a tax-free export on the tax-free Automatikkonto 4120: no key needed
            [("1800", "4120", 30000, "USt0-Ausfuhr")],
            [(30000, "S", "1800", "4120", None)],
        ),
        (  # a credit note reverses the sides: the revenue is debited
            [("4400", "1800", 5000, "USt19"), ("3806", "1800", 950, "USt19")],
            [(5950, "H", "1800", "4400", None)],
        ),
    ],
)
def test_an_intents_lines_become_datev_rows(pairs, expected):
    assert summary(rows_of_intent(lines(*pairs), RULES)) == expected


def test_the_fast_record_writer_writes_what_the_general_one_writes():
    row = DatevRow(
        umsatz_cents=123_456,
        side="H",
        konto="1800",
        gegenkonto="6815",
        bu_key="9",
        booking_date=date(2026, 3, 5),
        belegfeld="RE-1",
        text='Büro "A"\tB ✓',
        guid=uuid.uuid4(),
        locked=True,
    )
    values = {
        1: "1234,56",
        2: "H",
        3: "EUR",
        7: "1800",
        8: "6815",
        9: "9",
        10: "0503",
        11: "RE-1",
        14: 'Büro "A" B ?',
        103: str(row.guid),
        114: "1",
    }
    expected = datev._record(values, len(BUCHUNGSSTAPEL_COLUMNS), BUCHUNGSSTAPEL_TEXT_COLUMNS)
    assert datev.row_bytes(row) == expected


def test_fiscal_years_cut_a_range_at_the_fiscal_year_start():
    assert datev.fiscal_years(date(2025, 2, 1), date(2026, 8, 31), 7) == [
        (date(2025, 2, 1), date(2025, 6, 30)),
        (date(2025, 7, 1), date(2026, 6, 30)),
        (date(2026, 7, 1), date(2026, 8, 31)),
    ]
