"""The event store on PostgreSQL (asyncpg): append a batch, read by position, keep heads.

Storage follows the eventsourcing library's stored-event shape (originator id, originator
version, topic, state bytes, a notification position in commit order), plus the tenant id.
Positions are global and gapless: each batch takes a transaction-level advisory lock right
before it inserts, reads the last position and continues from it, and holds the lock until it
commits, so positions are assigned in commit order and a reader following `position > n`
never skips a committed event (ADR 0002).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from typing import Final
from uuid import UUID

import asyncpg
import msgspec

from ledger.events import (
    Event,
    LedgerEvent,
    decode_event,
    encode_event,
    own_stream_of,
    topic_of,
)
from ledger.state import Head, TenantState

POSITION_LOCK_KEY: Final = 0x1ED6E5  # advisory lock held by a batch while it takes positions
READ_PAGE_EVENTS: Final = 5_000  # events fetched per round trip when replaying


class StoredEvent(msgspec.Struct, frozen=True, kw_only=True):
    """An event with its place in the store."""

    position: int
    tenant_id: UUID
    originator_id: UUID
    originator_version: int
    topic: str
    state: bytes
    event: LedgerEvent


def tenant_lock_key(tenant_id: UUID) -> int:
    """A signed 64-bit advisory-lock key per tenant (the UUID's high half)."""
    return int.from_bytes(tenant_id.bytes[:8], "big", signed=True)


async def lock_tenant(conn: asyncpg.Connection, tenant_id: UUID) -> Head:
    """Take the tenant's advisory lock for this transaction; returns its stored head."""
    row = await conn.fetchrow(
        "select * from ledger_lock_tenant($1, $2)", tenant_id, tenant_lock_key(tenant_id)
    )
    return _head(row)


async def read_head(conn: asyncpg.Connection, tenant_id: UUID) -> Head:
    row = await conn.fetchrow(
        "select position, stream_version, journal_number, audit_hash"
        " from tenant_heads where tenant_id = $1",
        tenant_id,
    )
    return _head(row)


def _head(row: asyncpg.Record | None) -> Head:
    if row is None:
        return Head()
    return Head(position=row[0], stream_version=row[1], journal_number=row[2], audit_hash=row[3])


async def load_state(
    conn: asyncpg.Connection, tenant_id: UUID, head: Head | None = None
) -> TenantState:
    """Fold the tenant's master-data stream; the head comes from `tenant_heads`."""
    state = TenantState(tenant_id=tenant_id)
    rows = await conn.fetch(
        "select state from events where originator_id = $1 order by originator_version",
        tenant_id,
    )
    for row in rows:
        state.apply(decode_event(row["state"]))
    state.head = head if head is not None else await read_head(conn, tenant_id)
    return state


async def append(
    conn: asyncpg.Connection, tenant_id: UUID, events: Sequence[Event], head: Head
) -> list[StoredEvent]:
    """Insert a decided batch and the tenant's new head.

    `head` arrives with the chain fields of the batch applied (journal number, hash) and
    leaves with the new position and stream version.
    """
    last_position = await lock_positions(conn)
    stored: list[StoredEvent] = []
    for offset, event in enumerate(events, start=1):
        own_stream = own_stream_of(event)
        if own_stream is not None:
            originator_id, version = own_stream
        else:
            head.stream_version += 1
            originator_id, version = tenant_id, head.stream_version
        stored.append(
            StoredEvent(
                position=last_position + offset,
                tenant_id=tenant_id,
                originator_id=originator_id,
                originator_version=version,
                topic=topic_of(event),
                state=encode_event(event),
                event=event,  # type: ignore[arg-type]
            )
        )
    head.position = stored[-1].position
    # COPY: the cheapest way to ship rows from Python (ADR 0001); the head follows.
    await conn.copy_records_to_table(
        "events",
        records=[
            (
                s.position,
                tenant_id,
                s.originator_id,
                s.originator_version,
                s.topic,
                s.state,
                s.event.recorded_at,
            )
            for s in stored
        ],
        columns=EVENT_COLUMNS,
    )
    await conn.execute(
        "insert into tenant_heads (tenant_id, position, stream_version, journal_number,"
        " audit_hash) values ($1, $2, $3, $4, $5)"
        " on conflict (tenant_id) do update set position = excluded.position,"
        " stream_version = excluded.stream_version, journal_number = excluded.journal_number,"
        " audit_hash = excluded.audit_hash",
        tenant_id,
        head.position,
        head.stream_version,
        head.journal_number,
        head.audit_hash,
    )
    return stored


EVENT_COLUMNS: Final = (
    "position",
    "tenant_id",
    "originator_id",
    "originator_version",
    "topic",
    "state",
    "recorded_at",
)
INSERT_EVENTS_SQL: Final = (
    "insert into events (position, tenant_id, originator_id, originator_version, topic,"
    " state, recorded_at) select * from unnest($1::bigint[], $2::uuid[], $3::uuid[],"
    " $4::bigint[], $5::text[], $6::bytea[], $7::timestamptz[])"
)


async def lock_positions(conn: asyncpg.Connection) -> int:
    """Take the position lock until the transaction ends; returns the last position taken.

    Every writer of `events` (`append`, and `ledger.recorder` for the eventsourcing library's
    aggregates) comes through here, so positions stay global, gapless and in commit order
    whoever writes (ADR 0002).
    """
    return await conn.fetchval("select ledger_take_positions($1)", POSITION_LOCK_KEY)


async def insert_rows(
    conn: asyncpg.Connection,
    *,
    positions: Sequence[int],
    tenant_ids: Sequence[UUID],
    originator_ids: Sequence[UUID],
    originator_versions: Sequence[int],
    topics: Sequence[str],
    states: Sequence[bytes],
    recorded_ats: Sequence[datetime],
) -> None:
    """Insert event rows, one column per argument (one round trip); call `lock_positions` first.

    A repeated (originator_id, originator_version) raises asyncpg's `UniqueViolationError`.
    """
    await conn.execute(
        INSERT_EVENTS_SQL,
        positions,
        tenant_ids,
        originator_ids,
        originator_versions,
        topics,
        states,
        recorded_ats,
    )


async def read_events(
    conn: asyncpg.Connection,
    *,
    after_position: int = 0,
    tenant_id: UUID | None = None,
    topics: Sequence[str] | None = None,
    page_events: int = READ_PAGE_EVENTS,
) -> AsyncIterator[list[StoredEvent]]:
    """Pages of stored events in position order (keyset pagination, never OFFSET)."""
    position = after_position
    while True:
        rows = await conn.fetch(
            "select position, tenant_id, originator_id, originator_version, topic, state"
            " from events where position > $1"
            " and ($2::uuid is null or tenant_id = $2)"
            " and ($3::text[] is null or topic = any($3))"
            " order by position limit $4",
            position,
            tenant_id,
            list(topics) if topics is not None else None,
            page_events,
        )
        if not rows:
            return
        yield [
            StoredEvent(
                position=row["position"],
                tenant_id=row["tenant_id"],
                originator_id=row["originator_id"],
                originator_version=row["originator_version"],
                topic=row["topic"],
                state=row["state"],
                event=decode_event(row["state"]),
            )
            for row in rows
        ]
        position = rows[-1]["position"]
