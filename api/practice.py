"""The practice API's work between HTTP and the ledger: the firm guard, creating and linking
client entities, inviting their users, the listings, and billing time (docs/api.md,
"Practice")."""

from __future__ import annotations

import functools
import os
import uuid
from datetime import date
from decimal import Decimal
from typing import Final
from uuid import UUID

import asyncpg

from api.auth import Caller
from api.bootstrap import Ledger
from api.errors import ApiError
from api.sessions import issue_token
from ledger import errors
from ledger.events import PartyDetails
from ledger.intents import (
    CreateTenant,
    CreateUser,
    InvoiceTime,
    LinkClientEntity,
    RegisterParty,
)
from ledger.practice.engagements import tasks_now
from ledger.practice.pricing import Pricing
from ledger.practice.time_entries import hours_of
from projections.lookups import known_engagement
from schemas.practice import (
    BillingClientOut,
    BillingOut,
    ClientIn,
    ClientOut,
    EngagementOut,
    EntityOut,
    InviteIn,
    InviteOut,
    LinkOut,
    TaskOut,
    TimeEntryOut,
)

PRACTICE_NAMESPACE: Final = UUID("0b7c3f4e-9d1a-4f6b-8e2d-707261637469")
CLIENT_COLUMNS: Final = (
    "select c.link_id, c.client_id, c.tier, c.billing_mode, c.monthly_fee_cents, t.company_name,"
    " t.legal_form, c.industry, t.account_framework, t.created_at"
    " from practice_clients c join tenants t on t.id = c.client_id where c.firm_id = $1"
)


@functools.cache
def pricing() -> Pricing:
    """The programme's fees and discounts: defaults, or LEDGER_PRACTICE_TIER_FEES /
    LEDGER_PRACTICE_VOLUME_DISCOUNTS (read once per process)."""
    return Pricing.parse(
        os.environ.get("LEDGER_PRACTICE_TIER_FEES"),
        os.environ.get("LEDGER_PRACTICE_VOLUME_DISCOUNTS"),
    )


async def active_firm(ledger: Ledger, caller: Caller, firm_entity_id: UUID) -> asyncpg.Record:
    """The caller's own entity, enrolled and active — else 404 (another entity's id) or 403."""
    if firm_entity_id != caller.tenant_id:
        raise ApiError("FIRM_NOT_FOUND", "No partner firm with this id is yours.")
    async with ledger.pool.acquire() as conn:
        firm = await conn.fetchrow(
            "select * from practice_firms where tenant_id = $1", firm_entity_id
        )
    if firm is None or not firm["is_active"]:
        raise ApiError(
            "NOT_A_PARTNER_FIRM",
            "Practice features are for partner firms: this entity is not enrolled in the "
            "partner programme.",
        )
    return firm


async def client_link(conn: asyncpg.Connection, firm_id: UUID, client_id: UUID) -> asyncpg.Record:
    row = await conn.fetchrow(f"{CLIENT_COLUMNS} and c.client_id = $2", firm_id, client_id)
    if row is None:
        raise ApiError(
            "CLIENT_NOT_FOUND",
            "No client entity with this id is managed by the firm.",
            entity_id=str(client_id),
        )
    return row


def client_out(row: asyncpg.Record) -> ClientOut:
    return ClientOut(
        entity=EntityOut(
            id=row["client_id"],
            name=row["company_name"],
            type=row["legal_form"],
            industry=row["industry"],
            account_framework=row["account_framework"],
            created_at=row["created_at"],
        ),
        link=LinkOut(
            id=row["link_id"],
            client_tier=row["tier"],
            billing_mode=row["billing_mode"],
            monthly_fee=row["monthly_fee_cents"],
        ),
    )


async def create_client(ledger: Ledger, caller: Caller, data: ClientIn) -> ClientOut:
    """A new entity with its own chart, books and tax codes, linked to the firm. The entity
    comes first; the link is refused only if the firm left the programme in between."""
    await active_firm(ledger, caller, data.firm_entity_id)
    async with ledger.pool.acquire() as conn:
        framework = data.account_framework or await conn.fetchval(
            "select account_framework from tenants where id = $1", caller.tenant_id
        )
    client_id, link_id = uuid.uuid4(), uuid.uuid4()
    await ledger.writers.submit_one(
        CreateTenant(
            tenant_id=client_id,
            actor=caller.actor,
            channel="api",
            company_name=data.name,
            legal_form=data.type,
            fiscal_year_start=data.fiscal_year_start,
            account_framework=framework,
        )
    )
    await ledger.writers.submit_one(
        LinkClientEntity(
            **caller.stamp(),
            link_id=link_id,
            client_entity_id=client_id,
            name=data.name,
            entity_type=data.type,
            industry=data.industry,
            tier=data.tier,
            billing_mode=data.billing_mode,
            monthly_fee_cents=pricing().fee_cents(data.tier),
        )
    )
    async with ledger.pool.acquire() as conn:
        return client_out(await client_link(conn, caller.tenant_id, client_id))


async def invite(ledger: Ledger, caller: Caller, entity_id: UUID, data: InviteIn) -> InviteOut:
    """A user of the client entity with the role asked for, and the invitation mail."""
    await active_firm(ledger, caller, caller.tenant_id)
    async with ledger.pool.acquire() as conn:
        await client_link(conn, caller.tenant_id, entity_id)
    user_id = uuid.uuid4()
    role = data.role.lower()
    await ledger.writers.submit_one(
        CreateUser(
            tenant_id=entity_id,
            actor=caller.actor,
            channel="api",
            user_id=user_id,
            email=data.email,
            name=data.name or data.email.split("@")[0],
            role=role,  # type: ignore[arg-type]
        )
    )
    await issue_token(ledger, entity_id, user_id, data.email, "invite")
    return InviteOut(
        user_id=user_id, entity_id=entity_id, email=data.email, role=data.role, invited=True
    )


def time_entry_out(row: asyncpg.Record) -> TimeEntryOut:
    return TimeEntryOut(
        id=row["id"],
        entity_id=row["client_id"],
        date=row["work_date"],
        hours=hours_of(row["minutes"]).quantize(Decimal("0.01")),
        description=row["description"],
        billable=row["billable"],
        rate=row["rate_cents"],
        value=row["value_cents"],
        status=row["status"],
        invoice_id=row["invoice_id"],
        created_by=row["created_by"],
        created_at=row["created_at"],
    )


def engagement_out(
    row: asyncpg.Record, done: dict[str, asyncpg.Record], today: date
) -> EngagementOut:
    mine = frozenset(task_id for task_id in done if task_id.startswith(f"{row['id']}:"))
    known = known_engagement(row, mine)
    tasks = []
    for task in tasks_now(row["id"], known, today):
        completed = done.get(task.task_id)
        tasks.append(
            TaskOut(
                id=task.task_id,
                name=task.name,
                period=task.period,
                due_date=task.due_date,
                status="completed" if completed else "open",
                overdue=completed is None and task.due_date < today,
                completed_at=completed["completed_at"] if completed else None,
                completed_by=completed["completed_by"] if completed else None,
            )
        )
    return EngagementOut(
        id=row["id"],
        entity_id=row["client_id"],
        name=row["name"],
        type=row["engagement_type"],
        recurrence=row["recurrence"],
        start_date=row["start_date"],
        notes=row["notes"],
        status=row["status"],
        created_at=row["created_at"],
        tasks=tasks,
    )


async def billing_overview(ledger: Ledger, caller: Caller, firm_entity_id: UUID) -> BillingOut:
    firm = await active_firm(ledger, caller, firm_entity_id)
    first_of_month = ledger.clock().date().replace(day=1)
    async with ledger.pool.acquire() as conn:
        clients = await conn.fetch(f"{CLIENT_COLUMNS} order by t.company_name", firm_entity_id)
        unbilled = {
            row["client_id"]: row
            for row in await conn.fetch(
                "select client_id, sum(minutes) as minutes, sum(value_cents) as value"
                " from time_entries where firm_id = $1 and status = 'unbilled' and billable"
                " group by client_id",
                firm_entity_id,
            )
        }
        invoiced = {
            row["client_id"]: row["total"]
            for row in await conn.fetch(
                "select client_id, sum(total_gross_cents) as total from practice_invoices"
                " where firm_id = $1 and invoice_date >= $2 group by client_id",
                firm_entity_id,
                first_of_month,
            )
        }
    prices = pricing()
    discount_bp = prices.discount_bp(len(clients))
    rows = []
    for client in clients:
        open_time = unbilled.get(client["client_id"])
        rows.append(
            BillingClientOut(
                entity_id=client["client_id"],
                name=client["company_name"],
                client_tier=client["tier"],
                billing_mode=client["billing_mode"],
                monthly_fee=client["monthly_fee_cents"],
                discounted_fee=prices.discounted_cents(client["monthly_fee_cents"], discount_bp),
                unbilled_hours=hours_of(open_time["minutes"] if open_time else 0).quantize(
                    Decimal("0.01")
                ),
                unbilled_value=open_time["value"] if open_time else 0,
                invoiced_this_month=invoiced.get(client["client_id"], 0),
            )
        )
    return BillingOut(
        firm_entity_id=firm_entity_id,
        partner_tier=firm["partner_tier"],
        client_count=len(clients),
        volume_discount=Decimal(discount_bp) / 10_000,
        monthly_fees=sum(r.discounted_fee for r in rows if r.billing_mode == "consolidated"),
        clients=rows,
    )


async def bill_time(
    ledger: Ledger, caller: Caller, client_id: UUID, entry_ids: list[UUID]
) -> tuple[UUID, bool]:
    """Bill the entries to the client in the firm's books; (invoice id, replayed). The
    invoice id follows from the client and the entries, so a retry finds the first."""
    firm_id = caller.tenant_id
    invoice_id = uuid.uuid5(
        PRACTICE_NAMESPACE, f"{firm_id}:{client_id}:{','.join(sorted(map(str, entry_ids)))}"
    )
    async with ledger.pool.acquire() as conn:
        link = await client_link(conn, firm_id, client_id)
        replayed = bool(
            await conn.fetchval("select 1 from practice_invoices where invoice_id = $1", invoice_id)
        )
    party_id = await _customer_of(ledger, caller, client_id, link["company_name"])
    await ledger.writers.submit_one(
        InvoiceTime(
            **caller.stamp(),
            invoice_id=invoice_id,
            client_entity_id=client_id,
            entry_ids=tuple(entry_ids),
            party_id=party_id,
            invoice_date=ledger.clock().date(),
        )
    )
    return invoice_id, replayed


async def _customer_of(ledger: Ledger, caller: Caller, client_id: UUID, name: str) -> UUID:
    """The client's customer record in the firm's books: registered on its first invoice;
    a customer of the same name already there is taken as the client."""
    party_id = uuid.uuid5(PRACTICE_NAMESPACE, f"customer:{caller.tenant_id}:{client_id}")
    async with ledger.pool.acquire() as conn:
        if await conn.fetchval("select 1 from parties where id = $1", party_id):
            return party_id
    try:
        await ledger.writers.submit_one(
            RegisterParty(
                **caller.stamp(),
                party_id=party_id,
                kind="customer",
                details=PartyDetails(name=name),
            )
        )
    except errors.DuplicateName:
        async with ledger.pool.acquire() as conn:
            return await conn.fetchval(
                "select id from parties where tenant_id = $1 and kind = 'customer'"
                " and lower(name) = lower($2) and is_active",
                caller.tenant_id,
                name,
            )
    return party_id
