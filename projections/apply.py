"""Writing row changes: inserts by COPY, then balances and the position in one statement.

Binary COPY costs a round trip per table but encodes rows 2.5-4.5x cheaper than `unnest`
arrays (benchmarks/RESULTS.md, ADR 0001), and the writer's transaction is CPU-bound.
Updates follow in their own statements, after the inserts they may refer to (a reversal
updates an intent that may have been inserted in the same batch).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Final

import asyncpg

from projections.fold import (
    COLUMNS,
    UPDATE_KEYS,
    BalanceDelta,
    Change,
    Insert,
    Update,
    Upsert,
    merge_deltas,
)

INLINE_PROJECTION: Final = "inline"  # name of the read models kept in the append transaction

BALANCES_UPSERT: Final = (
    "insert into account_balances (tenant_id, account_number, booking_date, period,"
    " debit_cents, credit_cents, line_count)"
    " select * from unnest({}::uuid[], {}::text[], {}::date[], {}::text[], {}::bigint[],"
    " {}::bigint[], {}::bigint[])"
    " on conflict (tenant_id, account_number, booking_date, period) do update set"
    " debit_cents = account_balances.debit_cents + excluded.debit_cents,"
    " credit_cents = account_balances.credit_cents + excluded.credit_cents,"
    " line_count = account_balances.line_count + excluded.line_count"
)
POSITION_UPSERT: Final = (
    "insert into projection_positions (name, position) values ({}, {})"
    " on conflict (name) do update set position = excluded.position"
)


async def apply_changes(
    conn: asyncpg.Connection, changes: Iterable[Change], *, position: tuple[str, int] | None = None
) -> None:
    """Write `changes` (and the projection's new `position`, if given)."""
    inserts: dict[str, list[tuple]] = {}
    updates: list[Update | Upsert] = []
    deltas: list[BalanceDelta] = []
    for change in changes:
        match change:
            case Insert(table=table, row=row):
                inserts.setdefault(table, []).append(row)
            case Update() | Upsert():
                updates.append(change)
            case BalanceDelta():
                deltas.append(change)
    for table, rows in inserts.items():
        await conn.copy_records_to_table(table, records=rows, columns=COLUMNS[table])
    await _write_balances_and_position(conn, merge_deltas(deltas) if deltas else [], position)
    for group in _update_groups(updates):
        await _update_many(conn, group)


async def _write_balances_and_position(
    conn: asyncpg.Connection, deltas: Sequence[BalanceDelta], position: tuple[str, int] | None
) -> None:
    if deltas and position is not None:
        await conn.execute(
            f"with balances as ({BALANCES_UPSERT.format(*_placeholders(1, 7))}) "
            + POSITION_UPSERT.format("$8", "$9"),
            *_delta_columns(deltas),
            *position,
        )
    elif deltas:
        await upsert_balances(conn, deltas)
    elif position is not None:
        await store_position(conn, *position)


def _placeholders(first: int, count: int) -> list[str]:
    return [f"${index}" for index in range(first, first + count)]


def _delta_columns(deltas: Sequence[BalanceDelta]) -> list[list]:
    return [
        [d.tenant_id for d in deltas],
        [d.account_number for d in deltas],
        [d.booking_date for d in deltas],
        [d.period for d in deltas],
        [d.debit_cents for d in deltas],
        [d.credit_cents for d in deltas],
        [d.line_count for d in deltas],
    ]


def _update_groups(updates: list[Update | Upsert]) -> list[list[Update | Upsert]]:
    """Consecutive updates of the same table and columns, in order: one executemany each."""
    groups: list[list[Update | Upsert]] = []
    for update in updates:
        last = groups[-1][0] if groups else None
        same_shape = (
            last is not None
            and type(last) is type(update)
            and last.table == update.table
            and _columns_of(last) == _columns_of(update)
        )
        if same_shape:
            groups[-1].append(update)
        else:
            groups.append([update])
    return groups


def _columns_of(change: Update | Upsert) -> tuple[str, ...]:
    return COLUMNS[change.table] if isinstance(change, Upsert) else tuple(change.values)


async def _update_many(conn: asyncpg.Connection, group: list[Update | Upsert]) -> None:
    upserts = [change for change in group if isinstance(change, Upsert)]
    if upserts:
        await _upsert_many(conn, upserts)
        return
    updates = [change for change in group if isinstance(change, Update)]
    table, names = updates[0].table, list(updates[0].values)
    keys = UPDATE_KEYS[table]
    assignments = ", ".join(f"{name} = ${index}" for index, name in enumerate(names, 1))
    conditions = " and ".join(f"{key} = ${index}" for index, key in enumerate(keys, len(names) + 1))
    await conn.executemany(
        f"update {table} set {assignments} where {conditions}",
        [(*update.values.values(), *update.key) for update in updates],
    )


async def _upsert_many(conn: asyncpg.Connection, upserts: list[Upsert]) -> None:
    table = upserts[0].table
    columns = COLUMNS[table]
    keys = UPDATE_KEYS[table]
    placeholders = ", ".join(f"${index}" for index in range(1, len(columns) + 1))
    assignments = ", ".join(f"{name} = excluded.{name}" for name in columns if name not in keys)
    await conn.executemany(
        f"insert into {table} ({', '.join(columns)}) values ({placeholders})"
        f" on conflict ({', '.join(keys)}) do update set {assignments}",
        [upsert.row for upsert in upserts],
    )


async def upsert_balances(conn: asyncpg.Connection, deltas: Sequence[BalanceDelta]) -> None:
    await conn.execute(BALANCES_UPSERT.format(*_placeholders(1, 7)), *_delta_columns(deltas))


async def store_position(conn: asyncpg.Connection, name: str, position: int) -> None:
    await conn.execute(POSITION_UPSERT.format("$1", "$2"), name, position)
