"""Payment runs routes (scope kreditoren): create, list, read, and the state machine with the
SEPA export."""

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
from ledger.events import PaymentRunStatus
from ledger.intents import ChangePaymentRunStatus, CreatePaymentRun
from ledger.money import cents_to_decimal
from projections import payment_runs as queries
from projections.sepa import render
from schemas import limits
from schemas.payment_runs import (
    EligibleInvoiceOut,
    EligibleInvoicesOut,
    PaymentItemOut,
    PaymentRunIn,
    PaymentRunOut,
    PaymentRunsOut,
    PaymentRunSummaryOut,
    RunRefOut,
    RunStatus,
    SepaExportOut,
)

TAGS = ["Payment runs"]
READ, WRITE = {"scope": "kreditoren:read"}, {"scope": "kreditoren:write"}


def _summary(row) -> dict:
    return {
        "id": row["id"],
        "status": row["status"],
        "label": row["label"],
        "bank_account_id": row["bank_account_id"],
        "execution_date": row["execution_date"],
        "total_amount": cents_to_decimal(row["total_cents"]),
        "invoice_count": row["item_count"],
        "message_id": row["message_id"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


def _item(row) -> PaymentItemOut:
    return PaymentItemOut(
        id=row["id"],
        invoice_id=row["invoice_id"],
        vendor_id=row["vendor_id"],
        vendor_name=row["vendor_name"],
        vendor_iban=row["vendor_iban"],
        vendor_bic=row["vendor_bic"],
        amount=cents_to_decimal(row["amount_cents"]),
        reference=row["reference"],
        end_to_end_id=row["end_to_end_id"],
    )


async def _read(ledger: Ledger, caller: Caller, run_id: uuid.UUID) -> PaymentRunOut:
    async with ledger.pool.acquire() as conn:
        row, items = await queries.run(conn, caller.tenant_id, run_id)
    if row is None:
        raise ApiError("NOT_FOUND", "No payment run with this id exists.", id=str(run_id))
    return PaymentRunOut(**_summary(row), items=[_item(item) for item in items])


async def _transition(
    ledger: Ledger, caller: Caller, run_id: str, status: PaymentRunStatus
) -> uuid.UUID:
    parsed = convert.require_uuid(run_id, "payment run")
    await ledger.writers.submit_one(
        ChangePaymentRunStatus(
            **caller.stamp(),
            run_id=parsed,
            status=status,
        )
    )
    return parsed


@get("/payment-runs", operation_id="GetPaymentRuns", opt=READ, tags=TAGS)
async def list_runs(
    caller: NamedDependency[Caller],
    ledger: NamedDependency[Ledger],
    status: Annotated[RunStatus | None, QueryParameter()] = None,
    limit: Annotated[int, QueryParameter(ge=1, le=500)] = 100,
    offset: Annotated[int, QueryParameter(ge=0, le=100_000)] = 0,
) -> PaymentRunsOut:
    """Payment runs, newest first."""
    async with ledger.pool.acquire() as conn:
        rows, total = await queries.runs(
            conn, caller.tenant_id, status=status, limit=limit, offset=offset
        )
    return PaymentRunsOut(
        payment_runs=[PaymentRunSummaryOut(**_summary(row)) for row in rows],
        total=total,
        limit=limit,
        offset=offset,
    )


@get(
    "/payment-runs/eligible-invoices",
    operation_id="GetPaymentRunEligibleInvoices",
    opt=READ,
    tags=TAGS,
)
async def eligible_invoices(
    caller: NamedDependency[Caller], ledger: NamedDependency[Ledger]
) -> EligibleInvoicesOut:
    """Booked incoming EUR invoices with an amount left and in no active run; those whose
    vendor has no IBAN are marked `iban_missing` and cannot be added."""
    async with ledger.pool.acquire() as conn:
        rows = await queries.eligible_invoices(conn, caller.tenant_id)
    return EligibleInvoicesOut(
        invoices=[
            EligibleInvoiceOut(
                id=row["id"],
                vendor_id=row["party_id"],
                vendor_name=row["vendor_name"],
                invoice_number=row["invoice_number"],
                invoice_date=row["invoice_date"],
                due_date=row["due_date"],
                total_gross=cents_to_decimal(row["total_gross_cents"]),
                remaining_amount=cents_to_decimal(row["remaining_cents"]),
                currency=row["currency"],
                intent_id=row["intent_id"],
                iban_missing=row["iban_missing"],
            )
            for row in rows
        ]
    )


@post(
    "/payment-runs",
    operation_id="PostPaymentRun",
    opt=WRITE,
    status_code=201,
    tags=TAGS,
    request_max_body_size=limits.LIST_BODY_BYTES_MAX,
)
async def create_run(
    data: JSONBody[PaymentRunIn], caller: NamedDependency[Caller], ledger: NamedDependency[Ledger]
) -> PaymentRunOut:
    """A draft run paying each invoice's remaining amount from the bank account."""
    run_id = uuid.uuid4()
    await ledger.writers.submit_one(
        CreatePaymentRun(
            **caller.stamp(),
            run_id=run_id,
            bank_account_id=data.bank_account_id,
            execution_date=data.execution_date,
            label=data.label,
            invoice_ids=tuple(data.invoice_ids),
        )
    )
    return await _read(ledger, caller, run_id)


@get("/payment-runs/{run_id:str}", operation_id="GetPaymentRun", opt=READ, tags=TAGS)
async def get_run(
    run_id: FromPath[str], caller: NamedDependency[Caller], ledger: NamedDependency[Ledger]
) -> PaymentRunOut:
    """One run with its transfers (vendor name and IBAN as copied at creation)."""
    return await _read(ledger, caller, convert.require_uuid(run_id, "payment run"))


@post(
    "/payment-runs/{run_id:str}/approve",
    operation_id="ApprovePaymentRun",
    opt=WRITE,
    status_code=200,
    tags=TAGS,
)
async def approve_run(
    run_id: FromPath[str], caller: NamedDependency[Caller], ledger: NamedDependency[Ledger]
) -> PaymentRunOut:
    """draft -> approved (at least one transfer, each above zero)."""
    return await _read(ledger, caller, await _transition(ledger, caller, run_id, "approved"))


@post(
    "/payment-runs/{run_id:str}/export",
    operation_id="ExportPaymentRun",
    opt=WRITE,
    status_code=200,
    tags=TAGS,
)
async def export_run(
    run_id: FromPath[str], caller: NamedDependency[Caller], ledger: NamedDependency[Ledger]
) -> SepaExportOut:
    """approved -> exported: the pain.001 credit transfer file (the bank account's version)."""
    parsed = await _transition(ledger, caller, run_id, "exported")
    return await sepa_export(ledger, caller.tenant_id, parsed)


@post(
    "/payment-runs/{run_id:str}/complete",
    operation_id="CompletePaymentRun",
    opt=WRITE,
    status_code=200,
    tags=TAGS,
)
async def complete_run(
    run_id: FromPath[str], caller: NamedDependency[Caller], ledger: NamedDependency[Ledger]
) -> PaymentRunOut:
    """exported -> completed. Posts nothing: payments reach the books by reconciliation."""
    return await _read(ledger, caller, await _transition(ledger, caller, run_id, "completed"))


@post(
    "/payment-runs/{run_id:str}/cancel",
    operation_id="CancelPaymentRun",
    opt=WRITE,
    status_code=200,
    tags=TAGS,
)
async def cancel_run(
    run_id: FromPath[str], caller: NamedDependency[Caller], ledger: NamedDependency[Ledger]
) -> PaymentRunOut:
    """draft or approved -> cancelled; its invoices are free for another run."""
    return await _read(ledger, caller, await _transition(ledger, caller, run_id, "cancelled"))


async def sepa_export(ledger: Ledger, tenant_id: uuid.UUID, run_id: uuid.UUID) -> SepaExportOut:
    """The file of an exported run (also what `ledger export sepa` writes)."""
    async with ledger.pool.acquire() as conn:
        payment = await queries.credit_transfer_file(conn, tenant_id, run_id)
        status = await conn.fetchval("select status from payment_runs where id = $1", run_id)
    assert payment is not None, "an exported run has a message id"
    return SepaExportOut(
        run=RunRefOut(id=run_id, status=status),
        sepa_xml=render(payment).decode("utf-8"),
        message_id=payment.message_id,
        number_of_transactions=len(payment.transfers),
        control_sum=payment.control_sum,
        sepa_version=payment.version,
    )


ROUTES = [
    list_runs,
    eligible_invoices,
    create_run,
    get_run,
    approve_run,
    export_run,
    complete_run,
    cancel_run,
]
