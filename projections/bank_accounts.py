"""Read queries for bank accounts."""

from __future__ import annotations

from uuid import UUID

import asyncpg


async def bank_accounts(conn: asyncpg.Connection, tenant_id: UUID) -> list[asyncpg.Record]:
    return await conn.fetch(
        "select * from bank_accounts where tenant_id = $1 order by lower(name), id", tenant_id
    )


async def bank_account(
    conn: asyncpg.Connection, tenant_id: UUID, bank_account_id: UUID
) -> asyncpg.Record | None:
    return await conn.fetchrow(
        "select * from bank_accounts where tenant_id = $1 and id = $2", tenant_id, bank_account_id
    )
