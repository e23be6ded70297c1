"""Read queries for bank transactions."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import asyncpg


async def transactions(
    conn: asyncpg.Connection,
    tenant_id: UUID,
    *,
    bank_account_id: UUID | None,
    start: date | None,
    end: date | None,
    search: str | None,
    status: str | None,
    limit: int,
    offset: int,
) -> tuple[list[asyncpg.Record], int]:
    pattern = None
    if search:
        escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped.lower()}%"
    conditions = (
        " where tenant_id = $1 and ($2::uuid is null or bank_account_id = $2)"
        " and ($3::date is null or tx_date >= $3) and ($4::date is null or tx_date <= $4)"
        " and ($5::text is null or status = $5)"
        " and ($6::text is null or lower(coalesce(counterparty_name, '')) like $6"
        "      or lower(coalesce(reference, '')) like $6)"
    )
    args = (tenant_id, bank_account_id, start, end, status, pattern)
    rows = await conn.fetch(
        f"select * from bank_transactions{conditions} order by tx_date desc, id limit $7 offset $8",
        *args,
        limit,
        offset,
    )
    total = await conn.fetchval(f"select count(*) from bank_transactions{conditions}", *args)
    return rows, total


async def transaction(
    conn: asyncpg.Connection, tenant_id: UUID, tx_id: UUID
) -> asyncpg.Record | None:
    return await conn.fetchrow(
        "select * from bank_transactions where tenant_id = $1 and id = $2", tenant_id, tx_id
    )


async def unreconciled_count(
    conn: asyncpg.Connection, tenant_id: UUID, bank_account_id: UUID | None
) -> int:
    return await conn.fetchval(
        "select count(*) from bank_transactions where tenant_id = $1"
        " and ($2::uuid is null or bank_account_id = $2) and status = 'unreconciled'",
        tenant_id,
        bank_account_id,
    )
