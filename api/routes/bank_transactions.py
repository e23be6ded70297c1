"""Bank transactions routes (scope bank): JSON import, listing, one transaction, the count of
what is left to reconcile."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from litestar import get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter

from api import convert
from api.auth import Caller
from api.bootstrap import Ledger
from api.errors import ApiError
from api.routes.query import require_date_range
from ledger.bank_import import ParsedRow, transactions_of
from ledger.intents import ImportBankTransactions
from ledger.money import cents_to_decimal
from ledger.outcomes import ImportCounted
from projections import bank_transactions as queries
from schemas.bank_transactions import (
    BankImportIn,
    BankImportOut,
    BankTransactionOut,
    BankTransactionsOut,
    RowErrorOut,
    TxStatus,
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


ROUTES = [import_json, list_transactions, unreconciled_count, get_transaction]
