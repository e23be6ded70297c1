"""`ledger projections rebuild`: empty the read tables and replay every event from position 0.

It runs in one transaction under the store's position lock, so writers wait and readers keep
seeing the old tables until the new ones are complete. Two folds produce the rows:
- master data (tenants, charts, accounts, tax codes, users, keys: few events) goes through
  the live Python fold of `projections/fold.py`;
- bookings, nearly every event, are folded inside PostgreSQL by the set-based statements of
  `projections/replay_sql.py`, one range of positions at a time, and the balances are summed
  from the rebuilt journal at the end (ADR 0004).
Secondary indexes are dropped before the replay and built again after it: building an index
once is far cheaper than maintaining it row by row.
"""

from __future__ import annotations

import time
from typing import Final

import asyncpg
import msgspec

from ledger.events import LEDGER_TOPICS
from ledger.store import POSITION_LOCK_KEY, read_events
from projections.apply import INLINE_PROJECTION, apply_changes, store_position
from projections.fold import READ_TABLES, Change, changes_of
from projections.replay_sql import (
    BOOKING_TOPIC,
    INSERT_BALANCES,
    INSERT_BOOKINGS,
    LINK_REVERSALS,
)

MASTER_DATA_TOPICS: Final = tuple(topic for topic in LEDGER_TOPICS if topic != BOOKING_TOPIC)
REPLAY_PAGE_EVENTS: Final = 10_000  # master-data events per page
BOOKING_POSITIONS_PER_STATEMENT: Final = 50_000  # bounds the parsed JSON PostgreSQL holds


class RebuildReport(msgspec.Struct, frozen=True, kw_only=True):
    events: int
    journal_lines: int
    position: int
    seconds: float


async def rebuild(pool: asyncpg.Pool) -> RebuildReport:
    started = time.perf_counter()
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("select pg_advisory_xact_lock($1)", POSITION_LOCK_KEY)
        await conn.execute(f"truncate {', '.join(READ_TABLES)}")
        index_definitions = await _drop_secondary_indexes(conn)
        # Enough sort memory for PostgreSQL to build each index with parallel workers.
        await conn.execute("set local maintenance_work_mem = '256MB'")
        master_events = await _replay_master_data(conn)
        bookings, lines = await _replay_bookings(conn)
        for definition in index_definitions:
            await conn.execute(definition)
        position = await conn.fetchval(
            "select coalesce(max(position), 0) from events where topic = any($1)",
            list(LEDGER_TOPICS),
        )
        await store_position(conn, INLINE_PROJECTION, position)
    return RebuildReport(
        events=master_events + bookings,
        journal_lines=lines,
        position=position,
        seconds=time.perf_counter() - started,
    )


async def _replay_master_data(conn: asyncpg.Connection) -> int:
    events = 0
    pages = read_events(conn, topics=MASTER_DATA_TOPICS, page_events=REPLAY_PAGE_EVENTS)
    async for page in pages:
        rows: list[Change] = []
        for stored in page:
            rows.extend(changes_of(stored.event, stored.position))
        await apply_changes(conn, rows)
        events += len(page)
    return events


async def _replay_bookings(conn: asyncpg.Connection) -> tuple[int, int]:
    """Fold every booking event in SQL; returns (events, journal lines)."""
    last = await conn.fetchval(
        "select coalesce(max(position), 0) from events where topic = $1", BOOKING_TOPIC
    )
    lines = 0
    for after in range(0, last, BOOKING_POSITIONS_PER_STATEMENT):
        status = await conn.execute(
            INSERT_BOOKINGS, BOOKING_TOPIC, after, after + BOOKING_POSITIONS_PER_STATEMENT
        )
        lines += _row_count(status)
    await conn.execute(LINK_REVERSALS)
    await conn.execute(INSERT_BALANCES)
    events = await conn.fetchval("select count(*) from intents")
    return events, lines


def _row_count(status: str) -> int:
    return int(status.rsplit(" ", 1)[1])  # "INSERT 0 <rows>"


async def _drop_secondary_indexes(conn: asyncpg.Connection) -> list[str]:
    """Drop the read tables' indexes other than primary keys; returns how to create them."""
    rows = await conn.fetch(
        "select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as definition"
        " from pg_index i where i.indrelid = any($1::regclass[]) and not i.indisprimary"
        " and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)"
        " order by name",
        list(READ_TABLES),
    )
    for row in rows:
        await conn.execute(f"drop index {row['name']}")
    return [row["definition"] for row in rows]
