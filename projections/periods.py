"""Read queries for periods and lock requests (GET /v1/periods and the lock status)."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

import asyncpg


async def period_rows(conn: asyncpg.Connection, tenant_id: UUID) -> dict[str, asyncpg.Record]:
    """Periods that ever changed state; any other period is open."""
    rows = await conn.fetch("select * from periods where tenant_id = $1", tenant_id)
    return {row["period"]: row for row in rows}


async def period_row(
    conn: asyncpg.Connection, tenant_id: UUID, period: str
) -> asyncpg.Record | None:
    return await conn.fetchrow(
        "select * from periods where tenant_id = $1 and period = $2", tenant_id, period
    )


async def booking_counts(conn: asyncpg.Connection, tenant_id: UUID) -> dict[str, int]:
    """Booking intents (bookings, opening balances, reversals) per period."""
    rows = await conn.fetch(
        "select period, count(*) as bookings from intents where tenant_id = $1 group by period",
        tenant_id,
    )
    return {row["period"]: row["bookings"] for row in rows}


async def booking_date_range(
    conn: asyncpg.Connection, tenant_id: UUID
) -> tuple[date | None, date | None]:
    row = await conn.fetchrow(
        "select (select booking_date from journal_lines where tenant_id = $1"
        "        order by booking_date limit 1) as first,"
        "       (select booking_date from journal_lines where tenant_id = $1"
        "        order by booking_date desc limit 1) as last",
        tenant_id,
    )
    assert row is not None
    return row["first"], row["last"]


async def pending_request(
    conn: asyncpg.Connection, tenant_id: UUID, period: str, now: datetime
) -> asyncpg.Record | None:
    """The period's pending lock request, unless its 48 hours have run out."""
    return await conn.fetchrow(
        "select * from period_lock_requests where tenant_id = $1 and period = $2"
        " and status = 'pending' and expires_at > $3 order by created_at desc limit 1",
        tenant_id,
        period,
        now,
    )
