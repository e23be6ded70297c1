"""DATEV-Format (EXTF) checker: every rule a Buchungsstapel or Debitoren/Kreditoren file breaks.

`check(content)` takes the bytes of an EXTF file and returns one `Violation` per broken rule,
with the physical line (1 header, 2 headings, 3+ records) and the column or header field; an
empty list means the file is valid. Header field 3 says what the file is: 21 Buchungsstapel
(Formatversion 9-13, 120-125 columns) or 16 Debitoren/Kreditoren (Formatversion 5, 254 columns).

The rules are those of formats.md §1 (the team's DATEV research): file rules §1.1, header
§1.2, Buchungsstapel columns and field rules §1.3/§1.4, Debitoren/Kreditoren §1.5. Which
columns are text (quoted, also when empty) and which are numbers (unquoted, empty = nothing)
follows DATEV's own sample rows (tests/fixtures/datev). Per-column rules are rows of a table
(`_Rule`: required, maximum length, format); rules that relate fields are functions.

    >>> check(b'"EXTF";700;21;"Buchungsstapel";13\\r\\n')[0].rule
    'header-field-count'
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import date, timedelta
from typing import Final, Literal

import msgspec
import schwifty
from dateutil.relativedelta import relativedelta
from schwifty.exceptions import SchwiftyException

from ledger.datev_columns import (
    BUCHUNGSSTAPEL_COLUMN_COUNTS,
    BUCHUNGSSTAPEL_COLUMNS,
    DEBITOREN_KREDITOREN_COLUMNS,
    HEADER_FIELD_COUNT,
)

__all__ = ["RECORDS_PER_FILE_MAX", "Violation", "check"]

RECORDS_PER_FILE_MAX: Final = 99_999  # DATEV imports at most this many records (§1.1)


class Violation(msgspec.Struct, frozen=True, kw_only=True):
    """One broken rule, where it is broken."""

    line: int  # 1-based physical line of the file (1 = header, 2 = headings, 3+ = records)
    column: int | None  # 1-based column (or header field) number; None for file-level rules
    field: str | None  # the column heading / header field name
    rule: str  # a short stable rule id, e.g. "umsatz-format", "belegdatum-in-period"
    message: str  # what is wrong, for a person


def check(content: bytes, *, automatic_accounts: frozenset[str] = frozenset()) -> list[Violation]:
    """Every rule the EXTF file `content` breaks, in file order; [] if it is valid.

    `automatic_accounts` are the chart's Automatikkonten: a booking on one of them takes no
    BU-Schlüssel except 40.
    """
    text, violations = _decode(content)
    records, parse_violations = _parse(text)
    violations += parse_violations
    if not records:
        return [*violations, _file_violation(1, "file-empty", "The file is empty.")]
    header_violations, layout = _check_header(records[0])
    violations += header_violations
    if layout is not None:
        violations += _check_body(records[1:], layout, automatic_accounts)
    return sorted(violations, key=lambda violation: (violation.line, violation.column or 0))


# --- Tables ------------------------------------------------------------------------------


class _Format(msgspec.Struct, frozen=True):
    accepts: Callable[[str], bool]
    expected: str  # for the message: what a valid value looks like


class _Rule(msgspec.Struct, frozen=True, kw_only=True):
    """The rules of one column: violated as `<stem>-missing`, `-length` or `-format`."""

    column: int
    stem: str
    required: bool = False
    length_max: int | None = None
    format: _Format | None = None


def _regex(pattern: str, expected: str) -> _Format:
    compiled = re.compile(pattern, re.ASCII)  # \d is 0-9 only, as DATEV reads digits
    return _Format(lambda value: compiled.fullmatch(value) is not None, expected)


def _calendar_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _yyyymmdd(value: str) -> date | None:
    if not re.fullmatch(r"[0-9]{8}", value):
        return None
    return _calendar_date(int(value[:4]), int(value[4:6]), int(value[6:]))


def _is_ddmmyyyy(value: str) -> bool:
    digits = re.fullmatch(r"[0-9]{8}", value) is not None
    return digits and _calendar_date(int(value[4:]), int(value[2:4]), int(value[:2])) is not None


def _is_ddmm(value: str) -> bool:
    # 2000 is a leap year, so 2902 passes here; whether it exists is decided with the year.
    digits = re.fullmatch(r"[0-9]{4}", value) is not None
    return digits and _calendar_date(2000, int(value[2:]), int(value[:2])) is not None


def _is_iban(value: str) -> bool:
    try:
        return schwifty.IBAN(value).compact == value
    except SchwiftyException:
        return False


def _between(low: int, high: int) -> _Format:
    def accepts(value: str) -> bool:
        return value.isascii() and value.isdigit() and low <= int(value) <= high

    return _Format(accepts, f"a number from {low} to {high}")


_AMOUNT = _regex(r"\d{1,10},\d{2}", "an amount like 1234,56 (decimal comma, no sign)")
_ACCOUNT = _regex(r"\d{1,9}", "an account number of 1 to 9 digits")
# ISO codes by their shape, as schemas/ checks them: no code list is a dependency of ours.
_CURRENCY = _regex(r"[A-Z]{3}", "an ISO 4217 code like EUR")
_COUNTRY = _regex(r"[A-Z]{2}", "an ISO 3166 code like DE")
_FLAG = _regex(r"[01]", "0 or 1")
_RATE = _regex(r"\d{1,2},\d{2}", "a percentage like 19,00")  # DATEV's samples write "7,00"
_CASE_NUMBER = _regex(r"[1-9]\d{0,2}", "a number from 1 to 999")
_DDMM = _Format(_is_ddmm, "a day and month TTMM with leading zeros")
_DDMMYYYY = _Format(_is_ddmmyyyy, "a date TTMMJJJJ")
_YYYYMMDD = _Format(lambda value: _yyyymmdd(value) is not None, "a date YYYYMMDD")
_IBAN = _Format(_is_iban, "an IBAN without spaces and with valid check digits (ISO 13616)")
_KENNZEICHEN = _regex("EXTF|DTVF", '"EXTF" (or "DTVF")')
_HEADER_VERSION = _regex("700|510", "700 (510 in legacy files)")
_BELEGFELD_1 = _regex(r"[A-Za-z0-9$&%*+\-/_]*", "letters, digits and $ & % * + - / _ only")
_KURS = _regex(r"[1-9]\d{0,3},\d{2,6}", "an exchange rate like 1,123456, not 0")
_BUCHUNGSTYP = _regex("AA|AG|AV|SR|SU|SG|SO", "AA, AG, AV, SR, SU, SG or SO")


def _columns(*spans: int | tuple[int, int]) -> frozenset[int]:
    """Column numbers from single columns and inclusive (first, last) spans."""
    singles = [span for span in spans if isinstance(span, int)]
    ranges = [range(span[0], span[1] + 1) for span in spans if isinstance(span, tuple)]
    return frozenset(singles).union(*ranges)


_HEADER_FIELDS: Final = (
    *("Kennzeichen", "Versionsnummer", "Formatkategorie", "Formatname", "Formatversion"),
    *("Erzeugt am", "Importiert", "Herkunft", "Exportiert von", "Importiert von"),
    *("Beraternummer", "Mandantennummer", "WJ-Beginn", "Sachkontenlänge", "Datum vom"),
    *("Datum bis", "Bezeichnung", "Diktatkürzel", "Buchungstyp", "Rechnungslegungszweck"),
    *("Festschreibung", "WKZ", "reserviert", "Derivatskennzeichen", "reserviert"),
    *("reserviert", "Sachkontenrahmen", "ID der Branchenlösung", "reserviert", "reserviert"),
    "Anwendungsinformation",
)
_HEADER_TEXT: Final = _columns(1, 4, 8, 9, 10, 17, 18, 22, 24, 27, 30, 31)
# DATEV's samples disagree on the reserved fields 23, 25 and 26 (`""` in the sample file,
# nothing in the portal's example), so either passes there.
_HEADER_EITHER: Final = _columns(23, 25, 26)
_HEADER_RULES: Final = (
    _Rule(column=1, stem="header-kennzeichen", required=True, format=_KENNZEICHEN),
    _Rule(column=2, stem="header-versionsnummer", required=True, format=_HEADER_VERSION),
    _Rule(column=11, stem="header-beraternummer", required=True, format=_between(1001, 9999999)),
    _Rule(column=12, stem="header-mandantennummer", required=True, format=_between(1, 99999)),
    _Rule(column=13, stem="header-wj-beginn", required=True, format=_YYYYMMDD),
    _Rule(column=14, stem="header-sachkontenlaenge", required=True, format=_between(4, 8)),
)
_BUCHUNGSSTAPEL_HEADER_RULES: Final = (
    _Rule(column=15, stem="header-datum-vom", required=True, format=_YYYYMMDD),
    _Rule(column=16, stem="header-datum-bis", required=True, format=_YYYYMMDD),
    _Rule(column=21, stem="header-festschreibung", required=True, format=_FLAG),
    _Rule(column=22, stem="header-wkz", required=True, format=_CURRENCY),
)
_DEBITOREN_KREDITOREN_HEADER_RULES: Final = (
    _Rule(column=21, stem="header-festschreibung", format=_FLAG),
    _Rule(column=22, stem="header-wkz", format=_CURRENCY),
)

# Columns 121-125 (FV 11-13) are not in the FV 9 sample: 121 (a reference) and 123 (a VAT ID,
# like 40) are text; 122 (1-5), 124 (a rate, like 41) and 125 (an account) are numbers.
_BUCHUNGSSTAPEL_TEXT: Final = _columns(
    *(2, 3, 6, 9, 11, 12, 14, 16, (20, 38), 40, 42, (48, 87), 91, 95, 96, 98, 102, 103, 105),
    *(107, 109, 110, 112, 118, 120, 121, 123),
)
_BELEGINFO_RULES: Final = tuple(
    rule
    for art in range(21, 37, 2)
    for rule in (
        _Rule(column=art, stem="beleginfo-art", length_max=20),
        _Rule(column=art + 1, stem="beleginfo-inhalt", length_max=210),
    )
)
_BUCHUNGSSTAPEL_RULES: Final = (
    _Rule(column=1, stem="umsatz", required=True, format=_AMOUNT),
    _Rule(column=2, stem="soll-haben", required=True, format=_regex("[SH]", "S or H")),
    _Rule(column=3, stem="wkz-umsatz", format=_CURRENCY),
    _Rule(column=4, stem="kurs", format=_KURS),
    _Rule(column=5, stem="basis-umsatz", format=_AMOUNT),
    _Rule(column=6, stem="wkz-basis-umsatz", format=_CURRENCY),
    _Rule(column=7, stem="konto", required=True, format=_ACCOUNT),
    _Rule(column=8, stem="gegenkonto", required=True, format=_ACCOUNT),
    _Rule(column=9, stem="bu-schluessel", format=_regex(r"\d{1,4}", "up to 4 digits")),
    _Rule(column=10, stem="belegdatum", required=True, format=_DDMM),
    _Rule(column=11, stem="belegfeld-1", length_max=36, format=_BELEGFELD_1),
    _Rule(column=12, stem="belegfeld-2", length_max=12),
    _Rule(column=13, stem="skonto", format=_regex(r"\d{1,8},\d{2}", "an amount like 12,34")),
    _Rule(column=14, stem="buchungstext", length_max=60),
    _Rule(column=20, stem="beleglink", length_max=210),
    *_BELEGINFO_RULES,
    _Rule(column=37, stem="kost1", length_max=36),
    _Rule(column=38, stem="kost2", length_max=36),
    _Rule(column=40, stem="eu-ustid-bestimmung", length_max=15),
    _Rule(column=41, stem="eu-steuersatz-bestimmung", format=_RATE),
    _Rule(column=42, stem="abw-versteuerungsart", format=_regex("[IKPS]", "I, K, P or S")),
    _Rule(column=43, stem="sachverhalt-ll", format=_CASE_NUMBER),
    _Rule(column=44, stem="funktionsergaenzung-ll", format=_CASE_NUMBER),
    _Rule(column=96, stem="buchungstyp", format=_BUCHUNGSTYP),
    _Rule(column=102, stem="herkunft-kz", length_max=2),
    _Rule(column=103, stem="buchungs-guid", length_max=36),
    _Rule(column=105, stem="sepa-mandatsreferenz", length_max=35),
    _Rule(column=114, stem="festschreibung", format=_FLAG),
    _Rule(column=115, stem="leistungsdatum", format=_DDMMYYYY),
    _Rule(column=116, stem="datum-zuord-steuerperiode", format=_DDMMYYYY),
    _Rule(column=117, stem="faelligkeit", format=_DDMMYYYY),
    _Rule(column=118, stem="generalumkehr", format=_FLAG),
    _Rule(column=119, stem="steuersatz", format=_RATE),
    _Rule(column=120, stem="land", format=_COUNTRY),
    _Rule(column=121, stem="abrechnungsreferenz", length_max=50),
    _Rule(column=122, stem="bvv-position", format=_regex("[1-5]", "1 to 5")),
    _Rule(column=123, stem="eu-ustid-ursprung", length_max=15),
    _Rule(column=124, stem="eu-steuersatz-ursprung", format=_RATE),
)

_DEBITOREN_KREDITOREN_TEXT: Final = _columns(
    *((2, 25), (29, 48), (52, 59), (63, 70), (74, 81), (85, 92), (97, 100), (102, 104)),
    *(133, 134, (136, 162), (165, 172), (176, 183), (187, 194), (198, 205), (209, 216)),
    *(220, (222, 231), 244, 247, 249),
)
_DEBITOREN_KREDITOREN_RULES: Final = (
    _Rule(column=1, stem="konto", required=True, format=_ACCOUNT),
    _Rule(column=2, stem="name-unternehmen", length_max=50),
    _Rule(column=3, stem="unternehmensgegenstand", length_max=50),
    _Rule(column=4, stem="name-person", length_max=30),
    _Rule(column=5, stem="vorname-person", length_max=30),
    _Rule(column=6, stem="name-keine-angabe", length_max=50),
    _Rule(column=7, stem="adressatentyp", format=_regex("[012]", "0, 1 or 2")),
    _Rule(column=8, stem="kurzbezeichnung", length_max=15),
    _Rule(column=9, stem="eu-land", format=_COUNTRY),
    _Rule(column=16, stem="strasse", length_max=36),
    _Rule(column=18, stem="postleitzahl", format=_regex(r"\d{1,10}", "up to 10 digits")),
    _Rule(column=19, stem="ort", length_max=30),
    _Rule(column=20, stem="land", format=_COUNTRY),
    *(  # IBAN 1-10, one in each bank block
        _Rule(column=column, stem="iban", format=_IBAN)
        for column, heading in enumerate(DEBITOREN_KREDITOREN_COLUMNS, start=1)
        if heading.startswith("IBAN")
    ),
)


class _Layout(msgspec.Struct, frozen=True, kw_only=True):
    """What the header says the records look like."""

    category: Literal[16, 21]
    headings: tuple[str, ...]
    text_columns: frozenset[int]
    rules: tuple[_Rule, ...]
    account_length: int | None  # Sachkontenlänge, if valid
    period: tuple[date, date] | None  # Datum vom..bis, if valid (Buchungsstapel)
    currency: str  # header WKZ


_CATEGORY_NAMES: Final = {21: "Buchungsstapel", 16: "Debitoren/Kreditoren"}
_COLUMN_COUNTS: Final = {
    21: BUCHUNGSSTAPEL_COLUMN_COUNTS,
    16: {5: len(DEBITOREN_KREDITOREN_COLUMNS)},
}


# --- Bytes to records -------------------------------------------------------------------


class _Record(msgspec.Struct, frozen=True):
    """One record as parsed: the fields' values, and which of them were quoted."""

    line: int  # the physical line it starts on
    values: tuple[str, ...]
    quoted: tuple[bool, ...]
    stray_quotes: tuple[int, ...]  # columns with a quote out of place, read up to the next `;`

    def value(self, column: int) -> str:
        return self.values[column - 1] if column <= len(self.values) else ""


def _file_violation(line: int, rule: str, message: str) -> Violation:
    return Violation(line=line, column=None, field=None, rule=rule, message=message)


def _decode(content: bytes) -> tuple[str, list[Violation]]:
    """The text, read as DATEV reads it: UTF-8 after a BOM, Windows-1252 otherwise."""
    if content.startswith(codecs.BOM_UTF8):
        return _decode_as(content[len(codecs.BOM_UTF8) :], "utf-8")
    if not content.isascii():
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError:
            return _decode_as(content, "cp1252")
        first = re.search(rb"[\x80-\xff]", content).start()  # type: ignore[union-attr]
        message = "UTF-8 without a BOM: DATEV would read the file as Windows-1252."
        violation = _file_violation(_line_at(content, first), "encoding-utf8-without-bom", message)
        return text, [violation]
    return content.decode("ascii"), []


def _decode_as(content: bytes, encoding: str) -> tuple[str, list[Violation]]:
    try:
        return content.decode(encoding), []
    except UnicodeDecodeError as error:
        message = f"Byte {content[error.start]:#04x} is not {encoding}."
        violation = _file_violation(_line_at(content, error.start), "encoding-invalid", message)
        return content.decode(encoding, errors="replace"), [violation]


def _line_at(content: bytes, offset: int) -> int:
    return content.count(b"\n", 0, offset) + 1


_TEXT = r'[^"]*(?:""[^"]*)*'  # inside quotes, where an embedded quote is doubled
_FIELD_PATTERN = rf'"{_TEXT}"|[^;"]*'
_WELL_FORMED = re.compile(rf"(?:{_FIELD_PATTERN})(?:;(?:{_FIELD_PATTERN}))*")
_FIELDS = re.compile(rf'(?:^|;)(?:(")({_TEXT})"|([^;"]*))')  # quote, quoted text, bare text
_FIELD = re.compile(rf"(?:{_FIELD_PATTERN})(?=;|\Z)")
# Fields, then a quoted field still open at the end of the line: it goes on in the next line.
_OPEN_FIELD = re.compile(rf'(?:(?:{_FIELD_PATTERN});)*"{_TEXT}')
_CONTROL = re.compile(r"[\r\n\t]")


def _parse(text: str) -> tuple[list[_Record], list[Violation]]:
    """Records split at unquoted line ends; a quoted field may hold `;` and line breaks."""
    lines = text.split("\n")
    violations: list[Violation] = []
    last = lines.pop()  # what follows the final LF: nothing, in a file that ends as it should
    if last:
        lines.append(last + "\r")  # reported here, once; below it reads as a terminated line
        message = "The last line has no CR LF after it."
        violations.append(_file_violation(len(lines), "line-end-crlf", message))
    records: list[_Record] = []
    index = 0
    while index < len(lines):
        start = index
        physical = lines[index]
        while _is_open(physical) and index + 1 < len(lines):
            index += 1
            physical += "\n" + lines[index]
        if not physical.endswith("\r"):
            message = "The line ends with LF only; DATEV expects CR LF."
            violations.append(_file_violation(index + 1, "line-end-crlf", message))
        body = physical.removesuffix("\r")
        if _is_open(body):
            message = "A quoted field is not closed before the end of the file."
            violations.append(_file_violation(start + 1, "quote-unclosed", message))
            body += '"'
        records.append(_split(start + 1, body))
        index += 1
    return records, violations


def _is_open(line: str) -> bool:
    return line.count('"') % 2 == 1 and _OPEN_FIELD.fullmatch(line) is not None


def _split(line: int, body: str) -> _Record:
    """The record on `line`, split at each `;` outside quotes."""
    if _WELL_FORMED.fullmatch(body):
        fields = _FIELDS.findall(body)
        quoted = tuple([bool(quote) for quote, _, _ in fields])
        values = tuple([text.replace('""', '"') + bare for _, text, bare in fields])
        return _Record(line, values, quoted, stray_quotes=())
    spans = list(_malformed_spans(body))
    raw = [body[start:end] for start, end, _ in spans]
    stray = tuple(column for column, (_, _, malformed) in enumerate(spans, start=1) if malformed)
    quoted = tuple(len(field) > 1 and field[0] == field[-1] == '"' for field in raw)
    values = tuple(
        field[1:-1].replace('""', '"') if is_quoted else field
        for field, is_quoted in zip(raw, quoted, strict=True)
    )
    return _Record(line, values, quoted, stray_quotes=stray)


def _malformed_spans(body: str) -> Iterator[tuple[int, int, bool]]:
    """(start, end, malformed) of each field of a record that is not well formed."""
    position = 0
    while True:
        match = _FIELD.match(body, position)
        if match is not None:
            end = match.end()
        else:
            end = body.find(";", position)
            end = len(body) if end < 0 else end
        yield position, end, match is None
        if end >= len(body):
            return
        position = end + 1


# --- Header -----------------------------------------------------------------------------


def _check_header(header: _Record) -> tuple[list[Violation], _Layout | None]:
    """Header violations, and the layout of the records if the header names a known one."""
    value, at = header.value, _located(header, _HEADER_FIELDS)
    violations: list[Violation] = []
    if len(header.values) != HEADER_FIELD_COUNT:
        message = f"The header has {len(header.values)} fields; DATEV's has {HEADER_FIELD_COUNT}."
        violations.append(_file_violation(header.line, "header-field-count", message))
    violations += _quoting_violations(header, _HEADER_FIELDS, _HEADER_TEXT, _HEADER_EITHER)
    violations += _stray_quote_violations(header, _HEADER_FIELDS)
    violations += _control_violations(header, _HEADER_FIELDS)
    violations += _rule_violations(header, _HEADER_FIELDS, _HEADER_RULES)

    category = {"21": 21, "16": 16}.get(value(3))
    if category is None:
        message = f"Formatkategorie {value(3)!r}: this checker knows 21 and 16."
        return [*violations, at(3, "header-formatkategorie-unsupported", message)], None
    if value(4) != _CATEGORY_NAMES[category]:
        message = f"Formatname {value(4)!r}; category {category} is {_CATEGORY_NAMES[category]!r}."
        violations.append(at(4, "header-formatname-mismatch", message))
    if category == 21:
        violations += _rule_violations(header, _HEADER_FIELDS, _BUCHUNGSSTAPEL_HEADER_RULES)
        violations += _period_violations(header)
    else:
        violations += _rule_violations(header, _HEADER_FIELDS, _DEBITOREN_KREDITOREN_HEADER_RULES)

    counts = _COLUMN_COUNTS[category]
    version = int(value(5)) if value(5).isascii() and value(5).isdigit() else None
    if version not in counts:
        known = ", ".join(str(known) for known in counts)
        message = f"Formatversion {value(5)!r}; {_CATEGORY_NAMES[category]} has {known}."
        return [*violations, at(5, "header-formatversion-unsupported", message)], None
    return violations, _layout(category, version, value)


def _layout(category: Literal[16, 21], version: int, value: Callable[[int], str]) -> _Layout:
    column_count = _COLUMN_COUNTS[category][version]
    if category == 21:
        headings = BUCHUNGSSTAPEL_COLUMNS[:column_count]
        if version < 10:
            headings = (*headings[:102], "Leerfeld", *headings[103:])  # not yet a GUID (§1.3)
        text_columns, rules = _BUCHUNGSSTAPEL_TEXT, _BUCHUNGSSTAPEL_RULES
    else:
        headings = DEBITOREN_KREDITOREN_COLUMNS
        text_columns, rules = _DEBITOREN_KREDITOREN_TEXT, _DEBITOREN_KREDITOREN_RULES
    length = value(14)
    return _Layout(
        category=category,
        headings=headings,
        text_columns=text_columns,
        rules=tuple(rule for rule in rules if rule.column <= column_count),
        account_length=int(length) if length in {"4", "5", "6", "7", "8"} else None,
        period=_period(value),
        currency=value(22),
    )


def _period(value: Callable[[int], str]) -> tuple[date, date] | None:
    first, last = _yyyymmdd(value(15)), _yyyymmdd(value(16))
    return (first, last) if first is not None and last is not None and first <= last else None


def _period_violations(header: _Record) -> Iterator[Violation]:
    """Datum vom..bis lies in the one fiscal year that begins on WJ-Beginn (§1.1)."""
    value, at = header.value, _located(header, _HEADER_FIELDS)
    fiscal_start, first, last = (_yyyymmdd(value(field)) for field in (13, 15, 16))
    if first is not None and last is not None and first > last:
        yield at(16, "period-reversed", f"Datum bis {last} is before Datum vom {first}.")
    if fiscal_start is None:
        return
    fiscal_end = fiscal_start + relativedelta(years=1) - timedelta(days=1)
    if first is not None and first < fiscal_start:
        message = f"Datum vom {first} is before WJ-Beginn {fiscal_start}."
        yield at(15, "period-before-wj-beginn", message)
    if last is not None and last > fiscal_end:
        message = f"Datum bis {last} is after {fiscal_end}, the end of the fiscal year."
        yield at(16, "period-beyond-fiscal-year", message)


# --- Records ----------------------------------------------------------------------------


def _check_body(
    body: list[_Record], layout: _Layout, automatic_accounts: frozenset[str]
) -> Iterator[Violation]:
    """Line 2 (the headings, read by position only) and the records below it."""
    if not body:
        yield _file_violation(2, "headings-missing", "Line 2, the column headings, is missing.")
        return
    records = body[1:]
    for record in body:
        if len(record.values) != len(layout.headings):
            message = f"Columns: {len(record.values)}; this format has {len(layout.headings)}."
            yield _file_violation(record.line, "column-count", message)
        yield from _stray_quote_violations(record, layout.headings)
    if len(records) > RECORDS_PER_FILE_MAX:
        message = f"{len(records)} records; DATEV takes at most {RECORDS_PER_FILE_MAX}."
        yield _file_violation(records[RECORDS_PER_FILE_MAX].line, "record-count-max", message)
    # The columns of a record with the wrong count are shifted: their rules would mislead.
    checkable = [record for record in records if len(record.values) == len(layout.headings)]
    quoting = tuple(column in layout.text_columns for column in range(1, len(layout.headings) + 1))
    automatic = frozenset(account.lstrip("0") for account in automatic_accounts)
    for record in checkable:
        if record.quoted != quoting:
            yield from _quoting_violations(record, layout.headings, layout.text_columns)
        yield from _control_violations(record, layout.headings)
        yield from _rule_violations(record, layout.headings, layout.rules)
        if layout.category == 21:
            yield from _booking_violations(record, layout, automatic)
    if layout.category == 16:
        yield from _personal_account_violations(checkable, layout)


def _located(record: _Record, names: tuple[str, ...]) -> Callable[[int, str, str], Violation]:
    def at(column: int, rule: str, message: str) -> Violation:
        name = names[column - 1] if column <= len(names) else None
        return Violation(line=record.line, column=column, field=name, rule=rule, message=message)

    return at


def _quoting_violations(
    record: _Record,
    names: tuple[str, ...],
    text: frozenset[int],
    either: frozenset[int] = frozenset(),
) -> Iterator[Violation]:
    """§1.1: text is quoted, also when empty; a number never is, and empty is nothing."""
    at = _located(record, names)
    pairs = zip(record.values, record.quoted, strict=True)
    for column, (value, quoted) in enumerate(pairs, start=1):
        if column > len(names) or column in either:
            continue
        if column in text and not quoted:
            yield at(column, "text-not-quoted", f"{value!r} is text and must be quoted.")
        elif column not in text and quoted:
            yield at(column, "number-quoted", f'"{value}" is a number and takes no quotes.')


def _stray_quote_violations(record: _Record, names: tuple[str, ...]) -> Iterator[Violation]:
    at = _located(record, names)
    for column in record.stray_quotes:
        message = 'A quote inside the field: quote all of it and double the inner quote ("").'
        yield at(column, "quote-stray", message)


def _control_violations(record: _Record, names: tuple[str, ...]) -> Iterator[Violation]:
    if _CONTROL.search("".join(record.values)) is None:
        return
    at = _located(record, names)
    for column, value in enumerate(record.values, start=1):
        if _CONTROL.search(value):
            yield at(column, "control-character", f"{value!r} holds a CR, LF or TAB.")


def _rule_violations(
    record: _Record, names: tuple[str, ...], rules: Iterable[_Rule]
) -> Iterator[Violation]:
    at, values = _located(record, names), record.values
    for rule in rules:
        text = values[rule.column - 1] if rule.column <= len(values) else ""
        if not text:
            if rule.required:
                yield at(rule.column, f"{rule.stem}-missing", "Required, but empty.")
            continue
        if rule.length_max is not None and len(text) > rule.length_max:
            message = f"{len(text)} characters; at most {rule.length_max}."
            yield at(rule.column, f"{rule.stem}-length", message)
        if rule.format is not None and not rule.format.accepts(text):
            message = f"{text!r} is not {rule.format.expected}."
            yield at(rule.column, f"{rule.stem}-format", message)


# --- Rules across fields ----------------------------------------------------------------


def _booking_violations(
    record: _Record, layout: _Layout, automatic: frozenset[str]
) -> Iterator[Violation]:
    """Buchungsstapel rules that relate fields to each other or to the header (§1.4)."""
    value, at = record.value, _located(record, layout.headings)
    for column, stem in ((1, "umsatz"), (13, "skonto")):
        if _AMOUNT.accepts(value(column)) and not value(column).strip("0,"):
            yield at(column, f"{stem}-zero", f"{value(column)}: DATEV rejects a zero amount.")
    if value(4) and value(3) in {"", layout.currency}:
        message = "Kurs is only for a foreign currency in WKZ Umsatz."
        yield at(4, "kurs-without-foreign-currency", message)
    if bool(value(5)) != bool(value(6)):
        message = "Basis-Umsatz and WKZ Basis-Umsatz go together: both or neither."
        yield at(6 if value(5) else 5, "basis-umsatz-pair", message)
    yield from _account_violations(record, layout, automatic)
    yield from _belegdatum_violations(record, layout)
    if value(115) and not value(116):
        message = "A Leistungsdatum needs the Datum Zuord. Steuerperiode too."
        yield at(116, "leistungsdatum-without-steuerperiode", message)


def _account_violations(
    record: _Record, layout: _Layout, automatic: frozenset[str]
) -> Iterator[Violation]:
    value, at = record.value, _located(record, layout.headings)
    for column, stem in ((7, "konto"), (8, "gegenkonto")):
        account = value(column)
        if not _ACCOUNT.accepts(account):
            continue  # the table has reported it
        if not account.strip("0"):
            yield at(column, f"{stem}-zero", "An account number of zeros only.")
        elif layout.account_length is not None and len(account) > layout.account_length + 1:
            message = f"{len(account)} digits; at most Sachkontenlänge + 1 = "
            yield at(column, f"{stem}-length", f"{message}{layout.account_length + 1}.")
    key = value(9)
    booked = [value(column) for column in (7, 8) if value(column).lstrip("0") in automatic]
    # 40 is the key that cancels an Automatikkonto's tax, so it is the one key allowed there.
    if key and key != "40" and booked:
        message = f"BU-Schlüssel {key} on Automatikkonto {booked[0]} (only 40 is allowed)."
        yield at(9, "bu-schluessel-automatic-account", message)


def _belegdatum_violations(record: _Record, layout: _Layout) -> Iterator[Violation]:
    """TTMM takes its year from the header period; the date must lie in Datum vom..bis."""
    value, at = record.value, _located(record, layout.headings)
    if layout.period is None or not _DDMM.accepts(value(10)):
        return
    first, last = layout.period
    day, month = int(value(10)[:2]), int(value(10)[2:])
    booked = _calendar_date(first.year, month, day)
    if booked is None or booked < first:
        booked = _calendar_date(last.year, month, day)  # a period across New Year
    if booked is None:
        yield at(10, "belegdatum-format", f"{value(10)}: no such day in {first.year}.")
    elif not first <= booked <= last:
        message = f"Belegdatum {booked} is outside Datum vom..bis, {first}..{last}."
        yield at(10, "belegdatum-in-period", message)


def _personal_account_violations(records: list[_Record], layout: _Layout) -> Iterator[Violation]:
    """A Personenkonto has Sachkontenlänge + 1 digits, no leading 0, and one record (§1.5)."""
    first_line: dict[str, int] = {}
    for record in records:
        account, at = record.values[0], _located(record, layout.headings)
        if not _ACCOUNT.accepts(account):
            continue  # the table has reported it
        if layout.account_length is not None and len(account) != layout.account_length + 1:
            message = f"{len(account)} digits; a Personenkonto has {layout.account_length + 1}."
            yield at(1, "konto-length", message)
        if account.startswith("0"):
            yield at(1, "konto-leading-zero", "A Personenkonto does not start with 0.")
        if account in first_line:
            message = f"Konto {account} is already on line {first_line[account]}."
            yield at(1, "konto-duplicate", message)
        else:
            first_line[account] = record.line
