"""Bank CSV exports: the common German layout as a preset, any other by a column mapping.

The preset (docs/api.md, "Statement files") reads Windows-1252 (or UTF-8 with a BOM), `;`
between fields, dates `DD.MM.YY` or `DD.MM.YYYY`, amounts with a decimal comma and dots
between thousands, and finds its columns by the header names German banks use
(Buchungstag, Valutadatum, Beguenstigter/Zahlungspflichtiger, IBAN, Verwendungszweck,
Betrag, Waehrung, Buchungstext). A mapping names the header of each field instead.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Final

from ledger.bank_import import ParsedRow
from ledger.statements.errors import StatementInvalid

CSV_ROWS_MAX: Final = 100_000
FIELDS: Final = (
    "tx_date",
    "value_date",
    "amount",
    "currency",
    "counterparty_name",
    "counterparty_iban",
    "reference",
    "tx_type",
)
GERMAN_HEADERS: Final[dict[str, tuple[str, ...]]] = {
    "tx_date": ("buchungstag", "buchungsdatum", "datum"),
    "value_date": ("valutadatum", "valuta", "wertstellung"),
    "amount": ("betrag", "umsatz", "betrag (eur)", "betrag in eur"),
    "currency": ("waehrung", "währung"),
    "counterparty_name": (
        "beguenstigter/zahlungspflichtiger",
        "begünstigter/zahlungspflichtiger",
        "auftraggeber/empfänger",
        "auftraggeber/empfaenger",
        "empfänger/auftraggeber",
        "name",
    ),
    "counterparty_iban": ("iban", "kontonummer/iban", "konto/iban"),
    "reference": ("verwendungszweck", "buchungsdetails"),
    "tx_type": ("buchungstext", "umsatzart"),
}


@dataclass(frozen=True)
class CsvLayout:
    """How to read one bank's CSV: field -> header name, and the number and date formats."""

    columns: dict[str, str] = field(default_factory=dict)  # empty: find the German headers
    delimiter: str = ";"
    decimal_comma: bool = True
    date_formats: tuple[str, ...] = ("%d.%m.%Y", "%d.%m.%y")
    encoding: str = "cp1252"


GERMAN_BANK = CsvLayout()


def parse_csv(content: bytes, layout: CsvLayout = GERMAN_BANK) -> list[ParsedRow]:
    text = _decoded(content, layout.encoding)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=layout.delimiter)
    header = _header(reader)
    columns = _columns(header, layout)
    rows = []
    for line_number, record in enumerate(reader, start=2):
        if not any(cell.strip() for cell in record):
            continue
        if len(rows) >= CSV_ROWS_MAX:
            raise StatementInvalid(f"The file has more than {CSV_ROWS_MAX:,} rows.")
        rows.append(_row(record, columns, layout, line_number))
    if not rows:
        raise StatementInvalid("The CSV file holds no transaction below its header.")
    return rows


def _decoded(content: bytes, encoding: str) -> str:
    if content.startswith(b"\xef\xbb\xbf"):
        return content[3:].decode("utf-8", errors="strict")
    try:
        return content.decode(encoding)
    except UnicodeDecodeError as error:
        raise StatementInvalid(f"The file is not {encoding} text (byte {error.start}).") from None


def _header(reader) -> list[str]:
    for record in reader:
        if any(cell.strip() for cell in record):
            return [cell.strip() for cell in record]
    raise StatementInvalid("The CSV file is empty.")


def _columns(header: list[str], layout: CsvLayout) -> dict[str, int]:
    lowered = [cell.lower() for cell in header]
    columns: dict[str, int] = {}
    for name in FIELDS:
        wanted = (
            (layout.columns[name].lower(),)
            if name in layout.columns
            else (() if layout.columns else GERMAN_HEADERS[name])
        )
        for candidate in wanted:
            if candidate in lowered:
                columns[name] = lowered.index(candidate)
                break
        else:
            if name in layout.columns:
                raise StatementInvalid(
                    f"The header has no column {layout.columns[name]!r} (for {name}).",
                    line=1,
                )
    missing = [name for name in ("tx_date", "amount") if name not in columns]
    if missing:
        raise StatementInvalid(
            f"The header names no column for {', '.join(missing)} (line 1: {header[:12]}).",
            line=1,
        )
    return columns


def _row(record: list[str], columns: dict[str, int], layout: CsvLayout, line: int) -> ParsedRow:
    def cell(name: str) -> str | None:
        index = columns.get(name)
        if index is None or index >= len(record):
            return None
        value = record[index].strip()
        return value or None

    booked = _date(cell("tx_date"), layout, line, "tx_date")
    if booked is None:
        raise StatementInvalid(f"Line {line} has no booking date.", line=line)
    value_day = _date(cell("value_date"), layout, line, "value_date")
    return ParsedRow(
        tx_date=booked,
        amount_cents=_cents(cell("amount"), layout, line),
        currency=(cell("currency") or "EUR").upper(),
        value_date=value_day,
        counterparty_name=cell("counterparty_name"),
        counterparty_iban=(cell("counterparty_iban") or "").replace(" ", "").upper() or None,
        reference=(cell("reference") or "")[:500] or None,
        tx_type=cell("tx_type"),
    )


def _date(text: str | None, layout: CsvLayout, line: int, name: str) -> date | None:
    if text is None:
        return None
    for pattern in layout.date_formats:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise StatementInvalid(f"Line {line}: {name} {text!r} is not a date.", line=line)


def _cents(text: str | None, layout: CsvLayout, line: int) -> int:
    if text is None:
        raise StatementInvalid(f"Line {line} has no amount.", line=line)
    normal = text.replace(" ", "").replace("\u00a0", "")
    if layout.decimal_comma:
        normal = normal.replace(".", "").replace(",", ".")
    else:
        normal = normal.replace(",", "")
    try:
        amount = Decimal(normal)
    except InvalidOperation:
        raise StatementInvalid(
            f"Line {line}: amount {text!r} is not a number.", line=line
        ) from None
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
        raise StatementInvalid(
            f"Line {line}: amount {text!r} has more than two decimals.", line=line
        )
    return int(amount.scaleb(2))
