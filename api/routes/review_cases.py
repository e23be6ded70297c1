"""Invoice review cases (scope kreditoren): the queue of extracted incoming invoices; correct a
case, approve it into an incoming invoice with its booking (atomically), or reject it."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Annotated

import asyncpg
import msgspec
from litestar import get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter

from api import convert
from api.auth import Caller
from api.bootstrap import Ledger
from api.errors import ApiError
from ledger.inbox.review import ReviewInvoice, ReviewLine
from ledger.intents import ApproveReviewCase, ChangeReviewCase, RejectReviewCase
from ledger.money import cents_to_decimal
from schemas import limits
from schemas.review_cases import (
    ApprovedOut,
    LineItemOut,
    NormalizedInvoiceIn,
    NormalizedInvoiceOut,
    QueueState,
    ReviewCaseOut,
    ReviewCasePatchIn,
    ReviewCasesOut,
    ReviewRejectIn,
)

TAGS = ["Inbox"]
READ, WRITE = {"scope": "kreditoren:read"}, {"scope": "kreditoren:write"}
_payload = msgspec.json.Decoder(ReviewInvoice)
_problems = msgspec.json.Decoder(list[str])


@get("/invoice-review-cases", operation_id="GetReviewCases", opt=READ, tags=TAGS)
async def list_cases(
    caller: NamedDependency[Caller],
    ledger: NamedDependency[Ledger],
    queue_state: Annotated[QueueState | None, QueryParameter()] = None,
    limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
    offset: Annotated[int, QueryParameter(ge=0, le=100_000)] = 0,
) -> ReviewCasesOut:
    """Cases, newest first; `queue_state` filters (approval, correction, exception, approved,
    rejected)."""
    async with ledger.pool.acquire() as conn:
        rows = await conn.fetch(
            "select * from invoice_review_cases where tenant_id = $1"
            " and ($2::text is null or queue_state = $2)"
            " order by created_at desc, id limit $3 offset $4",
            caller.tenant_id,
            queue_state,
            limit,
            offset,
        )
        total = await conn.fetchval(
            "select count(*) from invoice_review_cases where tenant_id = $1"
            " and ($2::text is null or queue_state = $2)",
            caller.tenant_id,
            queue_state,
        )
    return ReviewCasesOut(
        cases=[case_out(row) for row in rows], total=total, limit=limit, offset=offset
    )


@get("/invoice-review-cases/{case_id:str}", operation_id="GetReviewCase", opt=READ, tags=TAGS)
async def get_case(
    case_id: FromPath[str], caller: NamedDependency[Caller], ledger: NamedDependency[Ledger]
) -> ReviewCaseOut:
    return await _case(ledger, caller, convert.require_uuid(case_id, "review case"))


@patch(
    "/invoice-review-cases/{case_id:str}",
    operation_id="PatchReviewCase",
    opt=WRITE,
    tags=TAGS,
    request_max_body_size=limits.LIST_BODY_BYTES_MAX,
)
async def patch_case(
    case_id: FromPath[str],
    data: JSONBody[ReviewCasePatchIn],
    caller: NamedDependency[Caller],
    ledger: NamedDependency[Ledger],
) -> ReviewCaseOut:
    """Set `vendor_id` (null clears it) and/or replace `normalized_invoice` (the whole
    payload); the queue state follows (`approval` when nothing is missing)."""
    parsed = convert.require_uuid(case_id, "review case")
    changes: dict = {}
    if not isinstance(data.vendor_id, msgspec.UnsetType):
        changes["vendor_id"] = data.vendor_id
    if not isinstance(data.normalized_invoice, msgspec.UnsetType):
        changes["payload"] = payload_of(data.normalized_invoice)
    if not changes:
        raise ApiError("INVALID_INPUT", "Give vendor_id, normalized_invoice or both.")
    await ledger.writers.submit_one(
        ChangeReviewCase(**caller.stamp(), case_id=parsed, changes=changes)
    )
    return await _case(ledger, caller, parsed)


@post(
    "/invoice-review-cases/{case_id:str}/approve",
    operation_id="ApproveReviewCase",
    opt=WRITE,
    status_code=200,
    tags=TAGS,
)
async def approve_case(
    case_id: FromPath[str], caller: NamedDependency[Caller], ledger: NamedDependency[Ledger]
) -> ApprovedOut:
    """Record the incoming invoice and post its booking and set the case `approved` — all or
    nothing; its inbox item is confirmed with it."""
    parsed = convert.require_uuid(case_id, "review case")
    await ledger.writers.submit_one(
        ApproveReviewCase(**caller.stamp(), case_id=parsed, invoice_id=uuid.uuid4())
    )
    case = await _case(ledger, caller, parsed)
    assert case.invoice_id is not None and case.intent_id is not None  # noqa: PT018
    return ApprovedOut(reviewCaseId=parsed, intentId=case.intent_id, invoiceId=case.invoice_id)


@post(
    "/invoice-review-cases/{case_id:str}/reject",
    operation_id="RejectReviewCase",
    opt=WRITE,
    status_code=200,
    tags=TAGS,
)
async def reject_case(
    case_id: FromPath[str],
    caller: NamedDependency[Caller],
    ledger: NamedDependency[Ledger],
    data: JSONBody[ReviewRejectIn | None] = None,
) -> ReviewCaseOut:
    """Set the case aside: nothing is booked; the reason stays for the audit trail."""
    parsed = convert.require_uuid(case_id, "review case")
    await ledger.writers.submit_one(
        RejectReviewCase(
            **caller.stamp(), case_id=parsed, reason=None if data is None else data.reason
        )
    )
    return await _case(ledger, caller, parsed)


def payload_of(given: NormalizedInvoiceIn) -> ReviewInvoice:
    return ReviewInvoice(
        invoice_type=given.invoice_type,
        vendor_name=given.vendor_name,
        vendor_vat_id=given.vendor_vat_id,
        invoice_number=given.invoice_number,
        invoice_date=given.invoice_date,
        due_date=given.due_date,
        currency=given.currency,
        total_net_cents=convert.cents(given.total_net),
        total_tax_cents=convert.cents(given.total_tax),
        total_gross_cents=convert.cents(given.total_gross),
        lines=tuple(
            ReviewLine(
                description=line.description,
                quantity=line.quantity,
                unit_price=line.unit_price,
                tax_rate=line.tax_rate,
                net_cents=convert.cents(line.net_amount),
                tax_cents=convert.cents(line.tax_amount),
                account_number=line.account_number,
            )
            for line in given.line_items
        ),
    )


async def _case(ledger: Ledger, caller: Caller, case_id: uuid.UUID) -> ReviewCaseOut:
    async with ledger.pool.acquire() as conn:
        row = await conn.fetchrow(
            "select * from invoice_review_cases where tenant_id = $1 and id = $2",
            caller.tenant_id,
            case_id,
        )
    if row is None:
        raise ApiError("NOT_FOUND", "No review case with this id exists.", id=str(case_id))
    return case_out(row)


def case_out(row: asyncpg.Record) -> ReviewCaseOut:
    payload = _payload.decode(row["payload"])
    return ReviewCaseOut(
        id=row["id"],
        queue_state=row["queue_state"],
        inbox_id=row["inbox_id"],
        document_id=row["document_id"],
        normalized_invoice=NormalizedInvoiceOut(
            invoice_type=payload.invoice_type,
            vendor_name=payload.vendor_name,
            vendor_vat_id=payload.vendor_vat_id,
            invoice_number=payload.invoice_number,
            invoice_date=payload.invoice_date,
            due_date=payload.due_date,
            currency=payload.currency,
            total_net=cents_to_decimal(payload.total_net_cents),
            total_tax=cents_to_decimal(payload.total_tax_cents),
            total_gross=cents_to_decimal(payload.total_gross_cents),
            line_items=[
                LineItemOut(
                    description=line.description,
                    quantity=line.quantity,
                    unit_price=line.unit_price,
                    tax_rate=line.tax_rate.normalize() if line.tax_rate else Decimal(0),
                    net_amount=cents_to_decimal(line.net_cents),
                    tax_amount=cents_to_decimal(line.tax_cents),
                    account_number=line.account_number,
                )
                for line in payload.lines
            ],
        ),
        vendor_id=row["vendor_id"],
        vendor_candidates=list(row["vendor_candidates"]),
        problems=_problems.decode(row["problems"]),
        invoice_id=row["invoice_id"],
        intent_id=row["intent_id"],
        reason=row["reason"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


ROUTES = [list_cases, get_case, patch_case, approve_case, reject_case]
