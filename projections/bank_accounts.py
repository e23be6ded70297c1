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


async def reconciliation_view(
    conn: asyncpg.Connection, tenant_id: UUID, bank_account_id: UUID, limit: int
) -> dict:
    """The ledger account's balance beside the statement, the open and reconciled
    transactions (newest first, up to `limit` each) and the open invoices."""
    account = await conn.fetchrow(
        "select * from bank_accounts where tenant_id = $1 and id = $2", tenant_id, bank_account_id
    )
    ledger_cents = await conn.fetchval(
        "select coalesce(sum(debit_cents - credit_cents), 0) from account_balances"
        " where tenant_id = $1 and account_number = $2",
        tenant_id,
        account["account_number"],
    )
    sums = await conn.fetchrow(
        "select coalesce(sum(amount_cents), 0) as bank,"
        " coalesce(sum(amount_cents) filter (where status = 'reconciled'), 0) as reconciled,"
        " count(*) filter (where status = 'unreconciled') as open_count,"
        " count(*) filter (where status = 'reconciled') as reconciled_count"
        " from bank_transactions where tenant_id = $1 and bank_account_id = $2",
        tenant_id,
        bank_account_id,
    )

    async def transactions(status: str) -> list[asyncpg.Record]:
        return await conn.fetch(
            "select * from bank_transactions where tenant_id = $1 and bank_account_id = $2"
            " and status = $3 order by tx_date desc, id limit $4",
            tenant_id,
            bank_account_id,
            status,
            limit,
        )

    open_items = await conn.fetch(
        "select i.*, p.name as party_name, p.account_number as party_account,"
        " b.total_cents as booked_eur_cents"
        " from invoices i join parties p on p.id = i.party_id"
        " join intents b on b.intent_id = i.intent_id"
        " where i.tenant_id = $1 and i.invoice_type = 'invoice'"
        " and i.total_gross_cents > i.settled_cents order by i.invoice_date, i.id limit $2",
        tenant_id,
        limit,
    )
    return {
        "account": account,
        "ledger_cents": ledger_cents,
        "sums": sums,
        "open": await transactions("unreconciled"),
        "reconciled": await transactions("reconciled"),
        "open_items": open_items,
    }
