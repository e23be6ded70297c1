"""The practice API of a partner firm (seed 001): client entities, time, engagements,
billing. Every route names the firm (`firmEntityId`), which must be the caller's own entity,
enrolled in the partner programme (docs/api.md, "Practice")."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Annotated

from litestar import Response, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter

from api import convert, practice
from api.auth import Caller
from api.bootstrap import Ledger
from api.errors import ApiError
from api.responses import LedgerResponse
from ledger.intents import (
    ChangeEngagementStatus,
    CompleteEngagementTask,
    CreateEngagement,
    DeleteTime,
    RecordTime,
)
from ledger.practice.engagements import engagement_of_task
from ledger.practice.time_entries import minutes_of
from schemas.practice import (
    BilledInvoiceOut,
    BillingOut,
    BillTimeIn,
    BillTimeOut,
    ClientIn,
    ClientOut,
    ClientsOut,
    DeletedOut,
    EngagementIn,
    EngagementOut,
    EngagementPatchIn,
    EngagementsOut,
    InviteIn,
    InviteOut,
    TimeEntriesOut,
    TimeEntryOut,
    TimeIn,
)

TAGS = ["Practice"]
READ = {"scope": "practice:read"}
WRITE = {"scope": "practice:write"}
FirmId = Annotated[uuid.UUID, QueryParameter(name="firmEntityId")]


@get("/practice/clients", operation_id="ListClientEntities", opt=READ, tags=TAGS)
async def list_clients(
    firm_entity_id: FirmId, caller: NamedDependency[Caller], ledger: NamedDependency[Ledger]
) -> ClientsOut:
    """The firm's client entities with their links (tier, billing mode, monthly fee)."""
    await practice.active_firm(ledger, caller, firm_entity_id)
    async with ledger.pool.acquire() as conn:
        rows = await conn.fetch(
            f"{practice.CLIENT_COLUMNS} order by t.company_name, c.client_id", firm_entity_id
        )
    return ClientsOut(clients=[practice.client_out(row) for row in rows])


@post("/practice/clients", operation_id="CreateClientEntity", opt=WRITE, status_code=201, tags=TAGS)
async def create_client(
    data: JSONBody[ClientIn], caller: NamedDependency[Caller], ledger: NamedDependency[Ledger]
) -> ClientOut:
    """A new entity with its own chart (SKR04/SKR03), books and tax codes, linked to the firm
    with its tier and billing mode; the monthly fee comes from the tier."""
    return await practice.create_client(ledger, caller, data)


@post(
    "/practice/clients/{entity_id:str}/invite",
    operation_id="InviteClientUser",
    opt=WRITE,
    status_code=201,
    tags=TAGS,
)
async def invite_client_user(
    entity_id: FromPath[str],
    data: JSONBody[InviteIn],
    caller: NamedDependency[Caller],
    ledger: NamedDependency[Ledger],
) -> InviteOut:
    """A user of the client entity (ADMIN, MEMBER or VIEWER — read only), invited by mail."""
    client_id = convert.parse_uuid(entity_id)
    if client_id is None:
        raise ApiError("CLIENT_NOT_FOUND", "No client entity with this id is managed by the firm.")
    return await practice.invite(ledger, caller, client_id, data)


# --- time -----------------------------------------------------------------------------------


@get("/practice/time", operation_id="ListTimeEntries", opt=READ, tags=TAGS)
async def list_time(
    firm_entity_id: FirmId,
    caller: NamedDependency[Caller],
    ledger: NamedDependency[Ledger],
    client_entity_id: Annotated[uuid.UUID | None, QueryParameter(name="clientEntityId")] = None,
    date_from: Annotated[date | None, QueryParameter(name="from")] = None,
    date_to: Annotated[date | None, QueryParameter(name="to")] = None,
    unbilled_only: Annotated[bool, QueryParameter(name="unbilledOnly")] = False,
) -> TimeEntriesOut:
    """Time entries of the firm (deleted ones never), oldest first, with their sums."""
    await practice.active_firm(ledger, caller, firm_entity_id)
    async with ledger.pool.acquire() as conn:
        rows = await conn.fetch(
            "select * from time_entries where firm_id = $1 and status <> 'deleted'"
            " and ($2::uuid is null or client_id = $2) and ($3::date is null or work_date >= $3)"
            " and ($4::date is null or work_date <= $4) and (not $5 or status = 'unbilled')"
            " order by work_date, created_at, id",
            firm_entity_id,
            client_entity_id,
            date_from,
            date_to,
            unbilled_only,
        )
    entries = [practice.time_entry_out(row) for row in rows]
    return TimeEntriesOut(
        entries=entries,
        total_hours=sum((e.hours for e in entries), Decimal("0.00")),
        billable_hours=sum((e.hours for e in entries if e.billable), Decimal("0.00")),
    )


@post("/practice/time", operation_id="CreateTimeEntry", opt=WRITE, status_code=201, tags=TAGS)
async def record_time(
    data: JSONBody[TimeIn], caller: NamedDependency[Caller], ledger: NamedDependency[Ledger]
) -> TimeEntryOut:
    """Hours worked for a client, in quarter hours, at the given rate (cents per hour) or
    the firm's default rate."""
    await practice.active_firm(ledger, caller, data.firm_entity_id)
    entry_id = uuid.uuid4()
    await ledger.writers.submit_one(
        RecordTime(
            **caller.stamp(),
            entry_id=entry_id,
            client_entity_id=data.entity_id,
            work_date=data.date,
            minutes=minutes_of(data.hours),
            description=data.description,
            billable=data.billable,
            rate_cents=data.rate,
        )
    )
    async with ledger.pool.acquire() as conn:
        row = await conn.fetchrow("select * from time_entries where id = $1", entry_id)
    return practice.time_entry_out(row)


@delete("/practice/time", operation_id="DeleteTimeEntry", opt=WRITE, status_code=200, tags=TAGS)
async def delete_time(
    firm_entity_id: FirmId,
    time_entry_id: Annotated[uuid.UUID, QueryParameter(name="timeEntryId")],
    caller: NamedDependency[Caller],
    ledger: NamedDependency[Ledger],
) -> DeletedOut:
    """Delete an entry not yet invoiced (an invoiced one: 409 TIME_ENTRY_INVOICED)."""
    await practice.active_firm(ledger, caller, firm_entity_id)
    await ledger.writers.submit_one(DeleteTime(**caller.stamp(), entry_id=time_entry_id))
    return DeletedOut(id=time_entry_id, deleted=True)


# --- engagements ----------------------------------------------------------------------------


async def _engagements(
    ledger: Ledger, firm_id: uuid.UUID, engagement_id: uuid.UUID | None = None
) -> list[EngagementOut]:
    async with ledger.pool.acquire() as conn:
        rows = await conn.fetch(
            "select * from engagements where firm_id = $1 and ($2::uuid is null or id = $2)"
            " order by created_at, id",
            firm_id,
            engagement_id,
        )
        done = await conn.fetch(
            "select * from engagement_tasks_done where engagement_id = any($1::uuid[])",
            [row["id"] for row in rows],
        )
    completed = {row["task_id"]: row for row in done}
    today = ledger.clock().date()
    return [practice.engagement_out(row, completed, today) for row in rows]


@get("/practice/engagements", operation_id="ListEngagements", opt=READ, tags=TAGS)
async def list_engagements(
    firm_entity_id: FirmId, caller: NamedDependency[Caller], ledger: NamedDependency[Ledger]
) -> EngagementsOut:
    """Every engagement of the firm with its tasks (docs/api.md, "Engagements": schedule)."""
    await practice.active_firm(ledger, caller, firm_entity_id)
    return EngagementsOut(engagements=await _engagements(ledger, firm_entity_id))


@post(
    "/practice/engagements", operation_id="CreateEngagement", opt=WRITE, status_code=201, tags=TAGS
)
async def create_engagement(
    data: JSONBody[EngagementIn], caller: NamedDependency[Caller], ledger: NamedDependency[Ledger]
) -> EngagementOut:
    await practice.active_firm(ledger, caller, data.firm_entity_id)
    engagement_id = uuid.uuid4()
    await ledger.writers.submit_one(
        CreateEngagement(
            **caller.stamp(),
            engagement_id=engagement_id,
            client_entity_id=data.entity_id,
            name=data.name,
            engagement_type=data.type,
            recurrence=data.recurrence or "none",
            start_date=data.start_date,
            notes=data.notes,
        )
    )
    [engagement] = await _engagements(ledger, caller.tenant_id, engagement_id)
    return engagement


@patch("/practice/engagements", operation_id="UpdateEngagement", opt=WRITE, tags=TAGS)
async def update_engagement(
    data: JSONBody[EngagementPatchIn],
    caller: NamedDependency[Caller],
    ledger: NamedDependency[Ledger],
) -> EngagementOut:
    """`{taskId}` completes that task; `{engagementId, status}` changes the status."""
    await practice.active_firm(ledger, caller, data.firm_entity_id)
    if data.task_id is not None and data.engagement_id is None and data.status is None:
        engagement_id = engagement_of_task(data.task_id)
        intent = CompleteEngagementTask(
            **caller.stamp(), engagement_id=engagement_id, task_id=data.task_id
        )
    elif data.engagement_id is not None and data.status is not None and data.task_id is None:
        engagement_id = data.engagement_id
        intent = ChangeEngagementStatus(
            **caller.stamp(), engagement_id=engagement_id, status=data.status
        )
    else:
        raise ApiError(
            "INVALID_INPUT",
            "Send either taskId (to complete a task) or engagementId with status.",
        )
    await ledger.writers.submit_one(intent)
    [engagement] = await _engagements(ledger, caller.tenant_id, engagement_id)
    return engagement


# --- billing --------------------------------------------------------------------------------


@get("/practice/billing", operation_id="GetBillingOverview", opt=READ, tags=TAGS)
async def billing(
    firm_entity_id: FirmId, caller: NamedDependency[Caller], ledger: NamedDependency[Ledger]
) -> BillingOut:
    """The firm's partner tier, volume discount and per-client fees and unbilled time."""
    return await practice.billing_overview(ledger, caller, firm_entity_id)


@post(
    "/practice/billing/invoice",
    operation_id="InvoiceTimeEntries",
    opt=WRITE,
    status_code=201,
    tags=TAGS,
)
async def invoice_time(
    data: JSONBody[BillTimeIn], caller: NamedDependency[Caller], ledger: NamedDependency[Ledger]
) -> Response[BillTimeOut]:
    """The outgoing invoice in the firm's books for the client's entries, booked (AR to fee
    income and output VAT) with the entries marked invoiced, all at once. The same request
    again answers the same invoice (`Idempotent-Replayed: true`)."""
    await practice.active_firm(ledger, caller, data.firm_entity_id)
    invoice_id, replayed = await practice.bill_time(
        ledger, caller, data.client_entity_id, data.time_entry_ids
    )
    async with ledger.pool.acquire() as conn:
        row = await conn.fetchrow(
            "select p.invoice_number, p.total_gross_cents, p.line_count, p.entry_count,"
            " i.intent_id from practice_invoices p join invoices i on i.id = p.invoice_id"
            " where p.invoice_id = $1",
            invoice_id,
        )
    body = BillTimeOut(
        invoice=BilledInvoiceOut(
            id=invoice_id,
            number=row["invoice_number"],
            total=row["total_gross_cents"],
            line_count=row["line_count"],
            intent_id=row["intent_id"],
        ),
        marked_entries=row["entry_count"],
    )
    headers = {"Idempotent-Replayed": "true"} if replayed else {}
    return LedgerResponse(body, status_code=200 if replayed else 201, headers=headers)


ROUTES = [
    list_clients,
    create_client,
    invite_client_user,
    list_time,
    record_time,
    delete_time,
    list_engagements,
    create_engagement,
    update_engagement,
    billing,
    invoice_time,
]
