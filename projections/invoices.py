"""Read queries for invoices: pages, one invoice with its lines, open items, ageing.

Status and remaining amount depend on the day and on settlements, so they are computed here
from the stored invoice (docs/api.md, "Invoices"), never stored.
"""

from __future__ import annotations

from datetime import date
from typing import Final
from uuid import UUID

import asyncpg

from ledger.money import divide_half_up

# $today: the tenant's calendar day. Overdue wins over partially paid: it is what needs doing.
STATUS: Final = """
case
    when i.intent_id is null then 'draft'
    when i.invoice_type = 'credit_note' then 'paid'
    when i.settled_cents >= i.total_gross_cents then 'paid'
    when i.due_date is not null and i.due_date < {today} then 'overdue'
    when i.settled_cents > 0 then 'partially_paid'
    else 'open'
end"""
REMAINING: Final = """
case
    when i.intent_id is not null and i.invoice_type = 'credit_note' then 0
    else greatest(i.total_gross_cents - i.settled_cents, 0)
end"""


def _columns(today: str) -> str:
    return (
        f"i.*, p.name as party_name, p.account_number, {STATUS.format(today=today)} as status,"
        f" {REMAINING} as remaining_cents"
    )


async def page(
    conn: asyncpg.Connection,
    tenant_id: UUID,
    direction: str,
    *,
    today: date,
    party_id: UUID | None,
    status: str | None,
    invoice_type: str | None,
    start: date | None,
    end: date | None,
    limit: int,
    offset: int,
) -> tuple[list[asyncpg.Record], int]:
    query = (
        f"select * from (select {_columns('$3')} from invoices i"
        " join parties p on p.id = i.party_id"
        " where i.tenant_id = $1 and i.direction = $2"
        " and ($4::uuid is null or i.party_id = $4)"
        " and ($5::text is null or i.invoice_type = $5)"
        " and ($6::date is null or i.invoice_date >= $6)"
        " and ($7::date is null or i.invoice_date <= $7)) as rows"
        " where ($8::text is null or status = $8)"
    )
    args = (tenant_id, direction, today, party_id, invoice_type, start, end, status)
    rows = await conn.fetch(
        query + " order by invoice_date desc, invoice_number, id limit $9 offset $10",
        *args,
        limit,
        offset,
    )
    total = await conn.fetchval(f"select count(*) from ({query}) as counted", *args)
    return rows, total


async def invoice(
    conn: asyncpg.Connection, tenant_id: UUID, direction: str, invoice_id: UUID, today: date
) -> tuple[asyncpg.Record | None, list[asyncpg.Record]]:
    row = await conn.fetchrow(
        f"select {_columns('$4')} from invoices i join parties p on p.id = i.party_id"
        " where i.tenant_id = $1 and i.direction = $2 and i.id = $3",
        tenant_id,
        direction,
        invoice_id,
        today,
    )
    if row is None:
        return None, []
    lines = await conn.fetch(
        "select * from invoice_lines where invoice_id = $1 order by position", invoice_id
    )
    return row, lines


async def open_items(
    conn: asyncpg.Connection, tenant_id: UUID, direction: str, today: date
) -> list[asyncpg.Record]:
    """Linked invoices with something left to pay, and linked credit notes not yet used up
    (their gross less what settlements applied), by party; with the EUR total of the
    linked intent, from which the open amount in EUR follows."""
    return await conn.fetch(
        f"select {_columns('$3')}, greatest(i.total_gross_cents - i.settled_cents, 0)"
        " as credit_open_cents, b.total_cents as booked_eur_cents"
        " from invoices i join parties p on p.id = i.party_id"
        " join intents b on b.intent_id = i.intent_id"
        " where i.tenant_id = $1 and i.direction = $2 and i.intent_id is not null"
        " and i.total_gross_cents > i.settled_cents"
        " order by lower(p.name), p.id, i.invoice_date, i.invoice_number",
        tenant_id,
        direction,
        today,
    )


def base_cents(currency: str, remaining_cents: int, gross_cents: int, booked_eur_cents: int) -> int:
    """The open amount in EUR: for an EUR invoice the remaining amount; for another currency
    the remaining share of what the linked intent booked in EUR, half up."""
    if currency == "EUR":
        return remaining_cents
    if gross_cents == 0:
        return 0
    return divide_half_up(remaining_cents * booked_eur_cents, gross_cents)
