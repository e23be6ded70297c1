"""Bank statement imports (scope bank:write): JSON rows, and camt / MT940 / CSV files; every
format ends in `import_rows`, which hashes, deduplicates and stores."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated

import msgspec
from litestar import post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, JSONBody

from api import convert
from api.auth import Caller
from api.bootstrap import Ledger
from api.errors import ApiError
from ledger.bank_import import ParsedRow, transactions_of
from ledger.intents import (
    ImportBankTransactions,
)
from ledger.outcomes import ImportCounted
from ledger.statements.camt import STATEMENT_BYTES_MAX
from ledger.statements.csv_files import GERMAN_BANK, CsvLayout
from ledger.statements.errors import StatementInvalid
from ledger.statements.files import read_statements
from projections import bank_accounts as bank_account_queries
from schemas import limits
from schemas.bank_transactions import (
    BankImportIn,
    BankImportOut,
    CsvMappingIn,
    RowErrorOut,
)

TAGS = ["Bank"]
WRITE = {"scope": "bank:write"}


async def import_rows(
    ledger: Ledger, caller: Caller, bank_account_id: uuid.UUID, source: str, rows: list[ParsedRow]
) -> BankImportOut:
    """Hash, deduplicate and store parsed rows (every import format ends here)."""
    batch_id = uuid.uuid4()
    counted = await ledger.writers.submit_one(
        ImportBankTransactions(
            **caller.stamp(),
            batch_id=batch_id,
            bank_account_id=bank_account_id,
            source=source,
            transactions=transactions_of(bank_account_id, rows),
        )
    )
    assert isinstance(counted, ImportCounted)
    return BankImportOut(
        batch_id=batch_id,
        total_rows=len(rows),
        imported=counted.imported,
        skipped_duplicates=counted.skipped_duplicates,
        errors=[RowErrorOut(index=e.index, code=e.code, message=e.message) for e in counted.errors],
    )


@post(
    "/bank-transactions",
    operation_id="PostBankTransactions",
    opt=WRITE,
    status_code=201,
    tags=TAGS,
    request_max_body_size=limits.LIST_BODY_BYTES_MAX,
)
async def import_json(
    data: JSONBody[BankImportIn], caller: NamedDependency[Caller], ledger: NamedDependency[Ledger]
) -> BankImportOut:
    """Import up to 1,000 transactions (positive amount = money in); rows already imported,
    in any format, are skipped."""
    rows = [
        ParsedRow(
            tx_date=tx.tx_date,
            amount_cents=convert.signed_cents(tx.amount),
            currency=tx.currency,
            value_date=tx.value_date,
            counterparty_name=tx.counterparty_name,
            counterparty_iban=(tx.counterparty_iban or "").replace(" ", "").upper() or None,
            reference=tx.reference,
            bank_reference=tx.bank_reference,
            end_to_end_id=tx.end_to_end_id,
            tx_type=tx.tx_type,
        )
        for tx in data.transactions
    ]
    return await import_rows(ledger, caller, data.bank_account_id, "json", rows)


@dataclass
class StatementForm:
    file: UploadFile
    bank_account_id: str | None = None
    csv_mapping: str | None = None  # JSON (CsvMappingIn); without it the German preset


DATE_PATTERNS = {
    "DD.MM.YYYY": ("%d.%m.%Y", "%d.%m.%y"),
    "DD.MM.YY": ("%d.%m.%y", "%d.%m.%Y"),
    "YYYY-MM-DD": ("%Y-%m-%d",),
    "MM/DD/YYYY": ("%m/%d/%Y",),
}


def _csv_layout(mapping: str | None) -> CsvLayout:
    if mapping is None:
        return GERMAN_BANK
    try:
        given = msgspec.json.decode(mapping, type=CsvMappingIn)
    except msgspec.ValidationError as error:
        raise ApiError("INVALID_INPUT", f"csv_mapping: {error}", field="csv_mapping") from None
    except msgspec.DecodeError:
        raise ApiError("INVALID_INPUT", "csv_mapping is not JSON.", field="csv_mapping") from None
    return CsvLayout(
        columns=dict(given.columns),
        delimiter=given.delimiter,
        decimal_comma=given.decimal_comma,
        date_formats=DATE_PATTERNS[given.date_format],
        encoding=given.encoding,
    )


async def _import_file(
    ledger: Ledger,
    caller: Caller,
    upload: UploadFile,
    bank_account_id: uuid.UUID | None,
    csv_layout: CsvLayout = GERMAN_BANK,
) -> BankImportOut:
    statements = read_statements(await upload.read(), csv_layout)
    async with ledger.pool.acquire() as conn:
        accounts = await bank_account_queries.bank_accounts(conn, caller.tenant_id)
    by_iban = {row["iban"]: row["id"] for row in accounts}
    known_ids = {row["id"]: row["iban"] for row in accounts}
    if bank_account_id is not None and bank_account_id not in known_ids:
        raise ApiError(
            "BANK_ACCOUNT_NOT_FOUND",
            "No bank account with this id exists.",
            bank_account_id=str(bank_account_id),
        )
    targets = set()
    for statement in statements:
        if bank_account_id is not None:
            if statement.iban and statement.iban != known_ids[bank_account_id]:
                raise StatementInvalid(
                    f"The statement is for IBAN {statement.iban}, not for this bank account "
                    f"({known_ids[bank_account_id]}).",
                    iban=statement.iban,
                )
            targets.add(bank_account_id)
        elif statement.iban in by_iban:
            targets.add(by_iban[statement.iban])
        else:
            raise StatementInvalid(
                f"No bank account has the statement's IBAN {statement.iban}: add it, or name "
                "bank_account_id."
                if statement.iban
                else "The statement names no IBAN: name bank_account_id.",
                iban=statement.iban,
            )
    if len(targets) != 1:
        raise StatementInvalid("A file is imported into one bank account; split it.")
    rows = [row for statement in statements for row in statement.rows]
    return await import_rows(ledger, caller, targets.pop(), statements[0].source, rows)


@post(
    "/bank-transactions/import-file",
    operation_id="PostBankStatementFile",
    opt=WRITE,
    status_code=200,
    tags=TAGS,
    request_max_body_size=STATEMENT_BYTES_MAX + 64 * 1024,
)
async def import_file(
    data: Annotated[StatementForm, Body(media_type=RequestEncodingType.MULTI_PART)],
    caller: NamedDependency[Caller],
    ledger: NamedDependency[Ledger],
) -> BankImportOut:
    """Import a camt.052/053/054 (02, 08), MT940 or CSV file — whole or not at all; the bank
    account is `bank_account_id` or the one with the statement's IBAN (CSV names none)."""
    account = (
        convert.require_uuid(data.bank_account_id, "bank account") if data.bank_account_id else None
    )
    return await _import_file(ledger, caller, data.file, account, _csv_layout(data.csv_mapping))


@dataclass
class UploadForm:
    file: UploadFile
    csv_mapping: str | None = None


@post(
    "/bank-accounts/{bank_account_id:str}/upload",
    operation_id="PostBankAccountStatement",
    opt=WRITE,
    status_code=200,
    tags=TAGS,
    request_max_body_size=STATEMENT_BYTES_MAX + 64 * 1024,
)
async def upload_statement(
    bank_account_id: FromPath[str],
    data: Annotated[UploadForm, Body(media_type=RequestEncodingType.MULTI_PART)],
    caller: NamedDependency[Caller],
    ledger: NamedDependency[Ledger],
) -> BankImportOut:
    """Import a statement file into this bank account."""
    account = convert.require_uuid(bank_account_id, "bank account")
    return await _import_file(ledger, caller, data.file, account, _csv_layout(data.csv_mapping))


ROUTES = [import_json, import_file, upload_statement]
