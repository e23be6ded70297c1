"""`ledger projections rebuild`: empty the read tables and replay every event from position 0.

It runs in one transaction under the store's position lock, so writers wait and readers keep
seeing the old tables until the new ones are complete. The folds are the live ones
(`projections/fold.py`); only the batching differs: balance deltas are summed over the whole
replay and written once.
"""

from __future__ import annotations

import time
from typing import Final

import asyncpg
import msgspec

from ledger.store import POSITION_LOCK_KEY, read_events
from projections.apply import INLINE_PROJECTION, apply_changes, store_position, upsert_balances
from projections.fold import READ_TABLES, BalanceDelta, Change, changes_of, merge_deltas

REPLAY_PAGE_EVENTS: Final = 10_000


class RebuildReport(msgspec.Struct, frozen=True, kw_only=True):
    events: int
    journal_lines: int
    position: int
    seconds: float


async def rebuild(conn: asyncpg.Connection) -> RebuildReport:
    started = time.perf_counter()
    events = lines = position = 0
    async with conn.transaction():
        await conn.execute("select pg_advisory_xact_lock($1)", POSITION_LOCK_KEY)
        await conn.execute(f"truncate {', '.join(READ_TABLES)}")
        deltas: list[BalanceDelta] = []
        async for page in read_events(conn, page_events=REPLAY_PAGE_EVENTS):
            rows: list[Change] = []
            for stored in page:
                for change in changes_of(stored.event, stored.position):
                    if isinstance(change, BalanceDelta):
                        deltas.append(change)
                    else:
                        rows.append(change)
            await apply_changes(conn, rows)
            deltas = merge_deltas(deltas)
            events += len(page)
            lines += sum(len(getattr(s.event, "lines", ())) for s in page)
            position = page[-1].position
        if deltas:
            await upsert_balances(conn, deltas)
        await store_position(conn, INLINE_PROJECTION, position)
    return RebuildReport(
        events=events,
        journal_lines=lines,
        position=position,
        seconds=time.perf_counter() - started,
    )
