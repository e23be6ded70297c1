"""Read queries for bank accounts."""

from __future__ import annotations

from datetime import date
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


async def balance_history(
    conn: asyncpg.Connection,
    tenant_id: UUID,
    bank_account_id: UUID | None,
    start: date,
    end: date,
) -> tuple[int, list[tuple[date, int]]]:
    """The balance of the bank accounts' ledger accounts before `start`, and the movement of
    each day from `start` to `end` (days without postings left out)."""
    accounts = await conn.fetch(
        "select account_number from bank_accounts where tenant_id = $1"
        " and ($2::uuid is null or id = $2)",
        tenant_id,
        bank_account_id,
    )
    numbers = [row["account_number"] for row in accounts]
    opening = await conn.fetchval(
        "select coalesce(sum(debit_cents - credit_cents), 0) from account_balances"
        " where tenant_id = $1 and account_number = any($2::text[]) and booking_date < $3",
        tenant_id,
        numbers,
        start,
    )
    days = await conn.fetch(
        "select booking_date, sum(debit_cents - credit_cents) as movement from account_balances"
        " where tenant_id = $1 and account_number = any($2::text[])"
        " and booking_date between $3 and $4 group by booking_date order by booking_date",
        tenant_id,
        numbers,
        start,
        end,
    )
    return opening, [(row["booking_date"], row["movement"]) for row in days]
