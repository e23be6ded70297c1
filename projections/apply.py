"""Writing row changes: inserts by COPY, updates by key, balance deltas by one upsert."""

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
    merge_deltas,
)

INLINE_PROJECTION: Final = "inline"  # name of the read models kept in the append transaction


async def apply_changes(conn: asyncpg.Connection, changes: Iterable[Change]) -> None:
    inserts: dict[str, list[tuple]] = {}
    updates: list[Update] = []
    deltas: list[BalanceDelta] = []
    for change in changes:
        match change:
            case Insert(table=table, row=row):
                inserts.setdefault(table, []).append(row)
            case Update():
                updates.append(change)
            case BalanceDelta():
                deltas.append(change)
    for table, rows in inserts.items():
        await conn.copy_records_to_table(table, records=rows, columns=COLUMNS[table])
    for group in _update_groups(updates):
        await _update_many(conn, group)
    if deltas:
        await upsert_balances(conn, merge_deltas(deltas))


def _update_groups(updates: list[Update]) -> list[list[Update]]:
    """Consecutive updates of the same table and columns, in order: one executemany each."""
    groups: list[list[Update]] = []
    for update in updates:
        last = groups[-1][0] if groups else None
        if (
            last is not None
            and last.table == update.table
            and last.values.keys() == update.values.keys()
        ):
            groups[-1].append(update)
        else:
            groups.append([update])
    return groups


async def _update_many(conn: asyncpg.Connection, group: list[Update]) -> None:
    table, names = group[0].table, list(group[0].values)
    keys = UPDATE_KEYS[table]
    assignments = ", ".join(f"{name} = ${index}" for index, name in enumerate(names, 1))
    conditions = " and ".join(f"{key} = ${index}" for index, key in enumerate(keys, len(names) + 1))
    await conn.executemany(
        f"update {table} set {assignments} where {conditions}",
        [(*update.values.values(), *update.key) for update in group],
    )


async def upsert_balances(conn: asyncpg.Connection, deltas: Sequence[BalanceDelta]) -> None:
    await conn.execute(
        "insert into account_balances (tenant_id, account_number, booking_date, period,"
        " debit_cents, credit_cents, line_count)"
        " select * from unnest($1::uuid[], $2::text[], $3::date[], $4::text[], $5::bigint[],"
        " $6::bigint[], $7::bigint[])"
        " on conflict (tenant_id, account_number, booking_date, period) do update set"
        " debit_cents = account_balances.debit_cents + excluded.debit_cents,"
        " credit_cents = account_balances.credit_cents + excluded.credit_cents,"
        " line_count = account_balances.line_count + excluded.line_count",
        [d.tenant_id for d in deltas],
        [d.account_number for d in deltas],
        [d.booking_date for d in deltas],
        [d.period for d in deltas],
        [d.debit_cents for d in deltas],
        [d.credit_cents for d in deltas],
        [d.line_count for d in deltas],
    )


async def store_position(conn: asyncpg.Connection, name: str, position: int) -> None:
    await conn.execute(
        "insert into projection_positions (name, position) values ($1, $2)"
        " on conflict (name) do update set position = excluded.position",
        name,
        position,
    )
