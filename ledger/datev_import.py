"""Reading a DATEV Buchungsstapel (DATEV-Format, Formatkategorie 21) to migrate books in.

`read_buchungsstapel(content)` is pure: the file's bytes in, the batch and the rows it could
not read out. Nothing is booked here; the caller turns rows into bookings with
`row_tax_code` and `booking_lines`. Rules are from formats.md §1 (file, header, columns),
§5.5 (SKR03/SKR04 accounts) and §5.6 (BU-Schlüssel).

Lenient on import, strict on export: the reader accepts what DATEV's own samples and common
exporters write, and refuses only what it cannot read without guessing.

- Encoding: Windows-1252, or UTF-8 when the file starts with a BOM (dropped). A UTF-8 file
  without a BOM reads as Windows-1252, as DATEV reads it. Lines end CR LF or LF.
- `;` between fields, `"` around text, `""` for a quote inside text (the `csv` module).
- Line 1, the header: Kennzeichen `EXTF`, or `DTVF` (DATEV's own programs write that into
  the same format, so books exported from DATEV carry it); Formatkategorie 21, Formatname
  `Buchungsstapel`, Formatversion 9 to 13. A header may stop after field 16 (Datum bis);
  fields it lacks read as empty. Datum vom..bis lies in the fiscal year that starts at
  WJ-Beginn, so every Belegdatum (TTMM) has exactly one year.
- Line 2, the column headings: read by position like DATEV does, the text is not compared;
  but a line 2 that does not start with `Umsatz` is refused, because a file without
  headings would silently lose its first booking.
- Line 3 on: one booking per line; blank lines are skipped.

Refused whole (`DatevFileInvalid`, code `DATEV_FILE_INVALID`, naming line and field): an
empty or too large file (`max_bytes`), bytes that are not Windows-1252 (or UTF-8 after a BOM),
a header that is not a Buchungsstapel of FV 9-13 or whose fields do not read (numbers, dates
YYYYMMDD, Sachkontenlänge 4-8, WKZ, Sachkontenrahmen other than 03/04), missing headings, more
than `max_rows` bookings (DATEV's own limit is 99,999 per file).

Left out as a `RowProblem` (line and column; the other rows still read): a field count other
than the version's (120/120/122/124/125 for FV 9-13), an Umsatz that is not a positive
amount with a decimal comma, a Soll/Haben-Kennzeichen other than S/H, a Konto or Gegenkonto
that is missing, not digits, all zeros or longer than Sachkontenlänge + 1, a BU-Schlüssel
that is not 1-4 digits, a Belegdatum that is not TTMM, not a date or outside Datum vom..bis,
a WKZ that is not three letters. A row reports all of its problems at once.

Read per row: Umsatz, S/H, Konto, Gegenkonto, BU-Schlüssel (as written), Belegdatum,
Belegfeld 1 and 2, Buchungstext, WKZ (default the header's, then EUR), Buchungs GUID
(column 103, FV 10 on; FV 9 calls it Leerfeld) and Festschreibung (column 114 is `1`; DATEV
itself also locks on an empty value, the reader reports only an explicit `1`). Not read:
Kurs and Basis-Umsatz, cost centres, OPOS and § 13b detail columns, the Generalumkehr flag in
column 118 (the S/H of a row already books the correction, see below).

BU-Schlüssel → our system tax code (`ledger/taxcodes.py`), the same in SKR03 and SKR04 (the
chart decides the tax accounts later); Generalumkehr keys (DATEV's Berichtigungsschlüssel 2,
6 for the EU keys 1x, 3 for the 9x keys) map like their base key and say `reversal`:

    key  code        GU key          key  code
    2    USt7        22              18   VSt-igE7   68
    3    USt19       23              19   VSt-igE19  69
    8    VSt7        28              94   VSt-13b19  34
    9    VSt19       29              40   none (cancels an Automatikkonto's tax)
    empty: none, or the Automatikkonto's own tax     20   none, Generalumkehr without a key

Every other key is refused with a ValueError naming it: the 3- and 4-digit keys DATEV added in
2018, the individual keys 5x/7x, aufzuteilende Vorsteuer 9x other than 94, and a `2` put in
front of a two-digit key. A Generalumkehr row is written with S/H already swapped (the
correction is entered "with the opposite sign" and DATEV shows it as a minus on the original
side, per DATEV users' help pages, [S] in formats.md terms), so its lines follow S/H like
any other row; `reversal` only says DATEV showed it as a Storno.

Automatikkonten carry their own tax, so DATEV allows no key on them except 40. With the key
empty (or 20) the account's tax applies (`AUTOMATIC_TAX_CODES`): SKR03 8400/8300, SKR04
4400/4300 → USt19/USt7, and the tax-free 8125/4125 → USt0-igL, 8120/4120 → USt0-Ausfuhr.
The tax-free ones get our tax-free codes rather than none because the UStVA reads Kz 41 and
Kz 43 from those codes (`projections/ustva.py`); untagged, the migrated revenue would drop
out of the return. The tables are in `ledger/datev_tax.py`, shared with the export.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from datetime import date
from functools import partial
from typing import Final, Literal, TypeVar

import msgspec

from ledger import errors
from ledger.datev_columns import (
    BUCHUNGSSTAPEL_COLUMN_COUNTS,
    BUCHUNGSSTAPEL_COLUMNS,
    HEADER_FIELD_COUNT,
)
from ledger.datev_tax import AUTOMATIC_TAX_KEYS, automatic_tax_code, tax_code_for
from ledger.intents import BookingLine

__all__ = [
    "DATEV_FILE_BYTES_MAX",
    "DATEV_ROWS_MAX",
    "DatevBatch",
    "DatevFileInvalid",
    "DatevRow",
    "RowProblem",
    "booking_lines",
    "read_buchungsstapel",
    "row_tax_code",
]

DATEV_FILE_BYTES_MAX: Final = 50_000_000  # 99,999 rows of 500 bytes (DATEV sample rows: ~330)
DATEV_ROWS_MAX: Final = 99_999  # DATEV's own limit of bookings per file (formats.md §1.1)
ACCOUNT_LENGTHS: Final = range(4, 9)  # Sachkontenlänge 4-8 (header field 14)
_HEADER_FIELDS_MIN: Final = 16  # through Datum bis: all a Buchungsstapel header must say
assert _HEADER_FIELDS_MIN <= HEADER_FIELD_COUNT

_BOM: Final = b"\xef\xbb\xbf"
_KENNZEICHEN: Final = ("EXTF", "DTVF")
_FORMATKATEGORIE_BUCHUNGSSTAPEL: Final = 21
_FORMATNAME: Final = "Buchungsstapel"
_GUID_FROM_VERSION: Final = 10  # FV 9 calls column 103 "Leerfeld"
_CHARTS: Final = {3: "skr03", 4: "skr04"}  # header field 27, Sachkontenrahmen
_HEADER_FIELD_NAMES: Final = {
    1: "Kennzeichen",
    3: "Formatkategorie",
    4: "Formatname",
    5: "Formatversion",
    11: "Beraternummer",
    12: "Mandantennummer",
    13: "WJ-Beginn",
    14: "Sachkontenlänge",
    15: "Datum vom",
    16: "Datum bis",
    17: "Bezeichnung",
    22: "WKZ",
    27: "Sachkontenrahmen",
}

# Buchungsstapel columns the reader uses (1-based, as in formats.md §1.3)
_UMSATZ: Final = 1
_SOLL_HABEN: Final = 2
_WKZ: Final = 3
_KONTO: Final = 7
_GEGENKONTO: Final = 8
_BU_SCHLUESSEL: Final = 9
_BELEGDATUM: Final = 10
_BELEGFELD_1: Final = 11
_BELEGFELD_2: Final = 12
_BUCHUNGSTEXT: Final = 14
_BUCHUNGS_GUID: Final = 103
_FESTSCHREIBUNG: Final = 114
assert min(BUCHUNGSSTAPEL_COLUMN_COUNTS.values()) >= _FESTSCHREIBUNG  # every FV has it

_AMOUNT: Final = re.compile(r"(\d{1,10})(?:,(\d{1,2}))?")
_CURRENCY: Final = re.compile(r"[A-Z]{3}")
_DIGITS: Final = re.compile(r"\d+")

T = TypeVar("T")


class DatevFileInvalid(errors.Rejected):
    """A file that is not a readable Buchungsstapel; nothing of it is imported."""

    code = "DATEV_FILE_INVALID"


class DatevRow(msgspec.Struct, frozen=True, kw_only=True):
    """One booking of the file, as DATEV states it (gross amount, S/H seen from `konto`)."""

    line: int  # physical line in the file (records start at 3)
    amount_cents: int  # Umsatz, positive
    side: Literal["S", "H"]  # refers to konto: S debits konto, H credits it
    konto: str
    gegenkonto: str
    bu_key: str | None  # BU-Schlüssel as written; see bu_meaning()
    booking_date: date  # Belegdatum TTMM + the year from the header period
    belegfeld1: str | None  # voucher number, DATEV's open-item key
    belegfeld2: str | None
    text: str | None  # Buchungstext
    guid: str | None  # Buchungs GUID (column 103, FV >= 10)
    currency: str  # WKZ Umsatz, default the header's WKZ / EUR
    locked: bool  # Festschreibung column 114 = 1


class DatevBatch(msgspec.Struct, frozen=True, kw_only=True):
    """The header of the file and the rows that read."""

    format_version: int  # 9-13
    berater: int | None  # Beraternummer
    mandant: int | None  # Mandantennummer
    fiscal_year_start: date  # WJ-Beginn
    account_length: int  # Sachkontenlänge, 4-8
    date_from: date  # Datum vom
    date_to: date  # Datum bis
    label: str | None  # Bezeichnung
    currency: str  # WKZ, EUR when empty
    chart: str | None  # "skr03"/"skr04" from header field 27 ("03"/"04"), None if absent
    rows: tuple[DatevRow, ...]


class RowProblem(msgspec.Struct, frozen=True, kw_only=True):
    """Why one row was left out: its physical line and, when one field is to blame, column."""

    line: int
    column: int | None
    message: str


def read_buchungsstapel(
    content: bytes, *, max_bytes: int = DATEV_FILE_BYTES_MAX, max_rows: int = DATEV_ROWS_MAX
) -> tuple[DatevBatch, list[RowProblem]]:
    """The batch with every row that reads, and a problem for each field of a row that does not.

    Raises DatevFileInvalid when the file as a whole is not a readable Buchungsstapel.
    """
    records = _records(_decoded(content, max_bytes))
    _, header = next(records)  # _decoded refuses a blank file, so line 1 exists
    batch = _batch_of_header(header)
    _check_headings(next(records, None))
    column_count = BUCHUNGSSTAPEL_COLUMN_COUNTS[batch.format_version]
    rows: list[DatevRow] = []
    problems: list[RowProblem] = []
    row_count = 0
    for line, record in records:
        if not any(cell.strip() for cell in record):
            continue
        row_count += 1
        if row_count > max_rows:
            raise DatevFileInvalid(
                f"Line {line}: the file holds more than {max_rows:,} bookings.", line=line
            )
        if len(record) != column_count:
            message = (
                f"The row has {len(record)} fields; Formatversion {batch.format_version} "
                f"has {column_count}."
            )
            problems.append(RowProblem(line=line, column=None, message=message))
            continue
        read = _read_row(line, record, batch)
        if isinstance(read, DatevRow):
            rows.append(read)
        else:
            problems.extend(read)
    return msgspec.structs.replace(batch, rows=tuple(rows)), problems


def row_tax_code(row: DatevRow, chart: str, automatic: frozenset[str]) -> str | None:
    """The tax code of a row: its BU-Schlüssel's, else an Automatikkonto's own.

    `automatic` holds the chart's Automatikkonten (`ChartAccount.automatic`). ValueError, for
    the caller to report as a row problem: an unknown key, a key other than 40 on an
    Automatikkonto (DATEV refuses that too), two Automatikkonten with no key.
    """
    tax_code = tax_code_for(row.bu_key, chart)
    automatic_accounts = _automatic_accounts(row, automatic)
    if not automatic_accounts:
        return tax_code
    if row.bu_key in AUTOMATIC_TAX_KEYS:
        (account,) = automatic_accounts  # _automatic_accounts refuses two
        return automatic_tax_code(account, chart)
    if tax_code is not None:
        raise ValueError(
            f"BU-Schlüssel {row.bu_key!r} on Automatikkonto {automatic_accounts[0]}: "
            "DATEV allows only 40 there"
        )
    return None  # 40: the Automatikkonto's tax is cancelled


def booking_lines(
    row: DatevRow, tax_code: str | None, automatic: frozenset[str]
) -> tuple[BookingLine, BookingLine]:
    """The row as our two gross lines: S debits konto and credits gegenkonto, H the reverse.

    `tax_code` (from `row_tax_code`) goes on the gegenkonto's line, as DATEV applies the
    BU-Schlüssel to the Gegenkonto; when the row has no key (or 20) and one account is an
    Automatikkonto, it goes on that account's line instead. Returns (konto's, gegenkonto's).
    """
    konto_side, gegenkonto_side = ("debit", "credit") if row.side == "S" else ("credit", "debit")
    taxed_account = row.gegenkonto
    if row.bu_key in AUTOMATIC_TAX_KEYS:
        automatic_accounts = _automatic_accounts(row, automatic)
        if automatic_accounts:
            taxed_account = automatic_accounts[0]
    konto_line = BookingLine(
        account_number=row.konto,
        side=konto_side,
        amount_cents=row.amount_cents,
        tax_code=tax_code if taxed_account == row.konto else None,
    )
    gegenkonto_line = BookingLine(
        account_number=row.gegenkonto,
        side=gegenkonto_side,
        amount_cents=row.amount_cents,
        tax_code=tax_code if taxed_account == row.gegenkonto else None,
    )
    return konto_line, gegenkonto_line


def _automatic_accounts(row: DatevRow, automatic: frozenset[str]) -> list[str]:
    accounts = [account for account in (row.konto, row.gegenkonto) if account in automatic]
    if len(accounts) == 2 and row.bu_key in AUTOMATIC_TAX_KEYS:
        raise ValueError(
            f"Konto {row.konto} and Gegenkonto {row.gegenkonto} are both Automatikkonten: "
            "each carries its own tax, which one booking line cannot hold"
        )
    return accounts


# -- the file ---------------------------------------------------------------------------------


def _decoded(content: bytes, max_bytes: int) -> str:
    if len(content) > max_bytes:
        raise DatevFileInvalid(
            f"The file has {len(content):,} bytes; at most {max_bytes:,} are read.",
            size_bytes=len(content),
        )
    if content.startswith(_BOM):
        encoding, body = "utf-8", content[len(_BOM) :]
    else:
        encoding, body = "cp1252", content
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as error:
        line = body[: error.start].count(b"\n") + 1
        raise DatevFileInvalid(
            f"Line {line}: byte 0x{body[error.start]:02X} is not {encoding} text "
            "(DATEV files are Windows-1252, or UTF-8 with a BOM).",
            line=line,
        ) from None
    if not text.strip():
        raise DatevFileInvalid("The file is empty.")
    return text


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """Each CSV record with the physical line it starts on (a quoted field may span lines)."""
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=";", quotechar='"', doublequote=True, strict=False
    )
    line = 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise DatevFileInvalid(f"Line {line}: {error}.", line=line) from None
        yield line, record
        line = reader.line_num + 1


def _check_headings(headings: tuple[int, list[str]] | None) -> None:
    first = headings[1][0].strip() if headings is not None and headings[1] else ""
    if not first.casefold().startswith("umsatz"):
        raise DatevFileInvalid(
            f"Line 2: expected the column headings, starting {BUCHUNGSSTAPEL_COLUMNS[0]!r}; "
            f"found {first!r}.",
            line=2,
        )


# -- line 1: the header -----------------------------------------------------------------------


def _batch_of_header(fields: list[str]) -> DatevBatch:
    kennzeichen = _header_text(fields, 1)
    if kennzeichen not in _KENNZEICHEN:
        raise _header_error(1, f"{kennzeichen!r} is not a DATEV-Format file (EXTF or DTVF)")
    if len(fields) < _HEADER_FIELDS_MIN:
        raise DatevFileInvalid(
            f"Line 1: the header has {len(fields)} fields; a Buchungsstapel header has "
            f"{HEADER_FIELD_COUNT}.",
            line=1,
        )
    if _header_number(fields, 3) != _FORMATKATEGORIE_BUCHUNGSSTAPEL:
        raise _header_error(3, f"{_header_text(fields, 3)!r} is not 21 (Buchungsstapel)")
    if _header_text(fields, 4) != _FORMATNAME:
        raise _header_error(4, f"{_header_text(fields, 4)!r} is not {_FORMATNAME!r}")
    format_version = _header_number(fields, 5)
    if format_version not in BUCHUNGSSTAPEL_COLUMN_COUNTS:
        raise _header_error(5, f"{format_version} is not a Formatversion from 9 to 13")
    account_length = _header_number(fields, 14)
    if account_length not in ACCOUNT_LENGTHS:
        raise _header_error(14, f"{account_length} is not from 4 to 8")
    fiscal_year_start = _header_date(fields, 13)
    date_from, date_to = _header_date(fields, 15), _header_date(fields, 16)
    _check_period(fiscal_year_start, date_from, date_to)
    return DatevBatch(
        format_version=format_version,
        berater=_optional_header_number(fields, 11),
        mandant=_optional_header_number(fields, 12),
        fiscal_year_start=fiscal_year_start,
        account_length=account_length,
        date_from=date_from,
        date_to=date_to,
        label=_header_text(fields, 17) or None,
        currency=_header_currency(fields),
        chart=_header_chart(fields),
        rows=(),
    )


def _check_period(fiscal_year_start: date, date_from: date, date_to: date) -> None:
    """Datum vom..bis lies in the fiscal year from WJ-Beginn, so a TTMM has one year."""
    if date_to < date_from:
        raise _header_error(16, f"{date_to:%Y%m%d} is before Datum vom {date_from:%Y%m%d}")
    if date_from < fiscal_year_start:
        raise _header_error(
            15, f"{date_from:%Y%m%d} is before WJ-Beginn {fiscal_year_start:%Y%m%d}"
        )
    if date_to >= _one_year_after(fiscal_year_start):
        raise _header_error(
            16,
            f"{date_to:%Y%m%d} lies beyond the fiscal year from {fiscal_year_start:%Y%m%d} "
            "(one file holds one fiscal year)",
        )


def _one_year_after(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return date(day.year + 1, 3, 1)


def _header_text(fields: list[str], number: int) -> str:
    return fields[number - 1].strip() if number <= len(fields) else ""


def _optional_header_number(fields: list[str], number: int) -> int | None:
    value = _header_text(fields, number)
    if not value:
        return None
    if not _DIGITS.fullmatch(value):
        raise _header_error(number, f"{value!r} is not a number")
    return int(value)


def _header_number(fields: list[str], number: int) -> int:
    value = _optional_header_number(fields, number)
    if value is None:
        raise _header_error(number, "is empty")
    return value


def _header_date(fields: list[str], number: int) -> date:
    value = _header_text(fields, number)
    try:
        if len(value) != 8 or not _DIGITS.fullmatch(value):
            raise ValueError
        return date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        raise _header_error(number, f"{value!r} is not a date YYYYMMDD") from None


def _header_currency(fields: list[str]) -> str:
    value = _header_text(fields, 22).upper() or "EUR"
    if not _CURRENCY.fullmatch(value):
        raise _header_error(22, f"{value!r} is not an ISO 4217 currency code")
    return value


def _header_chart(fields: list[str]) -> str | None:
    value = _header_text(fields, 27)
    if not value:
        return None
    chart = _CHARTS.get(int(value)) if _DIGITS.fullmatch(value) else None
    if chart is None:
        raise _header_error(27, f"{value!r} is not SKR03 ('03') or SKR04 ('04')")
    return chart


def _header_error(number: int, problem: str) -> DatevFileInvalid:
    name = _HEADER_FIELD_NAMES[number]
    return DatevFileInvalid(f"Line 1, field {number} ({name}): {problem}.", line=1, field=number)


# -- line 3 on: the rows ----------------------------------------------------------------------


class _Cells:
    """The fields of one record; a field that does not read adds a problem and its default."""

    def __init__(self, line: int, record: list[str]) -> None:
        self.line = line
        self.record = record
        self.problems: list[RowProblem] = []

    def text(self, column: int) -> str | None:
        return self.record[column - 1].strip() or None

    def read(self, column: int, parse: Callable[[str], T], default: T) -> T:
        try:
            return parse(self.record[column - 1].strip())
        except ValueError as error:
            heading = BUCHUNGSSTAPEL_COLUMNS[column - 1]
            message = f"{heading}: {error}."
            self.problems.append(RowProblem(line=self.line, column=column, message=message))
            return default


def _read_row(line: int, record: list[str], batch: DatevBatch) -> DatevRow | list[RowProblem]:
    """The row, or every problem of it (defaults stand in for the fields that failed)."""
    cells = _Cells(line, record)
    account = partial(_account, account_length=batch.account_length)
    booking_date = partial(_booking_date, date_from=batch.date_from, date_to=batch.date_to)
    currency = partial(_currency, default=batch.currency)
    row = DatevRow(
        line=line,
        amount_cents=cells.read(_UMSATZ, _amount_cents, 0),
        side=cells.read(_SOLL_HABEN, _side, "S"),
        konto=cells.read(_KONTO, account, ""),
        gegenkonto=cells.read(_GEGENKONTO, account, ""),
        bu_key=cells.read(_BU_SCHLUESSEL, _bu_key, None),
        booking_date=cells.read(_BELEGDATUM, booking_date, batch.date_from),
        belegfeld1=cells.text(_BELEGFELD_1),
        belegfeld2=cells.text(_BELEGFELD_2),
        text=cells.text(_BUCHUNGSTEXT),
        guid=cells.text(_BUCHUNGS_GUID) if batch.format_version >= _GUID_FROM_VERSION else None,
        currency=cells.read(_WKZ, currency, batch.currency),
        locked=cells.text(_FESTSCHREIBUNG) == "1",
    )
    return cells.problems or row


def _amount_cents(value: str) -> int:
    if not value:
        raise ValueError("missing")
    match = _AMOUNT.fullmatch(value)
    if match is None:
        raise ValueError(f"{value!r} is not a positive amount like 1234,56")
    whole, fraction = match.groups()
    cents = int(whole) * 100 + int((fraction or "").ljust(2, "0"))
    if cents == 0:
        raise ValueError(f"{value!r} is zero; DATEV books no zero amounts")
    return cents


def _side(value: str) -> Literal["S", "H"]:
    match value.upper():
        case "S":
            return "S"
        case "H":
            return "H"
    raise ValueError(f"{value!r} is not S or H")


def _account(value: str, account_length: int) -> str:
    if not value:
        raise ValueError("missing")
    if not _DIGITS.fullmatch(value) or not value.strip("0"):
        raise ValueError(f"{value!r} is not an account number")
    if len(value) > account_length + 1:
        raise ValueError(
            f"{value!r} has more than {account_length + 1} digits (Sachkontenlänge "
            f"{account_length}, Personenkonten one more)"
        )
    return value


def _bu_key(value: str) -> str | None:
    if not value:
        return None
    if not _DIGITS.fullmatch(value) or len(value) > 4:
        raise ValueError(f"{value!r} is not a key of 1 to 4 digits")
    return value


def _booking_date(value: str, date_from: date, date_to: date) -> date:
    """TTMM in the year of Datum vom or Datum bis, whichever puts it inside the period."""
    if len(value) != 4 or not _DIGITS.fullmatch(value):
        raise ValueError(f"{value!r} is not a date TTMM")
    day, month = int(value[:2]), int(value[2:])
    candidates = []
    for year in sorted({date_from.year, date_to.year}):
        try:
            candidates.append(date(year, month, day))
        except ValueError:
            continue
    if not candidates:
        raise ValueError(f"{value!r} is not a date")
    for candidate in candidates:
        if date_from <= candidate <= date_to:
            return candidate
    raise ValueError(
        f"{value!r} lies outside the file's period {date_from:%d.%m.%Y}-{date_to:%d.%m.%Y}"
    )


def _currency(value: str, default: str) -> str:
    currency = value.upper() or default
    if not _CURRENCY.fullmatch(currency):
        raise ValueError(f"{value!r} is not an ISO 4217 currency code")
    return currency
