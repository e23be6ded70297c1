"""The tax auditor's data carrier (GoBD Z3, "Datenträgerüberlassung"): CSV tables described by
an `index.xml` in the GDPdU description standard, with the standard's DTD beside it.

What the files hold is in docs/api.md ("GDPdU export"). All tables are read in one
read-only, repeatable-read transaction (one consistent state of the books) through server-side
cursors, and written as they stream: memory stays constant whatever the size of the journal.
"""

from __future__ import annotations

import importlib.resources
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any, Final, Literal
from uuid import UUID

import asyncpg
from lxml import etree

from projections.exports.spreadsheet_safe import neutralised

DTD_NAME: Final = "gdpdu-01-08-2002.dtd"
INDEX_NAME: Final = "index.xml"
CURSOR_PREFETCH: Final = 2_000
DATE_FORMAT: Final = "DD.MM.YYYY"

Kind = Literal["numeric", "amount", "date", "text"]
OpenFile = Callable[[str], AbstractContextManager[IO[bytes]]]


@dataclass(frozen=True)
class Column:
    name: str
    description: str
    kind: Kind = "text"
    max_length: int | None = None


@dataclass(frozen=True)
class Table:
    file: str
    name: str
    description: str
    primary_key: Sequence[Column]
    columns: Sequence[Column]
    query: str  # $1 tenant id (and if dated: $2 first day, $3 last day); columns as above
    foreign_keys: Sequence[tuple[str, str]] = ()  # (column, referenced table name)
    dated: bool = False  # rows belong to the export's date range (Validity)

    @property
    def all_columns(self) -> list[Column]:
        return [*self.primary_key, *self.columns]


JOURNAL = Table(
    file="journal.csv",
    name="Buchungsjournal",
    description="Posting lines (Soll/Haben pairs) booked in the range, in journal-number order.",
    primary_key=[Column("journal_number", "Laufende Nummer im Journal (lückenlos)", "numeric")],
    columns=[
        Column("line_id", "Buchungs-GUID der Zeile", max_length=36),
        Column("intent_id", "Vorgang (Intent), zu dem die Zeile gehört", max_length=36),
        Column("booking_date", "Buchungsdatum (Belegdatum)", "date"),
        Column("period", "Periode YYYY-MM oder YYYY-P13/P14", max_length=8),
        Column("account_debit", "Konto Soll", max_length=8),
        Column("account_credit", "Konto Haben", max_length=8),
        Column("amount", "Betrag in EUR", "amount"),
        Column("currency", "Währung des Betrags", max_length=3),
        Column("tax_code", "Steuerschlüssel", max_length=20),
        Column("description", "Buchungstext", max_length=1000),
        Column("kind", "Art: booking, opening_balances, reversal", max_length=20),
        Column("reverses_intent_id", "Storniert Vorgang", max_length=36),
        Column("external_reference", "Belegnummer / externe Referenz", max_length=500),
        Column("document_id", "Beleg (Dokument-ID)", max_length=36),
        Column("fx_currency", "Belegwährung", max_length=3),
        Column("fx_amount", "Betrag in Belegwährung", "amount"),
        Column("recorded_at", "Erfasst am (UTC, ISO 8601)", max_length=32),
        Column("recorded_by", "Erfasst von", max_length=200),
        Column("channel", "Erfassungsweg", max_length=30),
        Column("audit_hash", "SHA-256 der Zeile (Hash-Kette)", max_length=64),
        Column("prev_hash", "SHA-256 der vorigen Zeile", max_length=64),
    ],
    query=(
        "select l.journal_number, l.id, l.intent_id, l.booking_date, l.period,"
        " l.account_debit, l.account_credit, l.amount_cents, 'EUR', l.tax_code,"
        " i.description, i.kind, i.reverses_intent_id, i.external_reference, i.document_id,"
        " i.fx ->> 'currency', l.fx_amount, i.created_at, i.created_by, i.channel,"
        " l.audit_hash, l.prev_hash"
        " from journal_lines l join intents i on i.intent_id = l.intent_id"
        " where l.tenant_id = $1 and l.booking_date between $2 and $3"
        " order by l.journal_number"
    ),
    foreign_keys=[("account_debit", "Sachkonten"), ("account_credit", "Sachkonten")],
    dated=True,
)

ACCOUNTS = Table(
    file="accounts.csv",
    name="Sachkonten",
    description="Chart of accounts (standard chart and the tenant's own accounts).",
    primary_key=[Column("number", "Kontonummer", max_length=8)],
    columns=[
        Column("name", "Kontenbezeichnung", max_length=200),
        Column("type", "Kontenart: asset, liability, equity, revenue, expense", max_length=10),
        Column("category", "Kategorie", max_length=100),
        Column("report_group", "Berichtsgruppe", max_length=100),
        Column("is_system", "Standardkonto (1) oder eigenes Konto (0)", "numeric"),
        Column("is_active", "Aktiv (1) oder deaktiviert (0)", "numeric"),
    ],
    query=(
        "select number, name, type, category, report_group, is_system::int, is_active::int"
        " from accounts where tenant_id = $1 order by number"
    ),
)

TAX_CODES = Table(
    file="tax_codes.csv",
    name="Steuerschluessel",
    description="Tax codes: rate in percent, VAT account and self-assessment account.",
    primary_key=[Column("code", "Steuerschlüssel", max_length=20)],
    columns=[
        Column("label", "Bezeichnung", max_length=200),
        Column("rate", "Steuersatz in Prozent", "amount"),
        Column("vat_account", "Steuerkonto", max_length=8),
        Column("self_assess_account", "Konto der Gegenrechnung (§ 13b, igE)", max_length=8),
        Column("kind", "Art", max_length=30),
        Column("is_system", "Systemschlüssel (1) oder eigener (0)", "numeric"),
        Column("is_active", "Aktiv (1) oder deaktiviert (0)", "numeric"),
    ],
    query=(
        "select code, label, rate_bp, vat_account, self_assess_account, kind,"
        " is_system::int, is_active::int"
        " from tax_codes where tenant_id = $1 order by code_key"
    ),
)

PERIODS = Table(
    file="periods.csv",
    name="Perioden",
    description="Periods that were soft-locked or locked, with the closing hash of each lock.",
    primary_key=[Column("period", "Periode YYYY-MM oder YYYY-P13/P14", max_length=8)],
    columns=[
        Column("status", "open, soft_locked, locked", max_length=12),
        Column("locked_by", "Gesperrt von (Antrag)", max_length=200),
        Column("locked_at", "Gesperrt am (UTC, ISO 8601)", max_length=32),
        Column("approved_by", "Festschreibung genehmigt von", max_length=200),
        Column("closing_hash", "SHA-256 über die Zeilen der Periode", max_length=64),
        Column("line_count", "Zeilen, die der Hash abdeckt", "numeric"),
    ],
    query=(
        "select period, status, locked_by, locked_at, approved_by, closing_hash, line_count"
        " from periods where tenant_id = $1 order by period"
    ),
)

LOCK_REQUESTS = Table(
    file="period_lock_requests.csv",
    name="Sperrantraege",
    description="Requests to lock a period for good (four eyes) and what became of them.",
    primary_key=[Column("request_id", "Antrag", max_length=36)],
    columns=[
        Column("period", "Periode", max_length=8),
        Column("status", "pending, approved, cancelled, expired", max_length=10),
        Column("requested_by", "Beantragt von", max_length=200),
        Column("created_at", "Beantragt am (UTC, ISO 8601)", max_length=32),
        Column("expires_at", "Verfällt am (UTC, ISO 8601)", max_length=32),
        Column("decided_by", "Entschieden von", max_length=200),
        Column("decided_at", "Entschieden am (UTC, ISO 8601)", max_length=32),
    ],
    query=(
        "select request_id, period, status, requested_by, created_at, expires_at, decided_by,"
        " decided_at from period_lock_requests where tenant_id = $1"
        " order by created_at, request_id"
    ),
    foreign_keys=[("period", "Perioden")],
)

TABLES: Final = (JOURNAL, ACCOUNTS, TAX_CODES, PERIODS, LOCK_REQUESTS)


@dataclass(frozen=True)
class ExportSummary:
    files: list[str]
    journal_lines: int


async def export_gdpdu(
    conn: asyncpg.Connection,
    tenant_id: UUID,
    company_name: str,
    start: date,
    end: date,
    open_file: OpenFile,
    *,
    created_at: datetime,
) -> ExportSummary:
    """Write every table, then index.xml and the DTD, through `open_file(name)`."""
    counts: dict[str, int] = {}
    async with conn.transaction(isolation="repeatable_read", readonly=True):
        for table in TABLES:
            with open_file(table.file) as sink:
                counts[table.file] = await _write_table(conn, table, tenant_id, start, end, sink)
    index = index_xml(company_name, tenant_id, start, end, created_at)
    validate_index(index)
    with open_file(INDEX_NAME) as sink:
        sink.write(index)
    with open_file(DTD_NAME) as sink:
        sink.write(dtd_bytes())
    return ExportSummary(
        files=[table.file for table in TABLES] + [INDEX_NAME, DTD_NAME],
        journal_lines=counts[JOURNAL.file],
    )


async def _write_table(
    conn: asyncpg.Connection, table: Table, tenant_id: UUID, start: date, end: date, sink: IO[bytes]
) -> int:
    rows = 0
    kinds = [column.kind for column in table.all_columns]
    args = (tenant_id, start, end) if table.dated else (tenant_id,)
    async for record in conn.cursor(table.query, *args, prefetch=CURSOR_PREFETCH):
        fields = [_field(value, kind) for value, kind in zip(record.values(), kinds, strict=True)]
        sink.write((";".join(fields) + "\r\n").encode("utf-8"))
        rows += 1
    return rows


def _field(value: Any, kind: Kind) -> str:
    """One CSV field: numbers and dates bare, text quoted (quotes doubled)."""
    if value is None:
        return ""
    if kind == "date":
        return value.strftime("%d.%m.%Y")
    if kind == "amount":
        if isinstance(value, int):  # cents, or a rate in basis points
            sign = "-" if value < 0 else ""
            return f"{sign}{abs(value) // 100},{abs(value) % 100:02d}"
        return str(value).replace(".", ",")  # a Decimal (fx amounts keep their digits)
    if kind == "numeric":
        return str(value)
    text = _timestamp(value) if isinstance(value, datetime) else str(value)
    return '"' + neutralised(text).replace('"', '""') + '"'


def _timestamp(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def index_xml(
    company_name: str, tenant_id: UUID, start: date, end: date, created_at: datetime
) -> bytes:
    """The description of the tables (GDPdU Beschreibungsstandard, DTD beside it)."""
    data_set = etree.Element("DataSet")
    _text(data_set, "Version", "1.0")
    supplier = etree.SubElement(data_set, "DataSupplier")
    _text(supplier, "Name", company_name)
    _text(supplier, "Location", f"Mandant {tenant_id}")
    _text(
        supplier,
        "Comment",
        f"Datenträgerüberlassung (GoBD Z3), Buchungsdatum {start:%d.%m.%Y} bis {end:%d.%m.%Y},"
        f" erstellt {created_at.isoformat()}",
    )
    media = etree.SubElement(data_set, "Media")
    _text(media, "Name", f"Buchhaltung {start:%d.%m.%Y}-{end:%d.%m.%Y}")
    for table in TABLES:
        _table_element(media, table, start, end)
    return etree.tostring(
        data_set,
        xml_declaration=True,
        encoding="UTF-8",
        pretty_print=True,
        doctype=f'<!DOCTYPE DataSet SYSTEM "{DTD_NAME}">',
    )


def _table_element(media: etree._Element, table: Table, start: date, end: date) -> None:
    element = etree.SubElement(media, "Table")
    _text(element, "URL", table.file)
    _text(element, "Name", table.name)
    _text(element, "Description", table.description)
    if table.dated:
        validity = etree.SubElement(element, "Validity")
        period = etree.SubElement(validity, "Range")
        _text(period, "From", f"{start:%d.%m.%Y}")
        _text(period, "To", f"{end:%d.%m.%Y}")
        _text(validity, "Format", DATE_FORMAT)
    etree.SubElement(element, "UTF8")
    _text(element, "DecimalSymbol", ",")
    _text(element, "DigitGroupingSymbol", ".")
    layout = etree.SubElement(element, "VariableLength")
    _text(layout, "ColumnDelimiter", ";")
    _text(layout, "RecordDelimiter", "\r\n")  # written as &#13; and a line feed
    _text(layout, "TextEncapsulator", '"')
    for column in table.primary_key:
        _column_element(layout, "VariablePrimaryKey", column)
    for column in table.columns:
        _column_element(layout, "VariableColumn", column)
    for name, references in table.foreign_keys:
        foreign = etree.SubElement(layout, "ForeignKey")
        _text(foreign, "Name", name)
        _text(foreign, "References", references)


def _column_element(layout: etree._Element, tag: str, column: Column) -> None:
    element = etree.SubElement(layout, tag)
    _text(element, "Name", column.name)
    _text(element, "Description", column.description)
    if column.kind == "date":
        _text(etree.SubElement(element, "Date"), "Format", DATE_FORMAT)
    elif column.kind == "amount":
        _text(etree.SubElement(element, "Numeric"), "Accuracy", "2")
    elif column.kind == "numeric":
        etree.SubElement(element, "Numeric")
    else:
        etree.SubElement(element, "AlphaNumeric")
        if column.max_length is not None:
            _text(element, "MaxLength", str(column.max_length))


def _text(parent: etree._Element, tag: str, text: str) -> etree._Element:
    element = etree.SubElement(parent, tag)
    element.text = text
    return element


def dtd_bytes() -> bytes:
    return (importlib.resources.files("projections") / "data" / DTD_NAME).read_bytes()


def validate_index(index: bytes) -> None:
    """Check our own index.xml against the shipped DTD (a failure is a bug, not input)."""
    dtd = etree.DTD(importlib.resources.files("projections") / "data" / DTD_NAME)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    document = etree.fromstring(index, parser)
    if not dtd.validate(document):
        raise AssertionError(f"index.xml does not match {DTD_NAME}: {dtd.error_log}")
