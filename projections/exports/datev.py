"""The DATEV export: an EXTF Buchungsstapel (header version 700, Formatversion 13, 125
columns) of a date range, and the Debitoren/Kreditoren master data (Formatkategorie 16) of
the customers and vendors it books — as formats.md §1.1-1.5 has them: Windows-1252, `;`,
CR LF, quoted text, decimal comma.

Rows stream from a server-side cursor an intent at a time, so memory stays flat however long
the range. Whatever would make a file wrong is found before the first byte (`refusal`): a
range across fiscal years, missing DATEV settings, an account too long for the
Sachkontenlänge, a Belegfeld 1 with characters DATEV does not take, more rows than one file
holds. Rows come from `projections/exports/datev_rows.py`; `datev_check.py` checks files.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import IO, Any, Final
from uuid import UUID

import asyncpg

from ledger.datev_columns import (
    BUCHUNGSSTAPEL_COLUMNS,
    BUCHUNGSSTAPEL_TEXT_COLUMNS,
    DEBITOREN_KREDITOREN_COLUMNS,
    DEBITOREN_KREDITOREN_TEXT_COLUMNS,
)
from ledger.datev_tax import AUTOMATIC_TAX_CODES
from ledger.tax import TaxCode
from projections.exports.datev_rows import DatevRow, ExportLine, ExportRules, rows_of_intent
from projections.exports.spreadsheet_safe import neutralised

ROWS_PER_FILE_MAX: Final = 99_999
BELEGFELD_PATTERN: Final = "^[A-Za-z0-9$&%*+/_-]{0,36}$"  # formats.md §1.4, field 11
CURSOR_PREFETCH: Final = 5_000
TEXT_CHARS_MAX: Final = 60
_CONTROL = re.compile(r"[\r\n\t\x00-\x1f]")


@dataclass(frozen=True)
class Refusal:
    """Why a range cannot be exported, for a 4xx answer."""

    code: str
    message: str
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Batch:
    """One export: the tenant's settings and the range, checked."""

    tenant_id: UUID
    first: date
    last: date
    berater_number: int
    mandant_number: int
    account_length: int
    fiscal_year_start: date
    framework: str
    rules: ExportRules
    created_at: datetime
    exported_by: str


def fiscal_years(first: date, last: date, start_month: int) -> list[tuple[date, date]]:
    """[first, last] cut at fiscal-year boundaries: one DATEV batch per piece."""
    pieces, begin = [], first
    while begin <= last:
        year = begin.year if begin.month >= start_month else begin.year - 1
        year_end = date(year + 1, start_month, 1) - timedelta(days=1)
        pieces.append((begin, min(last, year_end)))
        begin = year_end + timedelta(days=1)
    return pieces


async def prepare(
    conn: asyncpg.Connection,
    tenant_id: UUID,
    first: date,
    last: date,
    *,
    created_at: datetime,
    exported_by: str,
    rows_max: int | None = ROWS_PER_FILE_MAX,
) -> Batch | Refusal:
    """The batch, or why it cannot be written."""
    tenant = await conn.fetchrow("select * from tenants where id = $1", tenant_id)
    if tenant["datev_berater_number"] is None:
        return Refusal(
            "DATEV_SETTINGS_MISSING",
            "The DATEV export needs the Beraternummer and Mandantennummer: set them with "
            "PUT /v1/tenant/datev (or `ledger tenants datev`).",
        )
    start_month = tenant["fiscal_year_start"]
    year = first.year if first.month >= start_month else first.year - 1
    year_start = date(year, start_month, 1)
    year_end = date(year + 1, start_month, 1) - timedelta(days=1)
    if last > year_end:
        return Refusal(
            "INVALID_INPUT",
            f"A DATEV batch covers one fiscal year: {year_start.isoformat()} to "
            f"{year_end.isoformat()} here. Export the rest separately.",
            {"fiscal_year_start": year_start.isoformat(), "fiscal_year_end": year_end.isoformat()},
        )
    length = tenant["datev_account_length"]
    misfits = await conn.fetch(
        "select distinct account from (select account_debit as account from journal_lines"
        " where tenant_id = $1 and booking_date between $2 and $3 union all"
        " select account_credit from journal_lines where tenant_id = $1"
        " and booking_date between $2 and $3) a where (length(account) > $4"
        " and not exists (select 1 from parties p where p.tenant_id = $1"
        "  and p.account_number = a.account and length(account) = $4 + 1))"
        " or account like '0%' order by 1 limit 20",
        tenant_id,
        first,
        last,
        length,
    )
    if misfits:
        accounts = [row["account"] for row in misfits]
        return Refusal(
            "DATEV_EXPORT_INVALID",
            f"DATEV takes Sachkonten of up to {length} digits and customer and vendor accounts "
            f"of {length + 1}, none starting with 0; these accounts do not fit: "
            f"{', '.join(accounts)}. Rebook them on accounts DATEV knows.",
            {"accounts": accounts},
        )
    bad_belegfeld = await conn.fetch(
        "select i.intent_id, i.booking_date, coalesce(v.number, i.external_reference) as value"
        f" from intents i {_INVOICE_NUMBER_JOIN}"
        " where i.tenant_id = $1 and i.booking_date between $2 and $3"
        " and coalesce(v.number, i.external_reference) !~ $4 order by i.booking_date limit 100",
        tenant_id,
        first,
        last,
        BELEGFELD_PATTERN,
    )
    if bad_belegfeld:
        return Refusal(
            "DATEV_EXPORT_INVALID",
            "DATEV's Belegfeld 1 takes up to 36 letters, digits and $ & % * + - / _ only, and "
            "these invoice numbers or references have others (a space, dot or umlaut, say). "
            "DATEV matches payments to invoices by this field, so it is not changed silently.",
            {
                "belegfeld": [
                    {
                        "intent_id": str(row["intent_id"]),
                        "booking_date": row["booking_date"].isoformat(),
                        "value": row["value"],
                    }
                    for row in bad_belegfeld
                ]
            },
        )
    if rows_max is not None:
        lines = await conn.fetchval(
            "select count(*) from journal_lines where tenant_id = $1"
            " and booking_date between $2 and $3",
            tenant_id,
            first,
            last,
        )
        if lines > rows_max:
            return Refusal(
                "DATEV_EXPORT_TOO_LARGE",
                f"The range has {lines:,} posting lines; one DATEV file holds {rows_max:,} "
                "bookings. Export a shorter range (a month, say) or use `ledger export datev`, "
                "which splits the file.",
                {"lines": lines, "rows_max": rows_max},
            )
    codes = await conn.fetch("select * from tax_codes where tenant_id = $1", tenant_id)
    types = await conn.fetch("select number, type from accounts where tenant_id = $1", tenant_id)
    framework = tenant["account_framework"]
    return Batch(
        tenant_id=tenant_id,
        first=first,
        last=last,
        berater_number=tenant["datev_berater_number"],
        mandant_number=tenant["datev_mandant_number"],
        account_length=length,
        fiscal_year_start=year_start,
        framework=framework,
        rules=ExportRules(
            codes={row["code_key"]: _tax_code(row) for row in codes},
            automatic=AUTOMATIC_TAX_CODES[framework],
            account_types={row["number"]: row["type"] for row in types},
        ),
        created_at=created_at,
        exported_by=exported_by,
    )


_INVOICE_NUMBER_JOIN: Final = (
    "left join lateral (select min(invoice_number) as number from invoices v"
    " where v.tenant_id = i.tenant_id and v.intent_id = i.intent_id) v on true"
)


async def rows(conn: asyncpg.Connection, batch: Batch) -> AsyncIterator[DatevRow]:
    """The batch's rows in journal order, intent by intent (call inside a transaction)."""
    locked = {
        row["period"]
        for row in await conn.fetch(
            "select period from periods where tenant_id = $1 and status = 'locked'",
            batch.tenant_id,
        )
    }
    cursor = conn.cursor(
        "select l.id, l.intent_id, l.booking_date, l.period, l.account_debit, l.account_credit,"
        " l.amount_cents, l.tax_code, i.description,"
        " coalesce(v.number, i.external_reference) as belegfeld"
        f" from journal_lines l join intents i on i.intent_id = l.intent_id {_INVOICE_NUMBER_JOIN}"
        " where l.tenant_id = $1 and l.booking_date between $2 and $3"
        " order by l.journal_number",
        batch.tenant_id,
        batch.first,
        batch.last,
        prefetch=CURSOR_PREFETCH,
    )
    intent: list[ExportLine] = []
    async for record in cursor:
        line = ExportLine(
            line_id=record["id"],
            intent_id=record["intent_id"],
            booking_date=record["booking_date"],
            account_debit=record["account_debit"],
            account_credit=record["account_credit"],
            amount_cents=record["amount_cents"],
            tax_code=record["tax_code"],
            text=record["description"],
            belegfeld=record["belegfeld"],
            locked=record["period"] in locked,
        )
        if intent and intent[-1].intent_id != line.intent_id:
            for row in rows_of_intent(intent, batch.rules):
                yield row
            intent = []
        intent.append(line)
    for row in rows_of_intent(intent, batch.rules):
        yield row


@dataclass
class Written:
    rows: int = 0
    files: list[str] = field(default_factory=list)
    party_accounts: set[str] = field(default_factory=set)


OpenFile = Callable[[str], AbstractContextManager[IO[bytes]]]


async def write_files(
    conn: asyncpg.Connection,
    batch: Batch,
    open_file: OpenFile,
    *,
    name: str,
    master_data: bool,
    split: bool = False,
    rows_per_file: int = ROWS_PER_FILE_MAX,
    progress: Callable[[int], None] | None = None,
) -> Written:
    """Write the Buchungsstapel as `name`.csv — with `split`, as `name`_001.csv, … of at most
    `rows_per_file` rows each — and with `master_data` the Debitoren/Kreditoren of its accounts as
    `name`_Debitoren_Kreditoren.csv. Call inside a transaction."""
    personal = {
        row["account_number"]
        for row in await conn.fetch(
            "select account_number from parties where tenant_id = $1", batch.tenant_id
        )
    }
    written = Written()
    head = header(batch, category=21, first=batch.first, last=batch.last)
    in_part, handle = 0, None
    with ExitStack() as current:
        async for row in rows(conn, batch):
            if handle is None or (split and in_part == rows_per_file):
                current.close()  # the previous part, if any
                file_name = f"{name}_{len(written.files) + 1:03d}.csv" if split else f"{name}.csv"
                handle = current.enter_context(open_file(file_name))
                handle.write(head)
                written.files.append(file_name)
                in_part = 0
            handle.write(row_bytes(row))
            in_part += 1
            written.rows += 1
            written.party_accounts.update({row.konto, row.gegenkonto} & personal)
            if progress is not None and written.rows % 1_000 == 0:
                progress(1_000)
    if handle is None:  # an empty range still gives a valid, empty batch
        with open_file(f"{name}.csv") as empty:
            empty.write(head)
        written.files.append(f"{name}.csv")
    if master_data:
        master_name = f"{name}_Debitoren_Kreditoren.csv"
        with open_file(master_name) as handle:
            handle.write(header(batch, category=16, first=None, last=None))
            for party in await parties(conn, batch.tenant_id, written.party_accounts):
                handle.write(party_bytes(party))
        written.files.append(master_name)
    return written


def header(batch: Batch, *, category: int, first: date | None, last: date | None) -> bytes:
    """Line 1 of a file (formats.md §1.2) and line 2, the column headings."""
    is_batch = category == 21
    fields = [
        '"EXTF"',
        "700",
        str(category),
        _quoted("Buchungsstapel" if is_batch else "Debitoren/Kreditoren"),
        "13" if is_batch else "5",
        batch.created_at.strftime("%Y%m%d%H%M%S") + f"{batch.created_at.microsecond // 1000:03d}",
        "",
        '"RE"',
        _quoted(_cp1252(batch.exported_by)[:25]),
        '""',
        str(batch.berater_number),
        str(batch.mandant_number),
        batch.fiscal_year_start.strftime("%Y%m%d"),
        str(batch.account_length),
        first.strftime("%Y%m%d") if first else "",
        last.strftime("%Y%m%d") if last else "",
        _quoted(("Buchungen " if is_batch else "Stammdaten ") + _range_label(batch)),
        '""',
        "1" if is_batch else "",
        "0" if is_batch else "",
        "0" if is_batch else "",
        '"EUR"',
        "",
        '""',
        "",
        "",
        _quoted(batch.framework[-2:]),
        "",
        "",
        '""',
        '""',
    ]
    headings = BUCHUNGSSTAPEL_COLUMNS if is_batch else DEBITOREN_KREDITOREN_COLUMNS
    return (";".join(fields) + "\r\n" + ";".join(headings) + "\r\n").encode("cp1252")


def row_bytes(row: DatevRow) -> bytes:
    """One booking record. Only a few of the 125 columns vary; the empty runs between them
    are joined once (`_EMPTY_*`), which keeps a million rows cheap."""
    text = _cp1252(_CONTROL.sub(" ", row.text))[:TEXT_CHARS_MAX].replace('"', '""')
    belegfeld = row.belegfeld or ""
    return (
        f'{row.umsatz_cents // 100},{row.umsatz_cents % 100:02d};"{row.side}";"EUR";;;"";'
        f'{row.konto};{row.gegenkonto};"{row.bu_key or ""}";{row.booking_date:%d%m};'
        f'"{belegfeld}";"";;"{text}";{_EMPTY_15_102};"{row.guid}";{_EMPTY_104_113};'
        f"{'1' if row.locked else '0'};{_EMPTY_115_125}\r\n"
    ).encode("cp1252")


def _empty_run(first: int, last: int) -> str:
    """Columns first..last (1-based, inclusive) left empty: quoted text or bare numbers."""
    return ";".join(
        '""' if number in BUCHUNGSSTAPEL_TEXT_COLUMNS else "" for number in range(first, last + 1)
    )


_EMPTY_15_102: Final = _empty_run(15, 102)
_EMPTY_104_113: Final = _empty_run(104, 113)
_EMPTY_115_125: Final = _empty_run(115, 125)


async def parties(
    conn: asyncpg.Connection, tenant_id: UUID, accounts: Iterable[str]
) -> list[asyncpg.Record]:
    return await conn.fetch(
        "select * from parties where tenant_id = $1 and account_number = any($2::text[])"
        " order by account_number",
        tenant_id,
        sorted(set(accounts)),
    )


def party_bytes(party: asyncpg.Record) -> bytes:
    """A customer or vendor as DATEV master data (formats.md §1.5)."""
    vat_id = party["vat_id"] or ""
    street = " ".join(p for p in (party["street"], party["building_number"]) if p)
    values: dict[int, str] = {
        1: party["account_number"],
        2: _cp1252(party["name"])[:50],
        7: "2",  # Unternehmen
        8: _cp1252(party["name"])[:15],
        9: vat_id[:2] if vat_id else "",
        10: vat_id[2:] if vat_id else "",
        15: "STR" if street else "",
        16: _cp1252(street)[:36],
        18: (party["zip"] or "")[:10],
        19: _cp1252(party["city"] or "")[:30],
        20: party["country"] or "",
        45: party["iban"] or "",
        47: party["bic"] or "",
        220: str(party["id"]),
    }
    return _record(values, len(DEBITOREN_KREDITOREN_COLUMNS), DEBITOREN_KREDITOREN_TEXT_COLUMNS)


def _record(values: dict[int, str], columns: int, text_columns: frozenset[int]) -> bytes:
    fields = []
    for number in range(1, columns + 1):
        value = values.get(number, "")
        fields.append(_quoted(value) if number in text_columns else value)
    return (";".join(fields) + "\r\n").encode("cp1252")


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _cp1252(text: str) -> str:
    """Free text as Windows-1252 can carry it (other characters become '?'), never a formula."""
    return neutralised(text.encode("cp1252", errors="replace").decode("cp1252"))


def _amount(cents: int) -> str:
    return f"{cents // 100},{cents % 100:02d}"


def _range_label(batch: Batch) -> str:
    return f"{batch.first:%d.%m.%y}-{batch.last:%d.%m.%y}"


def _tax_code(row: asyncpg.Record) -> TaxCode:
    return TaxCode(
        code=row["code"],
        label=row["label"],
        description=row["description"],
        rate_bp=row["rate_bp"],
        vat_account=row["vat_account"],
        self_assess_account=row["self_assess_account"],
        kind=row["kind"],
        is_system=row["is_system"],
        is_active=row["is_active"],
    )
