"""`ledger projections rebuild`: empty the read tables and replay every event from position 0.

It runs in one transaction under the store's position lock, so writers wait and readers keep
seeing the old tables until the new ones are complete. The folds are the live ones
(`projections/fold.py`); only the batching differs:
- secondary indexes are dropped before the replay and built again after it (building an
  index once is far cheaper than maintaining it row by row);
- a second connection reads the next page of events while this one writes the last;
- balance deltas are summed in memory over the whole replay and written once.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from typing import Final

import asyncpg
import msgspec

from ledger.events import LEDGER_TOPICS
from ledger.store import POSITION_LOCK_KEY, StoredEvent, read_events
from projections.apply import INLINE_PROJECTION, apply_changes, store_position, upsert_balances
from projections.fold import READ_TABLES, BalanceDelta, BalanceTotals, Change, changes_of

REPLAY_PAGE_EVENTS: Final = 10_000
PAGES_AHEAD_MAX: Final = 2  # pages the reader may hold before the writer takes them


class RebuildReport(msgspec.Struct, frozen=True, kw_only=True):
    events: int
    journal_lines: int
    position: int
    seconds: float


async def rebuild(pool: asyncpg.Pool) -> RebuildReport:
    started = time.perf_counter()
    events = lines = position = 0
    totals = BalanceTotals()
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("select pg_advisory_xact_lock($1)", POSITION_LOCK_KEY)
        await conn.execute(f"truncate {', '.join(READ_TABLES)}")
        index_definitions = await _drop_secondary_indexes(conn)
        async for page in _pages_read_ahead(pool):
            rows: list[Change] = []
            for stored in page:
                for change in changes_of(stored.event, stored.position):
                    if isinstance(change, BalanceDelta):
                        totals.add(change)
                    else:
                        rows.append(change)
            await apply_changes(conn, rows)
            events += len(page)
            lines += sum(len(getattr(s.event, "lines", ())) for s in page)
            position = page[-1].position
        if totals:
            await upsert_balances(conn, totals.deltas())
        for definition in index_definitions:
            await conn.execute(definition)
        await store_position(conn, INLINE_PROJECTION, position)
    return RebuildReport(
        events=events,
        journal_lines=lines,
        position=position,
        seconds=time.perf_counter() - started,
    )


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


async def _pages_read_ahead(pool: asyncpg.Pool) -> AsyncIterator[list[StoredEvent]]:
    """Pages of all events, read on a connection of their own while the caller writes.

    Events are append-only and the caller holds the position lock, so the reader (outside
    the caller's transaction) sees exactly the events committed before the rebuild began.
    """
    queue: asyncio.Queue[list[StoredEvent] | None] = asyncio.Queue(PAGES_AHEAD_MAX)

    async def read() -> None:
        try:
            async with pool.acquire() as reader:
                pages = read_events(reader, topics=LEDGER_TOPICS, page_events=REPLAY_PAGE_EVENTS)
                async for page in pages:
                    await queue.put(page)
        finally:
            await queue.put(None)  # the end, or a failure that `await task` will raise

    task = asyncio.create_task(read(), name="rebuild-reader")
    try:
        while (page := await queue.get()) is not None:
            yield page
        await task  # surfaces a reader failure
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
