"""Bank transactions routes (scope bank): listing, one transaction, what is left to reconcile,
and the evidence that accounts for a transaction. Imports: api/routes/bank_imports.py;
reconciliation: api/routes/reconciliation.py."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from litestar import get, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter

from api import convert
from api.auth import Caller
from api.bootstrap import Ledger
from api.errors import ApiError
from api.routes.query import require_date_range
from ledger.intents import (
    SetBankTransactionEvidence,
)
from ledger.money import cents_to_decimal
from projections import bank_transactions as queries
from schemas.bank_transactions import (
    BankTransactionOut,
    BankTransactionsOut,
    EvidenceOut,
    EvidencePutIn,
    TxStatus,
    UnreconciledCountOut,
)

TAGS = ["Bank"]
READ, WRITE = {"scope": "bank:read"}, {"scope": "bank:write"}


def transaction_out(row) -> BankTransactionOut:
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
        reconcile_mode=row["reconcile_mode"],
        settlement_intent_id=row["settlement_intent_id"],
        match_group_id=row["match_group_id"],
        source=row["source"],
        batch_id=row["batch_id"],
        created_at=row["created_at"],
    )


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
        transactions=[transaction_out(row) for row in rows], total=total, limit=limit, offset=offset
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
    return transaction_out(row)


def _evidence(row) -> EvidenceOut:
    return EvidenceOut(
        transaction_id=row["id"],
        document_id=row["evidence_document_id"],
        note=row["evidence_note"],
        updated_at=row["evidence_updated_at"],
        updated_by=row["evidence_updated_by"],
    )


async def transaction_row(ledger: Ledger, caller: Caller, tx_id: uuid.UUID):
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
    return _evidence(await transaction_row(ledger, caller, parsed))


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
    return _evidence(await transaction_row(ledger, caller, parsed))


ROUTES = [list_transactions, unreconciled_count, get_transaction, get_evidence, put_evidence]
