"""Reading DATEV Buchungsstapel files (ledger/datev_import.py) for migrating books.

Proves that DATEV's own sample (FV 9, SKR03, Windows-1252) reads with the header values and
every row as they stand in the file, and books as the DATEV rules say; that each Formatversion
9-13 reads its own column count, FV 13 with GUID, Festschreibung and a row currency; that
UTF-8 after a BOM, LF line ends, quoted text and blank lines read; that every whole-file
refusal names its line and field; that every row problem names its line and column while the
other rows still read; that BU-Schlüssel map to our tax codes, Generalumkehr keys like their
base key, and unknown keys are refused by name; and that `row_tax_code` / `booking_lines`
put the tax on the Gegenkonto, or on the Automatikkonto when the row has no key.
Method: small files built from field-number dicts by `datev_file()`, and the fixture as is.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Literal

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.chart import load_chart
from ledger.datev_columns import (
    BUCHUNGSSTAPEL_COLUMN_COUNTS,
    BUCHUNGSSTAPEL_COLUMNS,
    HEADER_FIELD_COUNT,
)
from ledger.datev_import import (
    DatevBatch,
    DatevFileInvalid,
    DatevRow,
    RowProblem,
    booking_lines,
    read_buchungsstapel,
    row_tax_code,
)
from ledger.datev_tax import AUTOMATIC_TAX_CODES, BU_TAX_CODES, BuMeaning, bu_meaning, tax_code_for
from ledger.taxcodes import SYSTEM_TAX_CODES

FIXTURES = Path(__file__).parent.parent / "fixtures" / "datev"
SAMPLE = (FIXTURES / "EXTF_Buchungsstapel.csv").read_bytes()
CHARTS = ("skr03", "skr04")

# Field number -> the field as DATEV writes it (text quoted, numbers bare); SKR04, January 2024.
HEADER = {
    1: '"EXTF"',
    2: "700",
    3: "21",
    4: '"Buchungsstapel"',
    5: "13",
    6: "20240130140440439",
    8: '"RE"',
    11: "29098",
    12: "55003",
    13: "20240101",
    14: "4",
    15: "20240101",
    16: "20240131",
    17: '"Januar 2024"',
    19: "1",
    21: "0",
    22: '"EUR"',
    27: '"04"',
}
# Bank 1800 credited, office supplies 6815 debited with 19 % input VAT.
BOOKING = {
    1: "119,00",
    2: '"H"',
    7: "1800",
    8: "6815",
    9: '"9"',
    10: "1501",
    11: '"RE-2024-1"',
    14: '"Bürobedarf"',
}


def fields_line(values: dict[int, str], count: int) -> str:
    return ";".join(values.get(number, "") for number in range(1, count + 1))


def booking(**columns: str) -> dict[int, str]:
    """BOOKING with columns replaced, named c<number>: booking(c1="0,00")."""
    return {**BOOKING, **{int(name[1:]): value for name, value in columns.items()}}


def datev_file(
    *,
    rows: Sequence[dict[int, str] | str] = (BOOKING,),
    header: dict[int, str] | None = None,
    version: int = 13,
    line_end: str = "\r\n",
    encoding: str = "cp1252",
    header_field_count: int = HEADER_FIELD_COUNT,
) -> bytes:
    """A Buchungsstapel of `version`; a str row is written as it stands."""
    count = BUCHUNGSSTAPEL_COLUMN_COUNTS[version]
    lines = [
        fields_line({**HEADER, 5: str(version), **(header or {})}, header_field_count),
        ";".join(BUCHUNGSSTAPEL_COLUMNS[:count]),
        *(row if isinstance(row, str) else fields_line(row, count) for row in rows),
    ]
    return "".join(line + line_end for line in lines).encode(encoding)


def read_one(content: bytes) -> DatevRow:
    batch, problems = read_buchungsstapel(content)
    assert problems == []
    (row,) = batch.rows
    return row


def refusal(content: bytes, **limits: int) -> DatevFileInvalid:
    with pytest.raises(DatevFileInvalid) as raised:
        read_buchungsstapel(content, **limits)
    assert raised.value.code == "DATEV_FILE_INVALID"
    return raised.value


def row(
    konto: str, gegenkonto: str, bu_key: str | None = None, side: Literal["S", "H"] = "S"
) -> DatevRow:
    return DatevRow(
        line=3,
        amount_cents=119_00,
        side=side,
        konto=konto,
        gegenkonto=gegenkonto,
        bu_key=bu_key,
        booking_date=date(2024, 1, 15),
        belegfeld1=None,
        belegfeld2=None,
        text=None,
        guid=None,
        currency="EUR",
        locked=False,
    )


def automatic_accounts(chart: str) -> frozenset[str]:
    return frozenset(account.number for account in load_chart(chart) if account.automatic)


# -- DATEV's sample -------------------------------------------------------------------------


def test_datev_sample_header_reads_as_written() -> None:
    batch, problems = read_buchungsstapel(SAMPLE)
    assert problems == []
    assert msgspec.structs.replace(batch, rows=()) == DatevBatch(
        format_version=9,
        berater=1001,
        mandant=456,
        fiscal_year_start=date(2018, 1, 1),
        account_length=4,
        date_from=date(2018, 2, 1),
        date_to=date(2018, 2, 28),
        label="Beispiel-Buchungen",
        currency="EUR",
        chart=None,  # the sample leaves Sachkontenrahmen empty, though its accounts are SKR03
        rows=(),
    )


SAMPLE_ROWS = (
    DatevRow(
        line=3,
        amount_cents=24_95,
        side="H",
        konto="1200",
        gegenkonto="4940",
        bu_key="8",
        booking_date=date(2018, 2, 21),
        belegfeld1=None,
        belegfeld2=None,
        text="Fachbuch: Controlling für Dummies",
        guid=None,
        currency="EUR",
        locked=False,
    ),
    DatevRow(
        line=4,
        amount_cents=5950_00,
        side="S",
        konto="10000",
        gegenkonto="8400",
        bu_key=None,
        booking_date=date(2018, 2, 22),
        belegfeld1="RE201802-135",
        belegfeld2=None,
        text="Honorar FiBu-Seminar",
        guid=None,
        currency="EUR",
        locked=False,
    ),
)


def test_datev_sample_reads_every_row_as_written() -> None:
    batch, _ = read_buchungsstapel(SAMPLE)
    assert batch.rows == SAMPLE_ROWS


def test_datev_sample_books_input_vat_on_gegenkonto_and_output_vat_on_automatikkonto() -> None:
    batch, _ = read_buchungsstapel(SAMPLE)
    automatic = automatic_accounts("skr03")
    lines = [
        [
            (line.account_number, line.side, line.amount_cents, line.tax_code)
            for line in booking_lines(sample, row_tax_code(sample, "skr03", automatic), automatic)
        ]
        for sample in batch.rows
    ]
    assert lines == [
        [("1200", "credit", 24_95, None), ("4940", "debit", 24_95, "VSt7")],
        [("10000", "debit", 5950_00, None), ("8400", "credit", 5950_00, "USt19")],
    ]


def test_lf_line_ends_read_like_crlf() -> None:
    assert read_buchungsstapel(SAMPLE.replace(b"\r\n", b"\n")) == read_buchungsstapel(SAMPLE)


# -- versions, encodings, CSV -------------------------------------------------------------


@pytest.mark.parametrize("version", sorted(BUCHUNGSSTAPEL_COLUMN_COUNTS))
def test_each_format_version_reads_rows_of_its_column_count(version: int) -> None:
    batch, problems = read_buchungsstapel(datev_file(version=version))
    assert problems == []
    assert batch.format_version == version
    assert [(r.amount_cents, r.side, r.konto, r.gegenkonto) for r in batch.rows] == [
        (119_00, "H", "1800", "6815")
    ]


@pytest.mark.parametrize(
    ("version", "field_count"), [(9, 119), (9, 125), (11, 120), (12, 125), (13, 124), (13, 126)]
)
def test_a_row_with_another_versions_column_count_is_a_problem(
    version: int, field_count: int
) -> None:
    wrong = fields_line(BOOKING, field_count)
    batch, problems = read_buchungsstapel(datev_file(version=version, rows=[BOOKING, wrong]))
    assert [r.line for r in batch.rows] == [3]
    assert problems == [
        RowProblem(
            line=4,
            column=None,
            message=(
                f"The row has {field_count} fields; Formatversion {version} has "
                f"{BUCHUNGSSTAPEL_COLUMN_COUNTS[version]}."
            ),
        )
    ]


def test_fv13_reads_guid_festschreibung_row_currency_and_chart() -> None:
    guid = "5f1d2b7e-0c4a-4d8e-9a55-1b2c3d4e5f60"
    content = datev_file(rows=[booking(c3='"USD"', c103=f'"{guid}"', c114="1", c12='"150124"')])
    batch, _ = read_buchungsstapel(content)
    (read,) = batch.rows
    assert (read.guid, read.locked, read.currency, read.belegfeld2) == (guid, True, "USD", "150124")
    assert (batch.chart, batch.currency) == ("skr04", "EUR")


def test_fv9_ignores_column_103_which_it_calls_leerfeld() -> None:
    read = read_one(datev_file(version=9, rows=[booking(c103='"not-a-guid"', c114="0")]))
    assert (read.guid, read.locked) == (None, False)


def test_utf8_after_a_bom_reads_umlauts() -> None:
    assert read_one(datev_file(encoding="utf-8-sig")).text == "Bürobedarf"


def test_utf8_without_a_bom_reads_as_windows_1252_like_datev_does() -> None:
    assert read_one(datev_file(encoding="utf-8")).text == "BÃ¼robedarf"


def test_quoted_text_keeps_semicolons_and_doubled_quotes() -> None:
    read = read_one(datev_file(rows=[booking(c14='"Miete; Büro ""Nord"""')]))
    assert read.text == 'Miete; Büro "Nord"'


def test_blank_lines_are_skipped_and_rows_keep_their_physical_lines() -> None:
    batch, problems = read_buchungsstapel(datev_file(rows=[BOOKING, "", BOOKING, "   "]))
    assert problems == []
    assert [r.line for r in batch.rows] == [3, 5]


def test_empty_fields_read_as_none() -> None:
    content = datev_file(
        header={11: "", 12: "", 17: '""'}, rows=[booking(c9='""', c11='""', c14='""')]
    )
    batch, _ = read_buchungsstapel(content)
    (read,) = batch.rows
    assert (batch.berater, batch.mandant, batch.label) == (None, None, None)
    assert (read.bu_key, read.belegfeld1, read.text) == (None, None, None)


@pytest.mark.parametrize(
    ("field", "chart"), [('"03"', "skr03"), ('"04"', "skr04"), ("3", "skr03"), ('""', None)]
)
def test_header_field_27_names_the_chart(field: str, chart: str | None) -> None:
    batch, _ = read_buchungsstapel(datev_file(header={27: field}))
    assert batch.chart == chart


@pytest.mark.parametrize(
    ("header_wkz", "row_wkz", "batch_currency", "row_currency"),
    [('"EUR"', '""', "EUR", "EUR"), ('""', '""', "EUR", "EUR"), ('"CHF"', '""', "CHF", "CHF")],
)
def test_row_currency_defaults_to_the_header_and_the_header_to_eur(
    header_wkz: str, row_wkz: str, batch_currency: str, row_currency: str
) -> None:
    batch, _ = read_buchungsstapel(datev_file(header={22: header_wkz}, rows=[booking(c3=row_wkz)]))
    assert (batch.currency, batch.rows[0].currency) == (batch_currency, row_currency)


def test_a_header_that_stops_after_datum_bis_reads() -> None:
    batch, problems = read_buchungsstapel(datev_file(header_field_count=16))
    assert problems == []
    assert (batch.label, batch.currency, batch.chart) == (None, "EUR", None)


def test_dtvf_files_from_datevs_own_programs_read_like_extf() -> None:
    assert read_buchungsstapel(datev_file(header={1: '"DTVF"'})) == read_buchungsstapel(
        datev_file()
    )


def test_a_fiscal_year_across_calendar_years_gives_each_belegdatum_its_year() -> None:
    content = datev_file(
        header={13: "20230701", 15: "20230701", 16: "20240630"},
        rows=[booking(c10="1512"), booking(c10="1501"), booking(c10="2902")],
    )
    batch, problems = read_buchungsstapel(content)
    assert problems == []
    assert [r.booking_date for r in batch.rows] == [
        date(2023, 12, 15),
        date(2024, 1, 15),
        date(2024, 2, 29),
    ]


@pytest.mark.parametrize(
    ("written", "amount_cents"),
    [("119,00", 119_00), ("119", 119_00), ("0,01", 1), ("1234,5", 1234_50)],
)
def test_umsatz_reads_with_a_decimal_comma_and_one_or_two_decimals(
    written: str, amount_cents: int
) -> None:
    assert read_one(datev_file(rows=[booking(c1=written)])).amount_cents == amount_cents


@given(st.integers(min_value=1, max_value=9_999_999_999_99))
def test_every_amount_of_up_to_ten_digits_reads_back_to_its_cents(amount_cents: int) -> None:
    written = f"{amount_cents // 100},{amount_cents % 100:02d}"
    assert read_one(datev_file(rows=[booking(c1=written)])).amount_cents == amount_cents


# -- whole-file refusals --------------------------------------------------------------------

HEADER_REFUSALS = [
    pytest.param({1: '"XTF"'}, 1, "is not a DATEV-Format file", id="kennzeichen"),
    pytest.param({3: "16"}, 3, "is not 21", id="formatkategorie-debitoren"),
    pytest.param({3: "x"}, 3, "is not a number", id="formatkategorie-not-a-number"),
    pytest.param({4: '"Kontenbeschriftungen"'}, 4, "is not 'Buchungsstapel'", id="formatname"),
    pytest.param({5: "8"}, 5, "8 is not a Formatversion from 9 to 13", id="version-8"),
    pytest.param({5: "14"}, 5, "14 is not a Formatversion", id="version-14"),
    pytest.param({5: ""}, 5, "is empty", id="version-missing"),
    pytest.param({11: '"ABC"'}, 11, "'ABC' is not a number", id="beraternummer"),
    pytest.param({13: "2024011"}, 13, "is not a date YYYYMMDD", id="wj-beginn"),
    pytest.param({14: "3"}, 14, "3 is not from 4 to 8", id="sachkontenlaenge-3"),
    pytest.param({14: "9"}, 14, "9 is not from 4 to 8", id="sachkontenlaenge-9"),
    pytest.param({15: "20240231"}, 15, "is not a date", id="datum-vom-no-date"),
    pytest.param({16: "20231231"}, 16, "is before Datum vom", id="datum-bis-before-vom"),
    pytest.param({13: "20240201"}, 15, "is before WJ-Beginn", id="period-before-fiscal-year"),
    pytest.param({16: "20250101"}, 16, "beyond the fiscal year", id="period-over-a-year"),
    pytest.param({22: '"EURO"'}, 22, "not an ISO 4217", id="wkz"),
    pytest.param({27: '"07"'}, 27, "is not SKR03 ('03') or SKR04 ('04')", id="skr07"),
]


@pytest.mark.parametrize(("header", "field", "fragment"), HEADER_REFUSALS)
def test_a_header_that_is_no_readable_buchungsstapel_refuses_the_file_naming_its_field(
    header: dict[int, str], field: int, fragment: str
) -> None:
    refused = refusal(datev_file(header=header))
    assert refused.details == {"line": 1, "field": field}
    assert refused.message.startswith(f"Line 1, field {field} (")
    assert fragment in refused.message


HEADINGS = ";".join(BUCHUNGSSTAPEL_COLUMNS).encode("cp1252")
HEADER_LINE = fields_line(HEADER, HEADER_FIELD_COUNT).encode("cp1252")
FILE_REFUSALS = [
    pytest.param(b"", {}, None, "The file is empty.", id="empty"),
    pytest.param(b"\r\n  \r\n", {}, None, "The file is empty.", id="blank"),
    pytest.param(datev_file(), {"max_bytes": 100}, None, "at most 100 are read", id="too-large"),
    pytest.param(
        (FIXTURES / "EXTF_Stammdaten.csv").read_bytes(), {}, 1, "is not 21", id="stammdaten"
    ),
    pytest.param(b'"EXTF";700;21;"Buchungsstapel";13\r\n', {}, 1, "has 5 fields", id="short"),
    pytest.param(HEADER_LINE + b"\r\n", {}, 2, "expected the column headings", id="no-line-2"),
    pytest.param(
        datev_file().replace(HEADINGS + b"\r\n", b""),
        {},
        2,
        "found '119,00'",
        id="booking-on-line-2",
    ),
    pytest.param(
        datev_file(rows=[BOOKING, booking(c14='"Café"')]).replace(b"\xe9", b"\x81"),
        {},
        4,
        "byte 0x81 is not cp1252",
        id="not-windows-1252",
    ),
    pytest.param(
        b"\xef\xbb\xbf" + HEADER_LINE + b"\r\n\xff",
        {},
        2,
        "byte 0xFF is not utf-8",
        id="bom-not-utf8",
    ),
    pytest.param(
        datev_file(rows=[BOOKING, BOOKING]),
        {"max_rows": 1},
        4,
        "more than 1 bookings",
        id="too-many-rows",
    ),
]


@pytest.mark.parametrize(("content", "limits", "line", "fragment"), FILE_REFUSALS)
def test_a_file_that_is_no_readable_buchungsstapel_is_refused_whole_naming_its_line(
    content: bytes, limits: dict[str, int], line: int | None, fragment: str
) -> None:
    refused = refusal(content, **limits)
    assert refused.details.get("line") == line
    assert fragment in refused.message


# -- row problems ---------------------------------------------------------------------------

ROW_PROBLEMS = [
    pytest.param({1: "119.00"}, 1, "'119.00' is not a positive amount", id="amount-dot"),
    pytest.param({1: "-119,00"}, 1, "'-119,00' is not a positive amount", id="amount-negative"),
    pytest.param({1: "12345678901,00"}, 1, "is not a positive amount", id="amount-11-digits"),
    pytest.param({1: "0,00"}, 1, "'0,00' is zero", id="amount-zero"),
    pytest.param({1: ""}, 1, "missing", id="amount-missing"),
    pytest.param({2: '"X"'}, 2, "'X' is not S or H", id="side"),
    pytest.param({7: ""}, 7, "missing", id="konto-missing"),
    pytest.param({7: "0000"}, 7, "'0000' is not an account number", id="konto-zeros"),
    pytest.param({8: "68I5"}, 8, "'68I5' is not an account number", id="gegenkonto-letter"),
    pytest.param({8: "681500"}, 8, "has more than 5 digits", id="gegenkonto-too-long"),
    pytest.param({9: '"A"'}, 9, "'A' is not a key of 1 to 4 digits", id="bu-letter"),
    pytest.param({9: '"12345"'}, 9, "is not a key of 1 to 4 digits", id="bu-five-digits"),
    pytest.param({10: "151"}, 10, "'151' is not a date TTMM", id="belegdatum-3-digits"),
    pytest.param({10: "1013"}, 10, "'1013' is not a date", id="belegdatum-month-13"),
    pytest.param({10: "3002"}, 10, "'3002' is not a date", id="belegdatum-30-february"),
    pytest.param({10: "0102"}, 10, "outside the file's period", id="belegdatum-outside"),
    pytest.param({3: '"EURO"'}, 3, "'EURO' is not an ISO 4217", id="wkz"),
]


@pytest.mark.parametrize(("columns", "column", "fragment"), ROW_PROBLEMS)
def test_a_row_that_does_not_read_is_left_out_with_its_line_and_column(
    columns: dict[int, str], column: int, fragment: str
) -> None:
    content = datev_file(rows=[BOOKING, {**BOOKING, **columns}, BOOKING])
    batch, problems = read_buchungsstapel(content)
    assert [r.line for r in batch.rows] == [3, 5]
    (problem,) = problems
    assert (problem.line, problem.column) == (4, column)
    assert problem.message.startswith(f"{BUCHUNGSSTAPEL_COLUMNS[column - 1]}: ")
    assert fragment in problem.message


def test_a_row_reports_all_its_problems_at_once() -> None:
    content = datev_file(rows=[booking(c1="x", c7="", c10="9999")])
    batch, problems = read_buchungsstapel(content)
    assert batch.rows == ()
    assert [(p.line, p.column) for p in problems] == [(3, 1), (3, 7), (3, 10)]


# -- BU-Schlüssel ---------------------------------------------------------------------------

BU_KEYS = [
    ("2", "USt7"),
    ("3", "USt19"),
    ("8", "VSt7"),
    ("9", "VSt19"),
    ("18", "VSt-igE7"),
    ("19", "VSt-igE19"),
    ("94", "VSt-13b19"),
]
GENERALUMKEHR_KEYS = [("22", "2"), ("23", "3"), ("28", "8"), ("29", "9")]
GENERALUMKEHR_KEYS += [("68", "18"), ("69", "19"), ("34", "94")]


@pytest.mark.parametrize("chart", CHARTS)
@pytest.mark.parametrize(("bu_key", "tax_code"), BU_KEYS)
def test_bu_key_maps_to_our_tax_code_in_both_charts(bu_key: str, tax_code: str, chart: str) -> None:
    assert tax_code_for(bu_key, chart) == tax_code
    assert bu_meaning(bu_key) == BuMeaning(tax_code, reversal=False)


@pytest.mark.parametrize("chart", CHARTS)
@pytest.mark.parametrize(("reversal_key", "base_key"), GENERALUMKEHR_KEYS)
def test_generalumkehr_key_maps_like_its_base_key_and_says_reversal(
    reversal_key: str, base_key: str, chart: str
) -> None:
    assert tax_code_for(reversal_key, chart) == tax_code_for(base_key, chart)
    assert bu_meaning(reversal_key) == (bu_meaning(base_key).tax_code, True)


@pytest.mark.parametrize(
    ("bu_key", "meaning"), [(None, (None, False)), ("", (None, False)), ("40", (None, False))]
)
def test_no_key_and_key_40_mean_no_tax(bu_key: str | None, meaning: tuple[None, bool]) -> None:
    assert bu_meaning(bu_key) == meaning
    assert all(tax_code_for(bu_key, chart) is None for chart in CHARTS)


@pytest.mark.parametrize("bu_key", ["1", "5", "99", "80", "219", "294", "101", "4011"])
def test_an_unknown_bu_key_is_refused_naming_it(bu_key: str) -> None:
    with pytest.raises(ValueError, match=f"BU-Schlüssel '{bu_key}' is not mapped"):
        bu_meaning(bu_key)
    with pytest.raises(ValueError, match=f"BU-Schlüssel '{bu_key}' is not mapped"):
        tax_code_for(bu_key, "skr03")


def test_an_unknown_chart_is_refused() -> None:
    with pytest.raises(ValueError, match="Unknown chart 'skr07'"):
        tax_code_for("9", "skr07")


def test_every_mapped_code_is_a_system_tax_code() -> None:
    system_codes = {code.code for code in SYSTEM_TAX_CODES}
    mapped = {code for table in BU_TAX_CODES.values() for code in table.values()}
    mapped |= {code for table in AUTOMATIC_TAX_CODES.values() for code in table.values()}
    assert mapped - {None} <= system_codes


@pytest.mark.parametrize("chart", CHARTS)
def test_every_account_with_an_automatic_tax_code_is_an_automatikkonto_of_its_chart(
    chart: str,
) -> None:
    assert set(AUTOMATIC_TAX_CODES[chart]) <= automatic_accounts(chart)


# -- tax code of a row and its booking lines ------------------------------------------------

ROW_TAX_CODES = [
    pytest.param("skr03", row("1200", "4940", "8", "H"), "VSt7", id="bu-key"),
    pytest.param("skr03", row("1200", "1360"), None, id="no-key-no-automatikkonto"),
    pytest.param("skr03", row("10000", "8400"), "USt19", id="skr03-8400"),
    pytest.param("skr03", row("10000", "8300"), "USt7", id="skr03-8300"),
    pytest.param("skr03", row("10000", "8125"), "USt0-igL", id="skr03-8125"),
    pytest.param("skr03", row("10000", "8120"), "USt0-Ausfuhr", id="skr03-8120"),
    pytest.param("skr04", row("4400", "10000", side="H"), "USt19", id="skr04-4400-as-konto"),
    pytest.param("skr04", row("10000", "4300"), "USt7", id="skr04-4300"),
    pytest.param("skr04", row("10000", "4125"), "USt0-igL", id="skr04-4125"),
    pytest.param("skr04", row("10000", "4120"), "USt0-Ausfuhr", id="skr04-4120"),
    pytest.param("skr04", row("10000", "4400", "40"), None, id="40-cancels-the-automatic"),
    pytest.param("skr04", row("10000", "4400", "20"), "USt19", id="generalumkehr-no-key"),
    pytest.param("skr03", row("10000", "8336"), None, id="taxed-in-another-eu-country"),
    pytest.param("skr04", row("10000", "4338"), None, id="taxed-in-a-third-country"),
    pytest.param("skr04", row("10000", "4315"), "USt19", id="skr04-4315"),
]


@pytest.mark.parametrize(("chart", "datev_row", "tax_code"), ROW_TAX_CODES)
def test_a_rows_tax_code_is_its_keys_or_else_its_automatikkontos(
    chart: str, datev_row: DatevRow, tax_code: str | None
) -> None:
    assert row_tax_code(datev_row, chart, automatic_accounts(chart)) == tax_code


ROW_TAX_REFUSALS = [
    pytest.param(row("10000", "8400", "3"), "BU-Schlüssel '3' on Automatikkonto 8400", id="key"),
    pytest.param(row("8300", "8400"), "are both Automatikkonten", id="two-automatikkonten"),
    pytest.param(row("1200", "4940", "99"), "BU-Schlüssel '99' is not mapped", id="unknown-key"),
]


@pytest.mark.parametrize(("datev_row", "message"), ROW_TAX_REFUSALS)
def test_a_row_whose_tax_is_not_clear_is_refused_for_a_row_problem(
    datev_row: DatevRow, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        row_tax_code(datev_row, "skr03", automatic_accounts("skr03"))


BOOKING_LINES = [
    pytest.param(
        row("10000", "8200", "3", "S"),
        "USt19",
        [("10000", "debit", None), ("8200", "credit", "USt19")],
        id="S-tax-on-gegenkonto",
    ),
    pytest.param(
        row("1200", "4940", "9", "H"),
        "VSt19",
        [("1200", "credit", None), ("4940", "debit", "VSt19")],
        id="H-tax-on-gegenkonto",
    ),
    pytest.param(
        row("10000", "8400", None, "S"),
        "USt19",
        [("10000", "debit", None), ("8400", "credit", "USt19")],
        id="automatikkonto-as-gegenkonto",
    ),
    pytest.param(
        row("8400", "10000", None, "H"),
        "USt19",
        [("8400", "credit", "USt19"), ("10000", "debit", None)],
        id="automatikkonto-as-konto",
    ),
    pytest.param(
        row("8400", "10000", "20", "S"),
        "USt19",
        [("8400", "debit", "USt19"), ("10000", "credit", None)],
        id="generalumkehr-on-automatikkonto-follows-S",
    ),
    pytest.param(
        row("10000", "8400", "40", "S"),
        None,
        [("10000", "debit", None), ("8400", "credit", None)],
        id="40-no-tax",
    ),
    pytest.param(
        row("1200", "1360", None, "S"),
        None,
        [("1200", "debit", None), ("1360", "credit", None)],
        id="no-tax",
    ),
]


@pytest.mark.parametrize(("datev_row", "tax_code", "expected"), BOOKING_LINES)
def test_booking_lines_follow_s_h_and_put_the_tax_on_gegenkonto_or_automatikkonto(
    datev_row: DatevRow, tax_code: str | None, expected: list[tuple[str, str, str | None]]
) -> None:
    lines = booking_lines(datev_row, tax_code, automatic_accounts("skr03"))
    assert [(line.account_number, line.side, line.tax_code) for line in lines] == expected
    assert [line.amount_cents for line in lines] == [datev_row.amount_cents] * 2


def test_booking_lines_refuse_two_automatikkonten_without_a_key() -> None:
    with pytest.raises(ValueError, match="Konto 8300 and Gegenkonto 8400 are both"):
        booking_lines(row("8300", "8400"), "USt19", automatic_accounts("skr03"))
