"""Read queries for customers and vendors, with the balance of their personal account."""

from __future__ import annotations

from uuid import UUID

import asyncpg

# The personal account's balance (debit minus credit) beside each party.
_WITH_BALANCE = (
    "select p.*, coalesce(b.debit - b.credit, 0) as balance_cents from parties p"
    " left join lateral (select sum(debit_cents) as debit, sum(credit_cents) as credit"
    "  from account_balances a where a.tenant_id = p.tenant_id"
    "  and a.account_number = p.account_number) b on true"
)


async def parties(
    conn: asyncpg.Connection,
    tenant_id: UUID,
    kind: str,
    *,
    search: str | None,
    is_active: bool | None,
    limit: int,
    offset: int,
) -> tuple[list[asyncpg.Record], int]:
    pattern = None
    if search:
        escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped.lower()}%"
    conditions = (
        " where p.tenant_id = $1 and p.kind = $2 and ($3::boolean is null or p.is_active = $3)"
        " and ($4::text is null or lower(p.name) like $4 or lower(coalesce(p.vat_id, '')) like $4)"
    )
    rows = await conn.fetch(
        _WITH_BALANCE + conditions + " order by lower(p.name), p.id limit $5 offset $6",
        tenant_id,
        kind,
        is_active,
        pattern,
        limit,
        offset,
    )
    total = await conn.fetchval(
        "select count(*) from parties p" + conditions, tenant_id, kind, is_active, pattern
    )
    return rows, total


async def party(
    conn: asyncpg.Connection, tenant_id: UUID, kind: str, party_id: UUID
) -> asyncpg.Record | None:
    return await conn.fetchrow(
        _WITH_BALANCE + " where p.tenant_id = $1 and p.kind = $2 and p.id = $3",
        tenant_id,
        kind,
        party_id,
    )
