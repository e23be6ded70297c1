"""Writing row changes: all inserts, balance deltas and the position in one statement.

The writer's transaction pays a round trip per statement, so the inserts of every table, the
balance upsert and the projection position go out as one statement of data-modifying CTEs
over `unnest` arrays. Updates follow in their own statements, because a CTE cannot see rows
its sibling CTEs insert (a reversal may update an intent inserted in the same batch).
Tables with array columns (api_keys.scopes) go by COPY: `unnest` would flatten the arrays.
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
    merge_deltas,
)

INLINE_PROJECTION: Final = "inline"  # name of the read models kept in the append transaction

COLUMN_TYPES: Final[dict[str, tuple[str, ...]]] = {
    "tenants": (
        "uuid",
        "text",
        "text",
        "text",
        "text",
        "smallint",
        "boolean",
        "text",
        "timestamptz",
    ),
    "users": ("uuid", "uuid", "text", "text", "text", "boolean", "timestamptz"),
    "accounts": (
        "uuid",
        "text",
        "text",
        "text",
        "text",
        "text",
        "boolean",
        "boolean",
        "boolean",
        "timestamptz",
    ),
    "tax_codes": (
        "uuid",
        "text",
        "text",
        "text",
        "text",
        "integer",
        "text",
        "text",
        "text",
        "boolean",
        "boolean",
        "timestamptz",
        "timestamptz",
    ),
    "intents": (
        "uuid",
        "uuid",
        "bigint",
        "text",
        "date",
        "text",
        "text",
        "integer",
        "bigint",
        "bigint",
        "bigint",
        "text",
        "jsonb",
        "text",
        "jsonb",
        "uuid",
        "uuid",
        "uuid",
        "text",
        "text",
        "text",
        "text",
        "timestamptz",
        "text",
        "text",
        "text",
        "text",
    ),
    "journal_lines": (
        "uuid",
        "bigint",
        "uuid",
        "uuid",
        "date",
        "text",
        "text",
        "text",
        "bigint",
        "text",
        "numeric",
        "text",
        "text",
    ),
}
COPIED_TABLES: Final = frozenset(COLUMNS) - frozenset(COLUMN_TYPES)  # array columns

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
    for table in COPIED_TABLES & inserts.keys():
        await conn.copy_records_to_table(table, records=inserts.pop(table), columns=COLUMNS[table])
    await _write_inserts(conn, inserts, merge_deltas(deltas) if deltas else [], position)
    for group in _update_groups(updates):
        await _update_many(conn, group)


async def _write_inserts(
    conn: asyncpg.Connection,
    inserts: dict[str, list[tuple]],
    deltas: Sequence[BalanceDelta],
    position: tuple[str, int] | None,
) -> None:
    parts: list[str] = []
    arguments: list[object] = []

    def placeholders(count: int) -> list[str]:
        start = len(arguments) + 1
        return [f"${index}" for index in range(start, start + count)]

    for table, rows in inserts.items():
        types = COLUMN_TYPES[table]
        names = placeholders(len(types))
        arrays = ", ".join(f"{name}::{kind}[]" for name, kind in zip(names, types, strict=True))
        parts.append(
            f"insert into {table} ({', '.join(COLUMNS[table])}) select * from unnest({arrays})"
        )
        arguments.extend([list(column) for column in zip(*rows, strict=True)])
    if deltas:
        parts.append(BALANCES_UPSERT.format(*placeholders(7)))
        arguments.extend(_delta_columns(deltas))
    if position is not None:
        parts.append(POSITION_UPSERT.format(*placeholders(2)))
        arguments.extend(position)
    if not parts:
        return
    if len(parts) == 1:
        await conn.execute(parts[0], *arguments)
        return
    ctes = ", ".join(f"w{index} as ({part})" for index, part in enumerate(parts[:-1]))
    await conn.execute(f"with {ctes} {parts[-1]}", *arguments)


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


def _update_groups(updates: list[Update]) -> list[list[Update]]:
    """Consecutive updates of the same table and columns, in order: one executemany each."""
    groups: list[list[Update]] = []
    for update in updates:
        last = groups[-1][0] if groups else None
        same_shape = (
            last is not None
            and last.table == update.table
            and last.values.keys() == update.values.keys()
        )
        if same_shape:
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
        BALANCES_UPSERT.format(*(f"${index}" for index in range(1, 8))), *_delta_columns(deltas)
    )


async def store_position(conn: asyncpg.Connection, name: str, position: int) -> None:
    await conn.execute(POSITION_UPSERT.format("$1", "$2"), name, position)
