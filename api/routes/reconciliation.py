"""Reconciliation routes (scope bank:write): reconcile one transaction, many at once, undo it,
and set aside a zero-amount line."""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar import get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter

from api import convert
from api.auth import Caller
from api.bootstrap import Ledger
from api.errors import ApiError
from api.routes.bank_transactions import transaction_out, transaction_row
from ledger.errors import Rejected
from ledger.intents import (
    DismissBankTransaction,
    ReconcileBankTransaction,
    UnmatchBankTransaction,
)
from ledger.money import cents_to_decimal
from projections.suggestions import suggestions
from schemas import limits
from schemas.bank_transactions import (
    BankTransactionOut,
    BatchReconciledOut,
    BatchReconcileIn,
    PairErrorOut,
    ReconciledOut,
    ReconcileIn,
    SuggestionOut,
    SuggestionsOut,
    UnmatchedOut,
)

TAGS = ["Bank"]
WRITE = {"scope": "bank:write"}


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
    return transaction_out(await transaction_row(ledger, caller, parsed))


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
    row = await transaction_row(ledger, caller, parsed)
    return ReconciledOut(
        ok=True,
        mode=row["reconcile_mode"],
        intent_id=data.intent_id,
        settlement_intent_id=row["settlement_intent_id"],
        transaction=transaction_out(row),
    )


@post(
    "/bank-transactions/batch-reconcile",
    operation_id="BatchReconcileBankTransactions",
    opt=WRITE,
    status_code=200,
    tags=TAGS,
    request_max_body_size=limits.LIST_BODY_BYTES_MAX,
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
    before = await transaction_row(ledger, caller, parsed)
    await ledger.writers.submit_one(
        UnmatchBankTransaction(
            **caller.stamp(), tx_id=parsed, reversal_intent_id=reversal_intent_id
        )
    )
    row = await transaction_row(ledger, caller, parsed)
    return UnmatchedOut(
        ok=True,
        reversal_intent_id=reversal_intent_id if before["settlement_intent_id"] else None,
        transaction=transaction_out(row),
    )


@get(
    "/bank-transactions/suggestions",
    operation_id="GetReconciliationSuggestions",
    opt={"scope": "bank:read"},
    tags=TAGS,
)
async def get_suggestions(
    caller: NamedDependency[Caller],
    ledger: NamedDependency[Ledger],
    bank_account_id: Annotated[uuid.UUID, QueryParameter()],
) -> SuggestionsOut:
    """Up to three ranked candidates per open transaction of the bank account — open
    invoices and bank bookings, always as an intent — with score and reasons."""
    async with ledger.pool.acquire() as conn:
        known = await conn.fetchval(
            "select 1 from bank_accounts where tenant_id = $1 and id = $2",
            caller.tenant_id,
            bank_account_id,
        )
        if known is None:
            raise ApiError(
                "NOT_FOUND", "No bank account with this id exists.", id=str(bank_account_id)
            )
        found, _ = await suggestions(conn, caller.tenant_id, bank_account_id)
    return SuggestionsOut(
        suggestions=[
            SuggestionOut(
                bank_transaction_id=s.tx_id,
                ledger_intent_id=s.candidate.intent_id,
                candidate_kind=s.candidate.kind,  # type: ignore[arg-type]
                open_item_account=s.candidate.open_item_account,
                match_score=s.score,
                match_reasons=list(s.reasons),
                ledger_description=s.candidate.description,
                ledger_amount=cents_to_decimal(s.candidate.amount_cents),
                ledger_date=s.candidate.day,
            )
            for s in found
        ]
    )


ROUTES = [get_suggestions, dismiss, reconcile, batch_reconcile, unmatch]
