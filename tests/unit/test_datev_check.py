"""DATEV-Format checker (projections/exports/datev_check.py): which EXTF files are valid.

Proves that DATEV's own sample files (a Buchungsstapel in Formatversion 9, Debitoren/Kreditoren
in version 5) and a Formatversion 13 Buchungsstapel built here pass without a violation. Then it
breaks one thing at a time in a valid file (a header field, a booking field, a master-data
field, the encoding, the line ends, the column count, the number of records) and checks that
exactly that rule is reported, at the physical line and column where it is broken. Files that
look odd but follow the rules (BU 40 on an Automatikkonto, `_` in Belegfeld 1, a period
across New Year, 29 February in a leap year) must pass.

Files are written here field by field, as raw CSV text, so each case shows the quoting it tests.
"""

from __future__ import annotations

import codecs
from collections.abc import Mapping
from pathlib import Path

import pytest

from ledger.datev_columns import BUCHUNGSSTAPEL_COLUMNS
from projections.exports.datev_check import RECORDS_PER_FILE_MAX, Violation, check

FIXTURES = Path(__file__).parents[1] / "fixtures" / "datev"
BUCHUNGSSTAPEL_SAMPLE = (FIXTURES / "EXTF_Buchungsstapel.csv").read_bytes()
STAMMDATEN_SAMPLE = (FIXTURES / "EXTF_Stammdaten.csv").read_bytes()
SKR03_AUTOMATIC = frozenset({"8300", "8310", "8315", "8400"})  # revenue accounts with own tax

Lines = list[list[str]]  # raw CSV fields, quotes included, per line
Changes = Mapping[int, Mapping[int, str]]  # line -> column -> raw field


def lines_of(content: bytes) -> Lines:
    # DATEV's sample files have no `;` inside a quoted field, so a plain split is exact here.
    return [line.split(";") for line in content.decode("cp1252").split("\r\n")[:-1]]


def emptied(fields: list[str]) -> list[str]:
    """A sample record with every field empty, as DATEV writes it: `""` text, nothing numbers."""
    return ['""' if field.startswith('"') else "" for field in fields]


# The portal's FV 13 header, as formats.md §1.2 quotes it: January to August 2024, SKR03.
HEADER_LINE_FV13 = (
    '"EXTF";700;21;"Buchungsstapel";13;20240130140440439;;"RE";"";"";29098;55003;20240101;4;'
    '20240101;20240831;"Buchungsstapel";"WD";1;0;0;"EUR";;"";;;"03";;;"";""'
)
HEADER_FV13 = HEADER_LINE_FV13.split(";")
# Columns 121-125 (FV 11-13): Abrechnungsreferenz, BVV-Position, EU-Land u. UStID (Ursprung),
# EU-Steuersatz (Ursprung), Abw. Skontokonto.
EMPTY_BOOKING_FV13 = [*emptied(lines_of(BUCHUNGSSTAPEL_SAMPLE)[2]), '""', "", '""', "", ""]
INVOICE = {  # line 3: an invoice on a customer's account, revenue on the Automatikkonto 8400
    1: "119,00",
    2: '"S"',
    3: '"EUR"',
    7: "10000",
    8: "8400",
    10: "1503",
    11: '"RE2024-001"',
    14: '"Honorar FiBu-Seminar"',
    103: '"5f0c2a3e-7b1d-4c1e-9a4b-2d6f8e1c3b7a"',
    114: "0",
}
PURCHASE = {  # line 4: a book paid from the bank, 7 % input VAT by BU-Schlüssel 8
    1: "24,95",
    2: '"H"',
    7: "1200",
    8: "4940",
    9: '"8"',
    10: "2103",
    11: '"2024_17"',
    14: '"Fachbuch: Controlling"',
    114: "0",
    115: "21032024",
    116: "21032024",
}


def booking(fields: Mapping[int, str]) -> list[str]:
    return [fields.get(column, empty) for column, empty in enumerate(EMPTY_BOOKING_FV13, 1)]


def batch_fv13() -> Lines:
    return [HEADER_FV13, list(BUCHUNGSSTAPEL_COLUMNS), booking(INVOICE), booking(PURCHASE)]


def changed(lines: Lines, changes: Changes) -> Lines:
    return [
        [changes.get(number, {}).get(column, field) for column, field in enumerate(fields, 1)]
        for number, fields in enumerate(lines, 1)
    ]


def written(lines: Lines, *, line_end: str = "\r\n", encoding: str = "cp1252") -> bytes:
    return "".join(";".join(fields) + line_end for fields in lines).encode(encoding)


def located(violations: list[Violation]) -> list[tuple[str, int, int | None]]:
    return [(violation.rule, violation.line, violation.column) for violation in violations]


def quoted(length: int) -> str:
    return '"' + "x" * length + '"'


def test_datev_sample_files_pass() -> None:
    assert check(BUCHUNGSSTAPEL_SAMPLE, automatic_accounts=SKR03_AUTOMATIC) == []
    assert check(STAMMDATEN_SAMPLE, automatic_accounts=SKR03_AUTOMATIC) == []


def test_a_formatversion_13_batch_built_here_passes() -> None:
    assert check(written(batch_fv13()), automatic_accounts=SKR03_AUTOMATIC) == []


BATCH_CASES = [
    # Header (line 1)
    pytest.param({1: {1: '"XTF"'}}, "header-kennzeichen-format", 1, 1, id="kennzeichen"),
    pytest.param({1: {2: "600"}}, "header-versionsnummer-format", 1, 2, id="versionsnummer"),
    pytest.param({1: {3: "20"}}, "header-formatkategorie-unsupported", 1, 3, id="category 20"),
    pytest.param({1: {4: '"Buchungen"'}}, "header-formatname-mismatch", 1, 4, id="formatname"),
    pytest.param({1: {5: "8"}}, "header-formatversion-unsupported", 1, 5, id="formatversion 8"),
    pytest.param({1: {11: "1000"}}, "header-beraternummer-format", 1, 11, id="berater 1000"),
    pytest.param({1: {12: "0"}}, "header-mandantennummer-format", 1, 12, id="mandant 0"),
    pytest.param({1: {13: "20241301"}}, "header-wj-beginn-format", 1, 13, id="wj month 13"),
    pytest.param({1: {14: "9"}}, "header-sachkontenlaenge-format", 1, 14, id="skl 9"),
    pytest.param({1: {15: "2024-01-01"}}, "header-datum-vom-format", 1, 15, id="vom iso date"),
    pytest.param({1: {16: ""}}, "header-datum-bis-missing", 1, 16, id="bis missing"),
    pytest.param({1: {21: "2"}}, "header-festschreibung-format", 1, 21, id="festschreibung 2"),
    pytest.param({1: {22: '"Euro"'}}, "header-wkz-format", 1, 22, id="wkz Euro"),
    pytest.param({1: {1: '""'}}, "header-kennzeichen-missing", 1, 1, id="no kennzeichen"),
    pytest.param({1: {2: ""}}, "header-versionsnummer-missing", 1, 2, id="no versionsnummer"),
    pytest.param({1: {11: ""}}, "header-beraternummer-missing", 1, 11, id="no berater"),
    pytest.param({1: {12: ""}}, "header-mandantennummer-missing", 1, 12, id="no mandant"),
    pytest.param({1: {13: ""}}, "header-wj-beginn-missing", 1, 13, id="no wj-beginn"),
    pytest.param({1: {14: ""}}, "header-sachkontenlaenge-missing", 1, 14, id="no skl"),
    pytest.param({1: {15: ""}}, "header-datum-vom-missing", 1, 15, id="no datum vom"),
    pytest.param({1: {16: "20240832"}}, "header-datum-bis-format", 1, 16, id="bis 32 august"),
    pytest.param({1: {21: ""}}, "header-festschreibung-missing", 1, 21, id="no festschreibung"),
    pytest.param({1: {22: '""'}}, "header-wkz-missing", 1, 22, id="no wkz"),
    pytest.param({1: {11: '"29098"'}}, "number-quoted", 1, 11, id="quoted beraternummer"),
    pytest.param({1: {4: "Buchungsstapel"}}, "text-not-quoted", 1, 4, id="bare formatname"),
    pytest.param({1: {31: '"";""'}}, "header-field-count", 1, None, id="32 header fields"),
    pytest.param(
        {1: {15: "20240331", 16: "20240101"}}, "period-reversed", 1, 16, id="bis before vom"
    ),
    pytest.param({1: {13: "20240201"}}, "period-before-wj-beginn", 1, 15, id="vom before wj"),
    pytest.param(
        {1: {16: "20250101"}}, "period-beyond-fiscal-year", 1, 16, id="bis after fiscal year"
    ),
    # Bookings (lines 3 and 4)
    pytest.param({3: {1: "0,00"}}, "umsatz-zero", 3, 1, id="umsatz 0,00"),
    pytest.param({3: {1: "119.00"}}, "umsatz-format", 3, 1, id="umsatz decimal point"),
    pytest.param({3: {1: "-119,00"}}, "umsatz-format", 3, 1, id="umsatz negative"),
    pytest.param({3: {1: ""}}, "umsatz-missing", 3, 1, id="umsatz missing"),
    pytest.param({3: {1: '"119,00"'}}, "number-quoted", 3, 1, id="umsatz quoted"),
    pytest.param({3: {2: '"D"'}}, "soll-haben-format", 3, 2, id="soll-haben D"),
    pytest.param({3: {2: '""'}}, "soll-haben-missing", 3, 2, id="soll-haben missing"),
    pytest.param({3: {3: '"eur"'}}, "wkz-umsatz-format", 3, 3, id="wkz lower case"),
    pytest.param({3: {3: '"USD"', 4: "0,50"}}, "kurs-format", 3, 4, id="kurs below 1"),
    pytest.param({3: {4: "1,10"}}, "kurs-without-foreign-currency", 3, 4, id="kurs on eur"),
    pytest.param({3: {5: "100,00"}}, "basis-umsatz-pair", 3, 6, id="basis without wkz"),
    pytest.param({3: {6: '"EUR"'}}, "basis-umsatz-pair", 3, 5, id="wkz without basis"),
    pytest.param(
        {3: {5: "100.00", 6: '"EUR"'}}, "basis-umsatz-format", 3, 5, id="basis decimal point"
    ),
    pytest.param(
        {3: {5: "100,00", 6: '"Euro"'}}, "wkz-basis-umsatz-format", 3, 6, id="wkz basis Euro"
    ),
    pytest.param({3: {7: "12a"}}, "konto-format", 3, 7, id="konto letter"),
    pytest.param({3: {7: "0000"}}, "konto-zero", 3, 7, id="konto zeros"),
    pytest.param({3: {7: "123456"}}, "konto-length", 3, 7, id="konto 6 digits at skl 4"),
    pytest.param({3: {8: ""}}, "gegenkonto-missing", 3, 8, id="gegenkonto missing"),
    pytest.param({3: {8: "00000"}}, "gegenkonto-zero", 3, 8, id="gegenkonto zeros"),
    pytest.param({3: {8: "840000"}}, "gegenkonto-length", 3, 8, id="gegenkonto 6 digits"),
    pytest.param({4: {8: "1234567890"}}, "gegenkonto-format", 4, 8, id="gegenkonto 10 digits"),
    pytest.param({4: {9: '"12345"'}}, "bu-schluessel-format", 4, 9, id="bu 5 digits"),
    pytest.param({3: {9: '"3"'}}, "bu-schluessel-automatic-account", 3, 9, id="bu on 8400"),
    pytest.param({3: {10: ""}}, "belegdatum-missing", 3, 10, id="belegdatum missing"),
    pytest.param({3: {10: "153"}}, "belegdatum-format", 3, 10, id="belegdatum 3 digits"),
    pytest.param({3: {10: "3102"}}, "belegdatum-format", 3, 10, id="belegdatum 31 feb"),
    pytest.param({3: {10: "0109"}}, "belegdatum-in-period", 3, 10, id="belegdatum september"),
    pytest.param({3: {11: '"RE 2024"'}}, "belegfeld-1-format", 3, 11, id="belegfeld 1 space"),
    pytest.param({3: {11: '"RÄ2024"'}}, "belegfeld-1-format", 3, 11, id="belegfeld 1 umlaut"),
    pytest.param({3: {11: quoted(37)}}, "belegfeld-1-length", 3, 11, id="belegfeld 1 37 chars"),
    pytest.param({3: {12: quoted(13)}}, "belegfeld-2-length", 3, 12, id="belegfeld 2 13 chars"),
    pytest.param({3: {13: "0,00"}}, "skonto-zero", 3, 13, id="skonto 0,00"),
    pytest.param({3: {13: "1,5"}}, "skonto-format", 3, 13, id="skonto one decimal"),
    pytest.param({3: {14: quoted(61)}}, "buchungstext-length", 3, 14, id="buchungstext 61"),
    pytest.param({3: {14: '"Tab\there"'}}, "control-character", 3, 14, id="tab in text"),
    pytest.param({3: {14: '"Say "hi" now"'}}, "quote-stray", 3, 14, id="quote not doubled"),
    pytest.param({3: {14: "Rechnung"}}, "text-not-quoted", 3, 14, id="bare buchungstext"),
    pytest.param({3: {20: quoted(211)}}, "beleglink-length", 3, 20, id="beleglink 211"),
    pytest.param({3: {21: quoted(21)}}, "beleginfo-art-length", 3, 21, id="beleginfo art 21"),
    pytest.param({3: {36: quoted(211)}}, "beleginfo-inhalt-length", 3, 36, id="inhalt 8 211"),
    pytest.param({3: {37: quoted(37)}}, "kost1-length", 3, 37, id="kost1 37"),
    pytest.param({3: {38: quoted(37)}}, "kost2-length", 3, 38, id="kost2 37"),
    pytest.param({3: {40: quoted(16)}}, "eu-ustid-bestimmung-length", 3, 40, id="ustid 16"),
    pytest.param({3: {41: "19"}}, "eu-steuersatz-bestimmung-format", 3, 41, id="eu rate 19"),
    pytest.param({3: {42: '"X"'}}, "abw-versteuerungsart-format", 3, 42, id="versteuerung X"),
    pytest.param({3: {43: "0"}}, "sachverhalt-ll-format", 3, 43, id="sachverhalt 0"),
    pytest.param({3: {44: "1000"}}, "funktionsergaenzung-ll-format", 3, 44, id="ergaenzung 1000"),
    pytest.param({3: {96: '"XX"'}}, "buchungstyp-format", 3, 96, id="buchungstyp XX"),
    pytest.param({3: {102: '"RE1"'}}, "herkunft-kz-length", 3, 102, id="herkunft 3 chars"),
    pytest.param({3: {103: quoted(37)}}, "buchungs-guid-length", 3, 103, id="guid 37"),
    pytest.param({3: {105: quoted(36)}}, "sepa-mandatsreferenz-length", 3, 105, id="mandat 36"),
    pytest.param({3: {114: "2"}}, "festschreibung-format", 3, 114, id="festschreibung 2"),
    pytest.param({4: {115: "31022024"}}, "leistungsdatum-format", 4, 115, id="leistung 31 feb"),
    pytest.param(
        {4: {116: ""}}, "leistungsdatum-without-steuerperiode", 4, 116, id="leistung alone"
    ),
    pytest.param({4: {116: "2024-03-21"}}, "datum-zuord-steuerperiode-format", 4, 116, id="zuord"),
    pytest.param({3: {117: "1504"}}, "faelligkeit-format", 3, 117, id="faelligkeit TTMM"),
    pytest.param({3: {118: '"G"'}}, "generalumkehr-format", 3, 118, id="generalumkehr G"),
    pytest.param({3: {119: "19"}}, "steuersatz-format", 3, 119, id="steuersatz 19"),
    pytest.param({3: {120: '"Deutschland"'}}, "land-format", 3, 120, id="land name"),
    pytest.param({3: {121: quoted(51)}}, "abrechnungsreferenz-length", 3, 121, id="referenz 51"),
    pytest.param({3: {122: "6"}}, "bvv-position-format", 3, 122, id="bvv 6"),
    pytest.param({3: {123: quoted(16)}}, "eu-ustid-ursprung-length", 3, 123, id="ursprung 16"),
    pytest.param({3: {124: "7"}}, "eu-steuersatz-ursprung-format", 3, 124, id="ursprung rate 7"),
    pytest.param({3: {125: ";"}}, "column-count", 3, None, id="126 columns"),
    pytest.param({2: {125: "Abw. Skontokonto;"}}, "column-count", 2, None, id="126 headings"),
]


@pytest.mark.parametrize(("changes", "rule", "line", "column"), BATCH_CASES)
def test_one_broken_rule_in_a_batch_is_reported_at_its_line_and_column(
    changes: Changes, rule: str, line: int, column: int | None
) -> None:
    content = written(changed(batch_fv13(), changes))
    assert located(check(content, automatic_accounts=SKR03_AUTOMATIC)) == [(rule, line, column)]


MASTER_DATA_CASES = [
    pytest.param({4: {1: "10000"}}, "konto-duplicate", 4, 1, id="konto twice"),
    pytest.param({3: {1: "1000"}}, "konto-length", 3, 1, id="konto 4 digits at skl 4"),
    pytest.param({3: {1: "01000"}}, "konto-leading-zero", 3, 1, id="konto leading zero"),
    pytest.param({3: {1: "1000a"}}, "konto-format", 3, 1, id="konto letter"),
    pytest.param({3: {1: ""}}, "konto-missing", 3, 1, id="konto missing"),
    pytest.param({4: {2: quoted(51)}}, "name-unternehmen-length", 4, 2, id="company name 51"),
    pytest.param({4: {3: quoted(51)}}, "unternehmensgegenstand-length", 4, 3, id="purpose 51"),
    pytest.param({3: {4: quoted(31)}}, "name-person-length", 3, 4, id="person name 31"),
    pytest.param({3: {5: quoted(31)}}, "vorname-person-length", 3, 5, id="first name 31"),
    pytest.param({3: {6: quoted(51)}}, "name-keine-angabe-length", 3, 6, id="other name 51"),
    pytest.param({3: {7: '"3"'}}, "adressatentyp-format", 3, 7, id="adressatentyp 3"),
    pytest.param({3: {7: "1"}}, "text-not-quoted", 3, 7, id="adressatentyp bare"),
    pytest.param({3: {8: quoted(16)}}, "kurzbezeichnung-length", 3, 8, id="short name 16"),
    pytest.param({3: {9: '"Deutschland"'}}, "eu-land-format", 3, 9, id="eu-land name"),
    pytest.param({3: {16: quoted(37)}}, "strasse-length", 3, 16, id="street 37"),
    pytest.param({3: {18: '"D-50999"'}}, "postleitzahl-format", 3, 18, id="plz prefix"),
    pytest.param({3: {19: quoted(31)}}, "ort-length", 3, 19, id="city 31"),
    pytest.param({3: {20: '"de"'}}, "land-format", 3, 20, id="land lower case"),
    pytest.param({3: {45: '"DE12500105170648489891"'}}, "iban-format", 3, 45, id="iban digit"),
    pytest.param(
        {4: {56: '"DE12 5001 0517 0648 4898 90"'}}, "iban-format", 4, 56, id="iban 2 spaces"
    ),
    pytest.param({5: {213: '"DE00500105170648489890"'}}, "iban-format", 5, 213, id="iban 10"),
    pytest.param({3: {101: '"1"'}}, "number-quoted", 3, 101, id="sprache quoted"),
    pytest.param({1: {5: "4"}}, "header-formatversion-unsupported", 1, 5, id="version 4"),
    pytest.param({1: {4: '"Buchungsstapel"'}}, "header-formatname-mismatch", 1, 4, id="name"),
    pytest.param({1: {22: '"E"'}}, "header-wkz-format", 1, 22, id="wkz E"),
    pytest.param({6: {254: ";"}}, "column-count", 6, None, id="255 columns"),
]


@pytest.mark.parametrize(("changes", "rule", "line", "column"), MASTER_DATA_CASES)
def test_one_broken_rule_in_master_data_is_reported_at_its_line_and_column(
    changes: Changes, rule: str, line: int, column: int | None
) -> None:
    content = written(changed(lines_of(STAMMDATEN_SAMPLE), changes))
    assert located(check(content)) == [(rule, line, column)]


VALID_BATCH_CHANGES = [
    pytest.param({3: {9: '"40"'}}, id="bu 40 on an automatikkonto"),
    pytest.param({3: {11: '"A_b$&%*+-/9"'}}, id="belegfeld 1 with _ and $&%*+-/"),
    pytest.param({3: {3: '""'}}, id="wkz umsatz empty: the header's"),
    pytest.param({3: {3: '"USD"', 4: "1,085000"}}, id="kurs with a foreign currency"),
    pytest.param({3: {5: "100,00", 6: '"EUR"'}}, id="basis-umsatz with its currency"),
    pytest.param({3: {114: ""}}, id="festschreibung empty"),
    pytest.param({3: {10: "2902"}}, id="29 february 2024"),
    pytest.param({3: {14: '"Kauf; ""Fachbuch"""'}}, id="quoted ; and doubled quotes"),
    pytest.param({1: {1: '"DTVF"', 2: "510"}}, id="dtvf and legacy header version"),
    pytest.param({1: {23: '""', 25: '""', 26: '""'}}, id="reserved header fields quoted"),
    pytest.param(
        {1: {13: "20240701", 15: "20241201", 16: "20250131"}, 3: {10: "1501"}, 4: {10: "2012"}},
        id="period across new year",
    ),
]


@pytest.mark.parametrize("changes", VALID_BATCH_CHANGES)
def test_a_batch_that_looks_odd_but_keeps_the_rules_passes(changes: Changes) -> None:
    content = written(changed(batch_fv13(), changes))
    assert check(content, automatic_accounts=SKR03_AUTOMATIC) == []


def test_29_february_is_checked_against_the_year_of_the_period() -> None:
    year_2023 = {1: {13: "20230101", 15: "20230101", 16: "20230331"}, 3: {10: "2902"}}
    content = written(changed(batch_fv13(), year_2023))
    assert located(check(content)) == [("belegdatum-format", 3, 10)]


def test_every_broken_rule_of_a_record_is_reported() -> None:
    content = written(changed(batch_fv13(), {3: {1: "0,00", 11: '"RE 1"', 120: '"D"'}}))
    expected = [("umsatz-zero", 3, 1), ("belegfeld-1-format", 3, 11), ("land-format", 3, 120)]
    assert located(check(content)) == expected


def test_a_violation_names_the_field_and_says_what_is_wrong() -> None:
    [violation] = check(written(changed(batch_fv13(), {3: {1: "119.00"}})))
    assert violation.field == "Umsatz (ohne Soll/Haben-Kz)"
    assert "119.00" in violation.message


@pytest.mark.parametrize(("version", "name"), [(9, "Leerfeld"), (10, "Buchungs GUID")])
def test_column_103_is_the_buchungs_guid_from_formatversion_10(version: int, name: str) -> None:
    lines = changed(batch_fv13(), {1: {5: str(version)}, 3: {103: quoted(37)}})
    [violation] = check(written([fields[:120] for fields in lines]))
    found = (violation.rule, violation.column, violation.field)
    assert found == ("buchungs-guid-length", 103, name)


@pytest.mark.parametrize(("version", "columns"), [(9, 120), (10, 120), (11, 122), (12, 124)])
def test_each_formatversion_has_its_column_count(version: int, columns: int) -> None:
    lines = changed(batch_fv13(), {1: {5: str(version)}})
    assert check(written([fields[:columns] for fields in lines])) == []
    all_125_columns = located(check(written(lines)))
    assert all_125_columns == [("column-count", line, None) for line in (2, 3, 4)]


def test_utf8_without_bom_is_reported_at_the_first_line_with_a_non_ascii_byte() -> None:
    content = written(batch_fv13(), encoding="utf-8")  # "Schlüssel" in the headings
    assert located(check(content)) == [("encoding-utf8-without-bom", 2, None)]


def test_utf8_with_a_bom_passes() -> None:
    assert check(codecs.BOM_UTF8 + written(batch_fv13(), encoding="utf-8")) == []


def test_a_byte_outside_windows_1252_is_reported() -> None:
    content = written(batch_fv13()).replace(b"Honorar", b"Hon\x81rar")
    assert located(check(content)) == [("encoding-invalid", 3, None)]


def test_lf_line_ends_are_reported_on_every_line() -> None:
    content = written(batch_fv13(), line_end="\n")
    assert located(check(content)) == [("line-end-crlf", line, None) for line in (1, 2, 3, 4)]


def test_the_last_line_needs_its_cr_lf_too() -> None:
    content = written(batch_fv13()).removesuffix(b"\r\n")
    assert located(check(content)) == [("line-end-crlf", 4, None)]


def test_a_line_break_in_a_quoted_field_is_reported_and_later_lines_keep_their_numbers() -> None:
    changes = {3: {14: '"Honorar\r\nSeminar"'}, 4: {1: "0,00"}}
    content = written(changed(batch_fv13(), changes))
    assert located(check(content)) == [("control-character", 3, 14), ("umsatz-zero", 5, 1)]


def test_a_quote_left_open_is_reported() -> None:
    content = written(batch_fv13()) + b'"open\r\n'
    assert located(check(content)) == [("quote-unclosed", 5, None), ("column-count", 5, None)]


def test_an_empty_file_is_reported() -> None:
    assert located(check(b"")) == [("file-empty", 1, None)]


def test_a_header_without_headings_is_reported() -> None:
    assert located(check(written(batch_fv13()[:1]))) == [("headings-missing", 2, None)]


def test_more_than_99999_records_do_not_fit_one_file() -> None:
    # Records of one empty field each: their column count is wrong too, but they are cheap.
    head = written(batch_fv13()[:2])
    at_limit = check(head + b"\r\n" * RECORDS_PER_FILE_MAX)
    over_limit = check(head + b"\r\n" * (RECORDS_PER_FILE_MAX + 1))
    assert "record-count-max" not in {violation.rule for violation in at_limit}
    last_line = RECORDS_PER_FILE_MAX + 3
    assert ("record-count-max", last_line, None) in located(over_limit)
