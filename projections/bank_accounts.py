"""Read queries for bank accounts."""

from __future__ import annotations

from uuid import UUID

import asyncpg

# Each account with what its transactions count.
_WITH_COUNTS = (
    "select a.*, coalesce(t.tx_count, 0) as tx_count,"
    " coalesce(t.unreconciled_count, 0) as unreconciled_count, t.last_tx_date"
    " from bank_accounts a left join lateral (select count(*) as tx_count,"
    "  count(*) filter (where status = 'unreconciled') as unreconciled_count,"
    "  max(tx_date) as last_tx_date from bank_transactions b"
    "  where b.tenant_id = a.tenant_id and b.bank_account_id = a.id) t on true"
)


async def bank_accounts(conn: asyncpg.Connection, tenant_id: UUID) -> list[asyncpg.Record]:
    return await conn.fetch(
        _WITH_COUNTS + " where a.tenant_id = $1 order by lower(a.name), a.id", tenant_id
    )


async def bank_account(
    conn: asyncpg.Connection, tenant_id: UUID, bank_account_id: UUID
) -> asyncpg.Record | None:
    return await conn.fetchrow(
        _WITH_COUNTS + " where a.tenant_id = $1 and a.id = $2", tenant_id, bank_account_id
    )
