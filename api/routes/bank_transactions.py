"""Bank transactions routes (scope bank): JSON import, listing, one transaction, the count of
what is left to reconcile."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Annotated

import msgspec
from litestar import get, post, put
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, JSONBody, QueryParameter

from api import convert
from api.auth import Caller
from api.bootstrap import Ledger
from api.errors import ApiError
from api.routes.query import require_date_range
from ledger.bank_import import ParsedRow, transactions_of
from ledger.errors import Rejected
from ledger.intents import (
    DismissBankTransaction,
    ImportBankTransactions,
    ReconcileBankTransaction,
    SetBankTransactionEvidence,
    UnmatchBankTransaction,
)
from ledger.money import cents_to_decimal
from ledger.outcomes import ImportCounted
from ledger.statements.camt import STATEMENT_BYTES_MAX
from ledger.statements.csv_files import GERMAN_BANK, CsvLayout
from ledger.statements.errors import StatementInvalid
from ledger.statements.files import read_statements
from projections import bank_accounts as bank_account_queries
from projections import bank_transactions as queries
from schemas.bank_transactions import (
    BankImportIn,
    BankImportOut,
    BankTransactionOut,
    BankTransactionsOut,
    BatchReconciledOut,
    BatchReconcileIn,
    CsvMappingIn,
    EvidenceOut,
    EvidencePutIn,
    PairErrorOut,
    ReconciledOut,
    ReconcileIn,
    RowErrorOut,
    TxStatus,
    UnmatchedOut,
    UnreconciledCountOut,
)

TAGS = ["Bank"]
READ, WRITE = {"scope": "bank:read"}, {"scope": "bank:write"}


def _out(row) -> BankTransactionOut:
    return BankTransactionOut(
        id=row["id"],
        bank_account_id=row["bank_account_id"],
        tx_date=row["tx_date"],
        value_date=row["value_date"],
        amount=cents_to_decimal(row["amount_cents"]),
        currency=row["currency"],
        counterparty_name=row["counterparty_name"],
        counterparty_iban=row["counterparty_iban"],
        reference=row["reference"],
        bank_reference=row["bank_reference"],
        end_to_end_id=row["end_to_end_id"],
        tx_type=row["tx_type"],
        status=row["status"],
        source=row["source"],
        batch_id=row["batch_id"],
        created_at=row["created_at"],
    )


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


@get("/bank-transactions", operation_id="GetBankTransactions", opt=READ, tags=TAGS)
async def list_transactions(
    caller: NamedDependency[Caller],
    ledger: NamedDependency[Ledger],
    bank_account_id: Annotated[uuid.UUID | None, QueryParameter()] = None,
    start_date: Annotated[date | None, QueryParameter()] = None,
    end_date: Annotated[date | None, QueryParameter()] = None,
    search: Annotated[str | None, QueryParameter(max_length=100)] = None,
    status: Annotated[TxStatus | None, QueryParameter()] = None,
    limit: Annotated[int, QueryParameter(ge=1, le=500)] = 200,
    offset: Annotated[int, QueryParameter(ge=0, le=100_000)] = 0,
) -> BankTransactionsOut:
    """Transactions, newest first; `search` matches counterparty name or reference."""
    require_date_range(start_date, end_date)
    async with ledger.pool.acquire() as conn:
        rows, total = await queries.transactions(
            conn,
            caller.tenant_id,
            bank_account_id=bank_account_id,
            start=start_date,
            end=end_date,
            search=search.strip() if search else None,
            status=status,
            limit=limit,
            offset=offset,
        )
    return BankTransactionsOut(
        transactions=[_out(row) for row in rows], total=total, limit=limit, offset=offset
    )


@get(
    "/bank-transactions/unreconciled-count",
    operation_id="GetUnreconciledCount",
    opt=READ,
    tags=TAGS,
)
async def unreconciled_count(
    caller: NamedDependency[Caller],
    ledger: NamedDependency[Ledger],
    bank_account_id: Annotated[uuid.UUID | None, QueryParameter()] = None,
) -> UnreconciledCountOut:
    """How many transactions wait for reconciliation (of one account, or all)."""
    async with ledger.pool.acquire() as conn:
        count = await queries.unreconciled_count(conn, caller.tenant_id, bank_account_id)
    return UnreconciledCountOut(count=count)


@get("/bank-transactions/{tx_id:str}", operation_id="GetBankTransaction", opt=READ, tags=TAGS)
async def get_transaction(
    tx_id: FromPath[str], caller: NamedDependency[Caller], ledger: NamedDependency[Ledger]
) -> BankTransactionOut:
    """One transaction."""
    parsed = convert.require_uuid(tx_id, "bank transaction")
    async with ledger.pool.acquire() as conn:
        row = await queries.transaction(conn, caller.tenant_id, parsed)
    if row is None:
        raise ApiError("NOT_FOUND", "No bank transaction with this id exists.", id=tx_id)
    return _out(row)


def _evidence(row) -> EvidenceOut:
    return EvidenceOut(
        transaction_id=row["id"],
        document_id=row["evidence_document_id"],
        note=row["evidence_note"],
        updated_at=row["evidence_updated_at"],
        updated_by=row["evidence_updated_by"],
    )


async def _transaction_row(ledger: Ledger, caller: Caller, tx_id: uuid.UUID):
    async with ledger.pool.acquire() as conn:
        row = await queries.transaction(conn, caller.tenant_id, tx_id)
    if row is None:
        raise ApiError("NOT_FOUND", "No bank transaction with this id exists.", id=str(tx_id))
    return row


@get(
    "/bank-transactions/{tx_id:str}/evidence",
    operation_id="GetBankTransactionEvidence",
    opt=READ,
    tags=TAGS,
)
async def get_evidence(
    tx_id: FromPath[str], caller: NamedDependency[Caller], ledger: NamedDependency[Ledger]
) -> EvidenceOut:
    """The document and note that account for this transaction (GoBD: no posting without a
    voucher), with who set them when."""
    parsed = convert.require_uuid(tx_id, "bank transaction")
    return _evidence(await _transaction_row(ledger, caller, parsed))


@put(
    "/bank-transactions/{tx_id:str}/evidence",
    operation_id="PutBankTransactionEvidence",
    opt=WRITE,
    tags=TAGS,
)
async def put_evidence(
    tx_id: FromPath[str],
    data: JSONBody[EvidencePutIn],
    caller: NamedDependency[Caller],
    ledger: NamedDependency[Ledger],
) -> EvidenceOut:
    """Attach a document (of this tenant) and/or a note; `null` clears either."""
    parsed = convert.require_uuid(tx_id, "bank transaction")
    await ledger.writers.submit_one(
        SetBankTransactionEvidence(
            **caller.stamp(), tx_id=parsed, changes=convert.given_fields(data)
        )
    )
    return _evidence(await _transaction_row(ledger, caller, parsed))


@post(
    "/bank-transactions/{tx_id:str}/dismiss",
    operation_id="DismissBankTransaction",
    opt=WRITE,
    status_code=200,
    tags=TAGS,
)
async def dismiss(
    tx_id: FromPath[str], caller: NamedDependency[Caller], ledger: NamedDependency[Ledger]
) -> BankTransactionOut:
    """Set aside a transaction of 0.00 (status `excluded`); others are reconciled."""
    parsed = convert.require_uuid(tx_id, "bank transaction")
    await ledger.writers.submit_one(DismissBankTransaction(**caller.stamp(), tx_id=parsed))
    return _out(await _transaction_row(ledger, caller, parsed))


@post(
    "/bank-transactions/{tx_id:str}/reconcile",
    operation_id="ReconcileBankTransaction",
    opt=WRITE,
    status_code=200,
    tags=TAGS,
)
async def reconcile(
    tx_id: FromPath[str],
    data: JSONBody[ReconcileIn],
    caller: NamedDependency[Caller],
    ledger: NamedDependency[Ledger],
) -> ReconciledOut:
    """Link the transaction to the intent that booked it (`bank_booking`), or settle an open
    item with it (`open_receivable`, `open_liability`: a settlement intent bank <->
    `open_item_account`, the linked invoices settled oldest first)."""
    parsed = convert.require_uuid(tx_id, "bank transaction")
    settlement_intent_id = uuid.uuid4()
    await ledger.writers.submit_one(
        ReconcileBankTransaction(
            **caller.stamp(),
            tx_id=parsed,
            intent_id=data.intent_id,
            candidate_kind=data.candidate_kind,
            open_item_account=data.open_item_account,
            settlement_intent_id=settlement_intent_id,
        )
    )
    row = await _transaction_row(ledger, caller, parsed)
    return ReconciledOut(
        ok=True,
        mode=row["reconcile_mode"],
        intent_id=data.intent_id,
        settlement_intent_id=row["settlement_intent_id"],
        transaction=_out(row),
    )


@post(
    "/bank-transactions/batch-reconcile",
    operation_id="BatchReconcileBankTransactions",
    opt=WRITE,
    status_code=200,
    tags=TAGS,
)
async def batch_reconcile(
    data: JSONBody[BatchReconcileIn],
    caller: NamedDependency[Caller],
    ledger: NamedDependency[Ledger],
) -> BatchReconciledOut:
    """Up to 500 pairs, each as `POST …/{id}/reconcile`; a refused pair does not stop the
    others (partial success: `errors` names each refused pair)."""
    intents = [
        ReconcileBankTransaction(
            **caller.stamp(),
            tx_id=pair.bank_transaction_id,
            intent_id=pair.intent_id,
            candidate_kind=pair.candidate_kind,
            open_item_account=pair.open_item_account,
            settlement_intent_id=uuid.uuid4(),
        )
        for pair in data.pairs
    ]
    answers = await ledger.writers.submit_many(caller.tenant_id, list(intents), atomic=False)
    errors = [
        PairErrorOut(
            index=index,
            bank_transaction_id=data.pairs[index].bank_transaction_id,
            code=answer.code,
            message=answer.message,
        )
        for index, answer in enumerate(answers)
        if isinstance(answer, Rejected)
    ]
    return BatchReconciledOut(reconciled=len(answers) - len(errors), errors=errors)


@post(
    "/bank-transactions/{tx_id:str}/unmatch",
    operation_id="UnmatchBankTransaction",
    opt=WRITE,
    status_code=200,
    tags=TAGS,
)
async def unmatch(
    tx_id: FromPath[str], caller: NamedDependency[Caller], ledger: NamedDependency[Ledger]
) -> UnmatchedOut:
    """Open a reconciled or dismissed transaction again; a settlement is reversed by a
    reversal intent (never edited) and its invoices are open again."""
    parsed = convert.require_uuid(tx_id, "bank transaction")
    reversal_intent_id = uuid.uuid4()
    before = await _transaction_row(ledger, caller, parsed)
    await ledger.writers.submit_one(
        UnmatchBankTransaction(
            **caller.stamp(), tx_id=parsed, reversal_intent_id=reversal_intent_id
        )
    )
    row = await _transaction_row(ledger, caller, parsed)
    return UnmatchedOut(
        ok=True,
        reversal_intent_id=reversal_intent_id if before["settlement_intent_id"] else None,
        transaction=_out(row),
    )


ROUTES = [
    import_json,
    import_file,
    upload_statement,
    list_transactions,
    unreconciled_count,
    get_transaction,
    get_evidence,
    put_evidence,
    dismiss,
    reconcile,
    batch_reconcile,
    unmatch,
]
